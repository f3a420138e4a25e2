"""Business rules for training sessions: schedule, edit, reschedule, cancel, answer, attend.

Operations flush, never commit. Each change of time, title, description or join link bumps the
session's SEQUENCE (and ``updated_at``, which is the DTSTAMP of its iCalendar copies); the
cancellation bumps it once more. ``training.signals.session_changed`` is sent with
``change="created" | "updated" | "cancelled"``; the invites and reminders listen to it.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from training import signals
from training.accounts.models import User
from training.db import begin_immediate, for_update, utcnow
from training.extensions import db
from training.programs.models import Membership, Program
from training.programs.roles import PARTICIPANT
from training.sessions.models import (
    ATTENDANCE_STATUSES,
    RSVP_RESPONSES,
    SessionAttendance,
    SessionRsvp,
    SessionSettings,
    TrainingSession,
    parse_reminder_minutes,
)
from training.sessions.validation import (
    SessionError,
    SessionInput,
    check_text,
    clean_session_input,
    invalid,
)

SIGNIFICANT = ("title", "description", "join_url", "starts_at", "ends_at")
REASON_MAX = 2000


def schedule_session(program: Program, data: SessionInput, *, now: datetime | None = None):
    changes = clean_session_input(data, program_tz=program.timezone, now=now or utcnow())
    stamp = utcnow()
    session = TrainingSession(
        program_id=program.id,
        status="scheduled",
        sequence=0,
        created_at=stamp,
        updated_at=stamp,
        **changes,
    )
    db.session.add(session)
    db.session.flush()
    signals.session_changed.send(session, session=session, change="created")
    return session


def locked_session(session_id: int) -> TrainingSession | None:
    """The session row, locked for this transaction (two edits never share a SEQUENCE)."""
    begin_immediate()
    stmt = for_update(db.select(TrainingSession).where(TrainingSession.id == session_id))
    return db.session.execute(stmt.execution_options(populate_existing=True)).scalar()


def _ensure_editable(session: TrainingSession) -> None:
    if session.status == "cancelled":
        raise SessionError(
            409, "session_cancelled", _("This session is cancelled; it can no longer change.")
        )


def update_session(session: TrainingSession, data: SessionInput, *, now: datetime | None = None):
    """Apply the changes; returns the names of the fields that changed."""
    _ensure_editable(session)
    program = db.session.get(Program, session.program_id)
    changes = clean_session_input(
        data, program_tz=program.timezone, now=now or utcnow(), current=session
    )
    changed = [k for k, v in changes.items() if getattr(session, k) != v]
    if not changed:
        return []
    for key in changed:
        setattr(session, key, changes[key])
    if any(k in SIGNIFICANT for k in changed):
        session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()
    signals.session_changed.send(session, session=session, change="updated")
    return changed


def cancel_session(session: TrainingSession, reason: str | None) -> TrainingSession:
    """Cancel, with the reason the members read in the cancellation e-mail (required: the one
    rule for the page and the API)."""
    _ensure_editable(session)
    reason = check_text(reason or "", "reason", REASON_MAX)
    if not reason:
        raise invalid(
            "reason_required",
            _("Give a reason for the cancellation: the members read it."),
            "reason",
        )
    session.status = "cancelled"
    session.cancel_reason = reason or None
    session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()
    signals.session_changed.send(session, session=session, change="cancelled")
    return session


def set_rsvp(session: TrainingSession, user: User, response: str) -> SessionRsvp:
    if response not in RSVP_RESPONSES:
        raise SessionError(422, "invalid_response", _("Answer yes, no or maybe."), "response")
    _ensure_editable(session)
    rsvp = db.session.scalar(
        db.select(SessionRsvp).where(
            SessionRsvp.session_id == session.id, SessionRsvp.user_id == user.id
        )
    )
    if rsvp is None:
        rsvp = SessionRsvp(session_id=session.id, user_id=user.id, response=response)
        db.session.add(rsvp)
    else:
        rsvp.response = response
    db.session.flush()
    return rsvp


def rsvp_counts(session_id: int) -> dict[str, int]:
    counts = dict.fromkeys(RSVP_RESPONSES, 0)
    rows = db.session.execute(
        db.select(SessionRsvp.response, db.func.count())
        .where(SessionRsvp.session_id == session_id)
        .group_by(SessionRsvp.response)
    )
    for response, count in rows:
        counts[response] = count
    return counts


def participants_of(program_id: int) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.program_id == program_id, Membership.role == PARTICIPANT)
            .order_by(User.name)
        )
    )


def mark_attendance(
    session: TrainingSession, marks: dict[int, str], *, by: User, now: datetime | None = None
) -> list[SessionAttendance]:
    """Record present/absent for participants, once the session has started."""
    if session.status == "cancelled":
        raise SessionError(409, "session_cancelled", _("This session was cancelled."))
    if session.starts_at > (now or utcnow()):
        raise SessionError(
            409, "not_started", _("Attendance can be marked once the session has started.")
        )
    allowed = {u.id for u in participants_of(session.program_id)}
    rows = []
    for user_id, status in marks.items():
        if status not in ATTENDANCE_STATUSES:
            raise SessionError(422, "invalid_status", _("Mark present or absent."), "status")
        if user_id not in allowed:
            raise SessionError(
                422, "not_a_participant", _("This person is not a participant of the program.")
            )
        row = db.session.scalar(
            db.select(SessionAttendance).where(
                SessionAttendance.session_id == session.id, SessionAttendance.user_id == user_id
            )
        )
        if row is None:
            row = SessionAttendance(session_id=session.id, user_id=user_id, status=status)
            db.session.add(row)
        row.status = status
        row.marked_by_id = by.id
        rows.append(row)
    db.session.flush()
    return rows


def attendance_by_participant(program_id: int) -> dict[int, dict[str, int]]:
    """{user_id: {"present": n, "absent": m}} over the program's sessions."""
    rows = db.session.execute(
        db.select(SessionAttendance.user_id, SessionAttendance.status, db.func.count())
        .join(TrainingSession, TrainingSession.id == SessionAttendance.session_id)
        .where(TrainingSession.program_id == program_id)
        .group_by(SessionAttendance.user_id, SessionAttendance.status)
    )
    result: dict[int, dict[str, int]] = {}
    for user_id, status, count in rows:
        result.setdefault(user_id, {"present": 0, "absent": 0})[status] = count
    return result


def set_reminder_minutes(program: Program, text: str) -> SessionSettings:
    try:
        offsets = parse_reminder_minutes(text)
    except ValueError:
        raise SessionError(
            422,
            "invalid_reminders",
            _("Reminders are minutes before the start, e.g. 1440,60 (at most 14 days)."),
            "reminder_minutes",
        ) from None
    settings = db.session.get(SessionSettings, program.id)
    if settings is None:
        settings = SessionSettings(program_id=program.id)
        db.session.add(settings)
    settings.reminder_minutes = ",".join(str(v) for v in offsets)
    db.session.flush()
    return settings


def scheduled_count(program_id: int) -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(TrainingSession)
        .where(TrainingSession.program_id == program_id, TrainingSession.status == "scheduled")
    )
