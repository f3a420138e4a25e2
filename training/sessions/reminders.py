"""Reminder e-mails before each session, scheduled with RQ's scheduler (``enqueue_at``).

One scheduled job per (session, offset, start time), job id
``<queue prefix>-session-reminder-<sid>-<minutes>-<start timestamp>``. A reschedule drops
the old jobs after the commit and schedules new ones; a cancellation drops them. The job
checks that the session is still scheduled at the same start before it mails, and the outbox
``dedupe_key`` makes each member's reminder go out once even if the job runs twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from training.db import utcnow
from training.extensions import db
from training.mail.operations import queue_mail
from training.programs.models import Program
from training.sessions.events import session_url
from training.sessions.invites import recipients, user_locale, when_text
from training.sessions.jobs import send_session_reminder
from training.sessions.models import (
    DEFAULT_REMINDER_MINUTES,
    SessionRsvp,
    SessionSettings,
    TrainingSession,
)

log = logging.getLogger(__name__)
_DROP_KEY = "copa_sessions_drop_jobs"


def reminder_offsets(program_id: int) -> tuple[int, ...]:
    settings = db.session.get(SessionSettings, program_id)
    return settings.reminder_offsets if settings is not None else DEFAULT_REMINDER_MINUTES


def job_id(session_id: int, minutes: int, starts_at: datetime) -> str:
    """``<prefix>-session-reminder-<sid>-<minutes>-<start timestamp>`` (namespaced)."""
    return send_session_reminder.job_id(session_id, minutes, int(starts_at.timestamp()))


def schedule_reminders(session: TrainingSession) -> list[str]:
    """Schedule the reminders still ahead (after commit). Returns their job ids."""
    ids = []
    now = utcnow()
    for minutes in reminder_offsets(session.program_id):
        due = session.starts_at - timedelta(minutes=minutes)
        if due <= now:
            continue
        starts_ts = int(session.starts_at.timestamp())
        ids.append(send_session_reminder.later(session.id, minutes, starts_ts, at=due))
    return ids


def drop_reminders(
    session_id: int, starts_at: datetime, program_id: int, offsets: tuple[int, ...] | None = None
) -> None:
    """Remove the scheduled reminder jobs for that start time, once the transaction commits
    (``offsets``: the minutes to drop; the program's current ones when not given)."""
    pending = db.session.info.setdefault(_DROP_KEY, [])
    for minutes in offsets if offsets is not None else reminder_offsets(program_id):
        pending.append(job_id(session_id, minutes, starts_at))


def reschedule_program_reminders(program_id: int, old_offsets: tuple[int, ...]) -> None:
    """After the program's reminder offsets changed: drop the jobs of the offsets no longer
    wanted and schedule the new ones, for every upcoming session (after commit)."""
    removed = tuple(set(old_offsets) - set(reminder_offsets(program_id)))
    upcoming = db.session.scalars(
        db.select(TrainingSession).where(
            TrainingSession.program_id == program_id,
            TrainingSession.status == "scheduled",
            TrainingSession.starts_at > utcnow(),
        )
    )
    for session in upcoming:
        if removed:
            drop_reminders(session.id, session.starts_at, program_id, removed)
        schedule_reminders(session)


@sa.event.listens_for(Session, "after_commit")
def _drop_after_commit(session):
    ids = session.info.pop(_DROP_KEY, None)
    if not ids:
        return
    from rq.job import Job

    from workers.queues import get_queue, get_redis

    try:
        queue = get_queue("default")
        for ident in ids:
            queue.scheduled_job_registry.remove(ident)
            job = (
                Job.fetch(ident, connection=get_redis()) if Job.exists(ident, get_redis()) else None
            )
            if job is not None:
                job.delete()
    except Exception:  # Redis down: the job itself checks the session and does nothing
        log.exception("could not drop reminder jobs %s", ids)


@sa.event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session):
    session.info.pop(_DROP_KEY, None)


def send_reminder_mails(session_id: int, minutes: int, starts_ts: int) -> int:
    """Queue the reminder for each member who has not declined. Returns how many."""
    session = db.session.get(TrainingSession, session_id)
    if session is None or session.status != "scheduled":
        return 0
    if int(session.starts_at.timestamp()) != starts_ts or session.starts_at <= utcnow():
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
            dedupe_key=f"session-reminder-{session.id}-{minutes}-{starts_ts}-{user.id}",
        )
        count += 1
    return count
