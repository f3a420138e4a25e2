"""Reminder e-mails before each session, found by a query, not scheduled one by one.

Every minute one periodic job (``training.sessions.jobs.send_due_reminders``) looks at the
scheduled sessions starting within the largest reminder offset (14 days) and, for each, at the
reminder now due: of the program's offsets (default 24 h and 1 h) already passed, the one
closest to the start. Its outbox messages carry the dedupe key
``session-reminder-<sid>-<minutes>-<start timestamp>-<user>``, which is also the "sent" flag:
a reminder whose messages exist is not written again, a moved session (new start timestamp)
gets its own, a cancelled one none. Nothing is scheduled, so nothing is dropped, and a worker
that was down sends the reminder still due when it comes back (once, not every one missed).
A session created after a reminder's time does not get that reminder (the invite just left).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from training.db import utcnow
from training.extensions import db
from training.mail.models import OutboxMessage
from training.mail.operations import queue_mail
from training.programs.models import Program
from training.sessions.events import session_url
from training.sessions.invites import recipients, user_locale, when_text
from training.sessions.models import (
    DEFAULT_REMINDER_MINUTES,
    SessionRsvp,
    SessionSettings,
    TrainingSession,
)

log = logging.getLogger(__name__)
LARGEST_OFFSET = timedelta(days=14)  # what set_reminder_minutes accepts at most


def reminder_offsets(program_id: int) -> tuple[int, ...]:
    settings = db.session.get(SessionSettings, program_id)
    return settings.reminder_offsets if settings is not None else DEFAULT_REMINDER_MINUTES


def _key_prefix(session_id: int, minutes: int, starts_ts: int) -> str:
    return f"session-reminder-{session_id}-{minutes}-{starts_ts}-"


def due_offset(session: TrainingSession, offsets, now: datetime) -> int | None:
    """The reminder due now for this session (its offset in minutes), or None."""
    if session.status != "scheduled" or session.starts_at <= now:
        return None
    passed = [m for m in offsets if session.starts_at - timedelta(minutes=m) <= now]
    if not passed:
        return None
    minutes = min(passed)  # the closest to the start: older ones missed are not sent late
    if session.starts_at - timedelta(minutes=minutes) < session.created_at:
        return None  # the session did not exist yet at that time
    return minutes


def already_sent(session_id: int, minutes: int, starts_ts: int) -> bool:
    prefix = _key_prefix(session_id, minutes, starts_ts)
    return (
        db.session.scalar(
            db.select(OutboxMessage.id).where(OutboxMessage.dedupe_key.startswith(prefix)).limit(1)
        )
        is not None
    )


def send_due_reminders(now: datetime | None = None) -> int:
    """Write the reminders due at ``now`` (flushes; the caller commits). Returns how many
    e-mails were queued."""
    now = now or utcnow()
    candidates = db.session.scalars(
        db.select(TrainingSession).where(
            TrainingSession.status == "scheduled",
            TrainingSession.starts_at > now,
            TrainingSession.starts_at <= now + LARGEST_OFFSET,
        )
    ).all()
    queued = 0
    offsets_of: dict[int, tuple[int, ...]] = {}
    for session in candidates:
        if session.program_id not in offsets_of:
            offsets_of[session.program_id] = reminder_offsets(session.program_id)
        minutes = due_offset(session, offsets_of[session.program_id], now)
        if minutes is None:
            continue
        starts_ts = int(session.starts_at.timestamp())
        if already_sent(session.id, minutes, starts_ts):
            continue
        queued += send_reminder_mails(session.id, minutes, starts_ts, now=now)
    return queued


def send_reminder_mails(
    session_id: int, minutes: int, starts_ts: int, *, now: datetime | None = None
) -> int:
    """Queue the reminder for each member who has not declined. Returns how many."""
    session = db.session.get(TrainingSession, session_id)
    if session is None or session.status != "scheduled":
        return 0
    if int(session.starts_at.timestamp()) != starts_ts or session.starts_at <= (now or utcnow()):
        return 0
    if minutes not in reminder_offsets(session.program_id):  # the program changed its offsets
        return 0
    program = db.session.get(Program, session.program_id)
    declined = set(
        db.session.scalars(
            db.select(SessionRsvp.user_id).where(
                SessionRsvp.session_id == session.id, SessionRsvp.response == "no"
            )
        )
    )
    count = 0
    for user, _roles in recipients(program.id):
        if user.id in declined:
            continue
        locale = user_locale(user, program)
        with force_locale(locale):
            context = {
                "session": session,
                "program": program,
                "when": when_text(session, user.timezone or program.timezone, locale),
                "page_url": session_url(session.id),
            }
            subject = _("Reminder: %(title)s", title=session.title)
            text = render_template("sessions/email/reminder.txt", **context)
            html = render_template("sessions/email/reminder.html", **context)
        queue_mail(
            user.email,
            subject,
            text,
            html,
            dedupe_key=_key_prefix(session.id, minutes, starts_ts) + str(user.id),
        )
        count += 1
    return count
