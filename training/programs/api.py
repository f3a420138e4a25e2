"""Program and member endpoints of the JSON API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from flask import jsonify
from flask_login import current_user, login_required
from pydantic import EmailStr, Field

from training.api import api, parse_json
from training.api.schemas import Locale, NonEmpty, Strict, TimeZoneName
from training.db import begin_immediate
from training.extensions import db
from training.policy import can, program_member_or_404, require, require_admin
from training.programs.models import Membership
from training.programs.operations import (
    add_member,
    create_program,
    members_by_company,
    programs_of,
    remove_member,
)
from training.programs.serializers import membership_json, program_json


class ProgramIn(Strict):
    title: NonEmpty
    timezone: TimeZoneName = "America/Toronto"
    coaching_quota: int = Field(default=5, ge=0, le=100)
    planned_sessions: int = Field(default=10, ge=0, le=500)
    starts_on: date | None = None
    ends_on: date | None = None
    locale: Locale = "fr_CA"


class MemberIn(Strict):
    email: EmailStr
    name: NonEmpty
    role: Literal["participant", "facilitator", "expert"]
    company: str | None = Field(default=None, max_length=200)


@api.post("/programs")
@login_required
def api_create_program():
    require_admin()
    body = parse_json(ProgramIn)
    program = create_program(**body.model_dump())
    db.session.commit()
    return jsonify(program_json(program)), 201


@api.get("/programs")
@login_required
def api_list_programs():
    return jsonify(programs=[program_json(p) for p in programs_of(current_user)])


@api.get("/programs/<int:pid>")
@login_required
def api_get_program(pid: int):
    return jsonify(program_json(program_member_or_404(pid)))


@api.get("/programs/<int:pid>/members")
@login_required
def api_list_members(pid: int):
    program = require("members.view", pid)
    members = [m for _, group in members_by_company(program) for m in group]
    contacts = can("members.contacts", pid)
    return jsonify(members=[membership_json(m, with_contact=contacts) for m in members])


@api.post("/programs/<int:pid>/members")
@login_required
def api_add_member(pid: int):
    program = require("members.manage", pid)
    body = parse_json(MemberIn)
    membership = add_member(program, inviter=current_user, **body.model_dump())
    db.session.commit()
    return jsonify(membership_json(membership)), 201


@api.delete("/members/<int:mid>")
@login_required
def api_remove_member(mid: int):
    begin_immediate()  # the removal's handlers read then write (bookings, invites)
    membership = db.get_or_404(Membership, mid)
    require("members.manage", membership.program_id)
    remove_member(membership)
    db.session.commit()
    return jsonify(status="removed")
