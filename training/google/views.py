"""The program's Google page: connection status, last sync, errors; admins set it up."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from training.extensions import db
from training.policy import is_admin, require

from . import jobs
from . import operations as ops
from .credentials import CredentialsError
from .forms import ConnectionForm
from .models import GoogleConnection, GoogleEventLink, GoogleRecordingImport

bp = Blueprint("google", __name__)

_DELEGATION = _l(
    "Domain-wide delegation is not granted to this service account for the calendar, Meet and "
    "Drive scopes (Admin console → Security → API controls)."
)
_ENABLE_APIS = _l(
    "Enable the Calendar, Meet and Drive APIs in the Google Cloud project of these credentials."
)
#: What to do about the usual failures, shown next to Google's reason.
HINTS = {
    "unauthorized_client": _DELEGATION,
    "invalid_grant": _l(
        "The credentials were revoked or expired, or the organizer is not a user of the "
        "Workspace domain: paste new credentials."
    ),
    "accessNotConfigured": _ENABLE_APIS,
    "SERVICE_DISABLED": _ENABLE_APIS,
    "forbiddenForServiceAccounts": _DELEGATION,
    "quotaExceeded": _l("Google's quota is used up for now; syncing resumes by itself."),
    "rateLimitExceeded": _l("Too many requests; syncing resumes by itself."),
    "notFound": _l("The calendar does not exist or the organizer cannot see it."),
    "CredentialsError": _l("Paste the credentials again."),
}


def _page(program, form, status=200):
    from training.sessions.models import TrainingSession

    form.credentials_json.data = ""  # pasted secrets are never sent back, not even on errors

    conn = db.session.scalar(
        db.select(GoogleConnection).where(GoogleConnection.program_id == program.id)
    )
    links = db.session.scalars(
        db.select(GoogleEventLink)
        .where(GoogleEventLink.program_id == program.id)
        .order_by(GoogleEventLink.synced_at.desc())
        .limit(20)
    ).all()
    session_titles = dict(
        db.session.execute(
            db.select(TrainingSession.id, TrainingSession.title).where(
                TrainingSession.id.in_([x.object_id for x in links if x.object_kind == "session"])
            )
        ).all()
    )
    imports = db.session.execute(
        db.select(GoogleRecordingImport, TrainingSession.title)
        .join(TrainingSession, TrainingSession.id == GoogleRecordingImport.session_id)
        .where(GoogleRecordingImport.program_id == program.id)
        .order_by(GoogleRecordingImport.updated_at.desc())
    ).all()
    return render_template(
        "google/status.html",
        program=program,
        conn=conn,
        links=links,
        session_titles=session_titles,
        imports=imports,
        form=form,
        admin=is_admin(),
        hints=HINTS,
    ), status


@bp.get("/programs/<int:pid>/google")
@login_required
def status(pid: int):
    program = require("sessions.manage", pid)
    conn = ops.connection_for(pid)
    form = ConnectionForm(
        organizer_email=conn.organizer_email if conn else None,
        calendar_id=conn.calendar_id if conn else "primary",
        invites_by_google=program.invite_sender == "google",
        recording_max_attempts=conn.recording_max_attempts if conn else 12,
        recording_retry_minutes=conn.recording_retry_minutes if conn else 30,
    )
    return _page(program, form)


@bp.post("/programs/<int:pid>/google")
@login_required
def save(pid: int):
    program = require("sessions.manage", pid)
    if not is_admin():
        abort(403)
    form = ConnectionForm()
    if not form.validate_on_submit():
        return _page(program, form, 400)
    try:
        ops.connect(
            program,
            organizer_email=form.organizer_email.data,
            credentials_json=(form.credentials_json.data or "").strip() or None,
            calendar_id=form.calendar_id.data or "primary",
            invites_by_google=form.invites_by_google.data,
            recording_max_attempts=form.recording_max_attempts.data,
            recording_retry_minutes=form.recording_retry_minutes.data,
        )
    except CredentialsError as exc:
        db.session.rollback()
        form.credentials_json.errors = [str(exc)]
        return _page(program, form, 400)
    _queue_sync(pid)
    db.session.commit()
    flash(_("Google connection saved; upcoming events are being synced."), "success")
    return redirect(url_for("google.status", pid=pid))


@bp.post("/programs/<int:pid>/google/disconnect")
@login_required
def disconnect(pid: int):
    program = require("sessions.manage", pid)
    if not is_admin():
        abort(403)
    ops.disconnect(program)
    db.session.commit()
    flash(_("Google is disconnected; Copa sends the invitations again."), "success")
    return redirect(url_for("google.status", pid=pid))


@bp.post("/programs/<int:pid>/google/sync")
@login_required
def sync_now(pid: int):
    require("sessions.manage", pid)
    if ops.connection_for(pid) is None:
        abort(404)
    _queue_sync(pid)
    db.session.commit()
    flash(_("Sync queued."), "success")
    return redirect(url_for("google.status", pid=pid))


@bp.post("/programs/<int:pid>/google/imports/<int:sid>/retry")
@login_required
def retry_import(pid: int, sid: int):
    from .recordings_import import restart

    require("sessions.manage", pid)
    row = db.session.scalar(
        db.select(GoogleRecordingImport).where(
            GoogleRecordingImport.program_id == pid, GoogleRecordingImport.session_id == sid
        )
    )
    if row is None or ops.connection_for(pid) is None:
        abort(404)
    if row.status != "imported":
        restart(row)
        jobs.import_recording.later(sid, suffix="retry")
        db.session.commit()
        flash(_("Looking for the recording again."), "success")
    return redirect(url_for("google.status", pid=pid))


def _queue_sync(pid: int) -> None:
    jobs.sync_program.later(pid)
