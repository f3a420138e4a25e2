"""Sessions in the JSON API (README.md, "HTTP API"): list, schedule, edit, cancel, RSVP, materials,
attendance, reminder settings."""

from __future__ import annotations

from typing import Literal

from flask import jsonify, request
from flask_login import current_user, login_required
from pydantic import Field
from werkzeug.exceptions import NotFound

from training.api import api, parse_json
from training.api.schemas import Strict
from training.extensions import db
from training.policy import program_member_or_404, require
from training.programs.models import Program
from training.sessions import operations
from training.sessions.materials import add_material
from training.sessions.models import TrainingSession
from training.sessions.serializers import material_json, materials_of, session_json
from training.sessions.validation import SessionInput


class SessionIn(Strict):
    title: str
    starts_at: str
    duration_minutes: int | None = None
    ends_at: str | None = None
    timezone: str | None = None
    join_url: str | None = None
    description: str | None = Field(default=None, max_length=20_000)


class SessionPatch(Strict):
    title: str | None = None
    starts_at: str | None = None
    duration_minutes: int | None = None
    ends_at: str | None = None
    timezone: str | None = None
    join_url: str | None = None
    description: str | None = Field(default=None, max_length=20_000)


class CancelIn(Strict):
    reason: str | None = Field(default=None, max_length=2000)


class RsvpIn(Strict):
    response: Literal["yes", "no", "maybe"]


class Mark(Strict):
    user_id: int
    status: Literal["present", "absent"]


class AttendanceIn(Strict):
    marks: list[Mark]


class SettingsIn(Strict):
    reminder_minutes: list[int] = Field(max_length=5)


def _session(
    sid: int, action: str | None = None, *, lock: bool = False
) -> tuple[TrainingSession, Program]:
    session = operations.locked_session(sid) if lock else db.session.get(TrainingSession, sid)
    if session is None:
        raise NotFound()  # the same answer as another program's session: ids leak nothing
    program = (
        require(action, session.program_id) if action else program_member_or_404(session.program_id)
    )
    return session, program


def _json(session, program, status=200):
    body = session_json(session, program.timezone, materials=materials_of(session.id))
    return jsonify(body), status


@api.get("/programs/<int:pid>/sessions")
@login_required
def api_list_sessions(pid: int):
    program = program_member_or_404(pid)
    sessions = db.session.scalars(
        db.select(TrainingSession)
        .where(TrainingSession.program_id == pid)
        .order_by(TrainingSession.starts_at)
    )
    return jsonify(
        sessions=[session_json(s, program.timezone) for s in sessions],
        planned_sessions=program.planned_sessions,
        scheduled_sessions=operations.scheduled_count(pid),
    )


@api.post("/programs/<int:pid>/sessions")
@login_required
def api_create_session(pid: int):
    program = require("sessions.manage", pid)
    body = parse_json(SessionIn)
    session = operations.schedule_session(program, SessionInput(**body.model_dump()))
    db.session.commit()
    response, status = _json(session, program, 201)
    response.headers["Location"] = f"/api/v1/sessions/{session.id}"
    return response, status


@api.get("/sessions/<int:sid>")
@login_required
def api_get_session(sid: int):
    session, program = _session(sid)
    return _json(session, program)


@api.patch("/sessions/<int:sid>")
@login_required
def api_update_session(sid: int):
    body = parse_json(SessionPatch)
    session, program = _session(sid, "sessions.manage", lock=True)
    operations.update_session(session, SessionInput(**body.model_dump(exclude_unset=True)))
    db.session.commit()
    return _json(session, program)


@api.delete("/sessions/<int:sid>")
@login_required
def api_cancel_session(sid: int):
    session, program = _session(sid, "sessions.manage", lock=True)
    reason = None
    if request.content_length:
        reason = parse_json(CancelIn).reason
    reason = reason or request.args.get("reason")
    operations.cancel_session(session, reason)
    db.session.commit()
    return jsonify(id=session.id, status="cancelled", sequence=session.sequence)


@api.put("/sessions/<int:sid>/rsvp")
@login_required
def api_rsvp(sid: int):
    session, _program = _session(sid)
    body = parse_json(RsvpIn)
    operations.set_rsvp(session, current_user, body.response)
    db.session.commit()
    return jsonify(response=body.response, counts=operations.rsvp_counts(sid))


@api.post("/sessions/<int:sid>/materials")
@login_required
def api_add_material(sid: int):
    session, _program = _session(sid, "materials.upload")
    material = add_material(session, request.files.get("file"), by=current_user)
    db.session.commit()
    return jsonify(material_json(material)), 201


@api.put("/sessions/<int:sid>/attendance")
@login_required
def api_attendance(sid: int):
    session, _program = _session(sid, "attendance.mark")
    body = parse_json(AttendanceIn)
    rows = operations.mark_attendance(
        session, {m.user_id: m.status for m in body.marks}, by=current_user
    )
    db.session.commit()
    return jsonify(attendance=[{"user_id": r.user_id, "status": r.status} for r in rows])


@api.put("/programs/<int:pid>/session-settings")
@login_required
def api_session_settings(pid: int):
    program = require("sessions.manage", pid)
    body = parse_json(SettingsIn)
    settings = operations.set_reminder_minutes(
        program, ",".join(str(v) for v in body.reminder_minutes)
    )
    db.session.commit()
    return jsonify(reminder_minutes=list(settings.reminder_offsets))
