"""Reminder jobs for training sessions (scheduled by training.sessions.reminders)."""

from __future__ import annotations

from training.extensions import db
from workers.context import app_context


@app_context
def send_session_reminder(session_id: int, minutes: int, starts_ts: int) -> int:
    """Queue the reminder e-mails; safe to run twice (the outbox dedupes per member)."""
    from training.sessions.reminders import send_reminder_mails

    count = send_reminder_mails(session_id, minutes, starts_ts)
    db.session.commit()
    return count


@app_context
def requeue_reminders() -> int:
    """Periodic sweep: schedule again the reminder jobs that Redis lost (e.g. a restart).

    Idempotent: a job that still exists is left alone, and the outbox dedupes the mails.
    Returns how many jobs were scheduled again.
    """
    from rq.job import Job

    from training.db import utcnow
    from training.sessions.models import TrainingSession
    from training.sessions.reminders import job_id, reminder_offsets, schedule_reminders
    from workers.queues import get_redis

    now = utcnow()
    upcoming = db.session.scalars(
        db.select(TrainingSession).where(
            TrainingSession.status == "scheduled", TrainingSession.starts_at > now
        )
    )
    missing = 0
    for session in upcoming:
        ids = [
            job_id(session.id, m, session.starts_at) for m in reminder_offsets(session.program_id)
        ]
        if all(Job.exists(i, connection=get_redis()) for i in ids):
            continue
        missing += len(schedule_reminders(session))
    db.session.commit()  # enqueues after commit
    return missing
