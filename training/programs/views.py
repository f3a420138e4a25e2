"""Program pages: my programs, overview, members by company, add a member."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from training.extensions import db
from training.nav import overview_blocks
from training.policy import can, program_member_or_404, require, roles_in
from training.programs.forms import AddMemberForm
from training.programs.operations import (
    ProgramError,
    add_member,
    members_by_company,
    programs_of,
)

bp = Blueprint("programs", __name__)


@bp.get("/")
@login_required
def home():
    programs = programs_of(current_user)
    if len(programs) == 1 and not current_user.is_admin:
        return redirect(url_for("programs.overview", pid=programs[0].id))
    return render_template("programs/home.html", programs=programs)


@bp.get("/programs/<int:pid>")
@login_required
def overview(pid: int):
    program = program_member_or_404(pid)
    return render_template(
        "programs/overview.html",
        program=program,
        roles=roles_in(pid),
        can_manage=can("members.manage", pid),
        overview_blocks=overview_blocks(current_app, program),
    )


@bp.get("/programs/<int:pid>/members")
@login_required
def members(pid: int):
    program = require("members.view", pid)
    return render_template(
        "programs/members.html",
        program=program,
        groups=members_by_company(program),
        can_manage=can("members.manage", pid),
        show_contacts=can("members.contacts", pid),
        form=AddMemberForm(),
    )


@bp.post("/programs/<int:pid>/members")
@login_required
def add_member_view(pid: int):
    program = require("members.manage", pid)
    form = AddMemberForm()
    if not form.validate_on_submit():
        return render_template(
            "programs/members.html",
            program=program,
            groups=members_by_company(program),
            can_manage=True,
            form=form,
        ), 400
    try:
        membership = add_member(
            program,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            company=form.company.data,
            inviter=current_user,
        )
    except ProgramError as exc:
        form.email.errors.append(exc.message)
        return render_template(
            "programs/members.html",
            program=program,
            groups=members_by_company(program),
            can_manage=True,
            form=form,
        ), exc.status
    db.session.commit()
    flash(
        _("%(name)s was added; an invitation is on its way.", name=membership.user.name), "success"
    )
    return redirect(url_for("programs.members", pid=pid))
