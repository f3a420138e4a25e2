"""Session pages: program calendar (FullCalendar and its JSON events), form, session page,
RSVP, materials, attendance. Thin: rules live in operations, times are shown in the viewer's
zone."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from training.accounts.forms import timezone_choices
from training.calendar.widget import in_range, own_events_in_program, parse_range
from training.db import utcnow
from training.errors import json_view
from training.extensions import db
from training.policy import can, program_member_or_404, require
from training.sessions import operations
from training.sessions.events import SessionLinks, session_event
from training.sessions.materials import add_material, material_path
from training.sessions.models import SessionMaterial, SessionRsvp, TrainingSession
from training.sessions.serializers import materials_of
from training.sessions.validation import SessionError, SessionInput
from training.timeutil import to_local

bp = Blueprint("sessions", __name__)

JOIN_OPENS_BEFORE = timedelta(minutes=15)


def viewer_tz() -> str:
    return str(get_timezone())


def _session_or_404(sid: int) -> TrainingSession:
    session = db.session.get(TrainingSession, sid)
    if session is None:
        abort(404)
    return session


@bp.get("/programs/<int:pid>/sessions")
@login_required
def program_calendar(pid: int):
    """The program's calendar (FullCalendar, static/calendar.js); its events come from
    ``program_calendar_events``. ``?week=YYYY-MM-DD`` (the old week links) opens on that date."""
    program = program_member_or_404(pid)
    try:
        initial = date.fromisoformat(request.args.get("week", "")).isoformat()
    except ValueError:
        initial = ""
    return render_template(
        "sessions/calendar.html",
        program=program,
        initial_date=initial,
        scheduled=operations.scheduled_count(pid),
        can_manage=can("sessions.manage", pid),
    )


@bp.get("/programs/<int:pid>/sessions/events")
@login_required
@json_view
def program_calendar_events(pid: int):
    """JSON for the calendar, ``?start=…&end=…``: every session of the program in that range
    (cancelled ones too, struck through, as the page always listed them) and the viewer's own
    coaching in the program. Outsiders get 404, as on the page."""
    program = program_member_or_404(pid)
    start, end = parse_range(request.args, viewer_tz())
    sessions = db.session.scalars(
        db.select(TrainingSession)
        .where(
            TrainingSession.program_id == pid,
            TrainingSession.starts_at < end,
            TrainingSession.ends_at > start,
        )
        .order_by(TrainingSession.starts_at)
    )
    links = SessionLinks()
    events = [("session", session_event(s, program, links=links)) for s in sessions]
    events += own_events_in_program(current_user.id, pid)
    return jsonify(in_range(events, start, end))


def _form_input() -> SessionInput:
    form = request.form
    duration = form.get("duration_minutes", "").strip()
    try:
        minutes = int(duration) if duration else None
    except ValueError:
        minutes = -1
    return SessionInput(
        title=form.get("title", ""),
        starts_at=form.get("starts_at", "").strip() or None,
        duration_minutes=minutes,
        timezone=form.get("timezone", "").strip() or None,
        join_url=form.get("join_url", ""),
        description=form.get("description", ""),
    )


def _zone_choices(current: str) -> dict:
    """The time-zone select's options; a typed zone that is not a known one stays listed so
    the user sees what they sent beside its error."""
    choices = timezone_choices(str(get_locale()))
    known = {z for options in choices.values() for z, _label in options}
    if current and current not in known:
        return {current: [(current, current)], **choices}
    return choices


def _render_form(program, session=None, error=None, values=None, status=200):
    if values is None and session is not None:
        local = to_local(session.starts_at, program.timezone)
        values = {
            "title": session.title,
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
            "timezone": program.timezone,
            "join_url": session.join_url or "",
            "description": session.description,
        }
    values = values or {"timezone": program.timezone, "duration_minutes": 90}
    return (
        render_template(
            "sessions/form.html",
            program=program,
            session=session,
            error=error,
            values=values,
            timezone_choices=_zone_choices(values.get("timezone", program.timezone)),
        ),
        status,
    )


@bp.route("/programs/<int:pid>/sessions/new", methods=["GET", "POST"])
@login_required
def new(pid: int):
    program = require("sessions.manage", pid)
    if request.method == "GET":
        return _render_form(program)
    try:
        session = operations.schedule_session(program, _form_input())
    except SessionError as exc:
        db.session.rollback()
        return _render_form(program, error=exc, values=request.form, status=exc.status)
    db.session.commit()
    flash(_("Session scheduled; the members were invited."), "success")
    return redirect(url_for("sessions.show", sid=session.id))


@bp.route("/sessions/<int:sid>/edit", methods=["GET", "POST"])
@login_required
def edit(sid: int):
    session = _session_or_404(sid)
    program = require("sessions.manage", session.program_id)
    if session.status == "cancelled":
        abort(409)
    if request.method == "GET":
        return _render_form(program, session)
    session = operations.locked_session(sid)
    try:
        operations.update_session(session, _form_input())
    except SessionError as exc:
        db.session.rollback()
        return _render_form(program, session, exc, request.form, exc.status)
    db.session.commit()
    flash(_("Session updated; the members got the new details."), "success")
    return redirect(url_for("sessions.show", sid=sid))


@bp.post("/sessions/<int:sid>/cancel")
@login_required
def cancel(sid: int):
    session = _session_or_404(sid)
    require("sessions.manage", session.program_id)
    reason = request.form.get("reason", "")
    session = operations.locked_session(sid)
    try:
        operations.cancel_session(session, reason)
    except SessionError as exc:
        db.session.rollback()
        if exc.status != 422:
            abort(exc.status)
        flash(exc.message, "error")
        return redirect(url_for("sessions.show", sid=sid))
    db.session.commit()
    flash(_("Session cancelled; the members were told."), "success")
    return redirect(url_for("sessions.show", sid=sid))


@bp.get("/sessions/<int:sid>")
@login_required
def show(sid: int):
    session = _session_or_404(sid)
    program = program_member_or_404(session.program_id)
    now = utcnow()
    rsvps = list(db.session.scalars(db.select(SessionRsvp).where(SessionRsvp.session_id == sid)))
    mine = next((r.response for r in rsvps if r.user_id == current_user.id), None)
    can_mark = can("attendance.mark", program.id)
    attendance = {}
    if can_mark:
        from training.sessions.models import SessionAttendance

        attendance = {
            a.user_id: a.status
            for a in db.session.scalars(
                db.select(SessionAttendance).where(SessionAttendance.session_id == sid)
            )
        }
    return render_template(
        "sessions/show.html",
        program=program,
        session=session,
        tz=viewer_tz(),
        join_open=session.status == "scheduled"
        and session.starts_at - JOIN_OPENS_BEFORE <= now < session.ends_at,
        join_opens_at=session.starts_at - JOIN_OPENS_BEFORE,
        ended=now >= session.ends_at,
        materials=materials_of(sid),
        coming=sorted((r.user.name for r in rsvps if r.response == "yes"), key=str.lower),
        maybe=sorted((r.user.name for r in rsvps if r.response == "maybe"), key=str.lower),
        counts=operations.rsvp_counts(sid),
        mine=mine,
        can_manage=can("sessions.manage", program.id),
        can_upload=can("materials.upload", program.id),
        can_mark=can_mark and session.status == "scheduled" and now >= session.starts_at,
        participants=operations.participants_of(program.id) if can_mark else [],
        attendance=attendance,
    )


@bp.post("/sessions/<int:sid>/rsvp")
@login_required
def rsvp(sid: int):
    session = _session_or_404(sid)
    program_member_or_404(session.program_id)
    try:
        operations.set_rsvp(session, current_user, request.form.get("response", ""))
    except SessionError as exc:
        abort(exc.status)
    db.session.commit()
    flash(_("Thanks, your answer is saved."), "success")
    return redirect(url_for("sessions.show", sid=sid))


@bp.post("/sessions/<int:sid>/materials")
@login_required
def upload(sid: int):
    session = _session_or_404(sid)
    require("materials.upload", session.program_id)
    try:
        add_material(session, request.files.get("file"), by=current_user)
    except SessionError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("sessions.show", sid=sid))
    db.session.commit()
    flash(_("File attached."), "success")
    return redirect(url_for("sessions.show", sid=sid))


@bp.get("/sessions/<int:sid>/materials/<int:mid>")
@login_required
def material(sid: int, mid: int):
    session = _session_or_404(sid)
    program_member_or_404(session.program_id)
    item = db.session.get(SessionMaterial, mid)
    if item is None or item.session_id != sid:
        abort(404)
    return send_file(
        material_path(item),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.filename,
        conditional=True,
    )


@bp.post("/sessions/<int:sid>/attendance")
@login_required
def attendance(sid: int):
    session = _session_or_404(sid)
    require("attendance.mark", session.program_id)
    marks = {
        int(key.removeprefix("user-")): value
        for key, value in request.form.items()
        if key.startswith("user-") and key.removeprefix("user-").isdigit() and value
    }
    try:
        operations.mark_attendance(session, marks, by=current_user)
    except SessionError as exc:
        abort(exc.status)
    db.session.commit()
    flash(_("Attendance saved."), "success")
    return redirect(url_for("sessions.show", sid=sid))


def register_member_extras(app) -> None:
    """Per-participant attendance on the program's member page (its ``member_extras`` hook)."""

    @app.context_processor
    def _attendance_extra():
        if request.endpoint != "programs.members" or not request.view_args:
            return {}
        pid = request.view_args.get("pid")
        counts = operations.attendance_by_participant(pid)
        sees_all = can("attendance.mark", pid)

        def attendance_of(membership) -> Markup:
            mine = membership.user_id == getattr(current_user, "id", None)
            if membership.role != "participant" or not (sees_all or mine):
                return Markup("")
            c = counts.get(membership.user_id, {"present": 0, "absent": 0})
            text = _(
                "attended %(present)d, absent %(absent)d", present=c["present"], absent=c["absent"]
            )
            return Markup('<small class="attendance">') + escape(text) + Markup("</small>")

        return {"member_extras": [attendance_of]}
