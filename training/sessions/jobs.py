"""Reminder jobs for training sessions (scheduled by training.sessions.reminders)."""

from __future__ import annotations

from rq import Retry

from training.extensions import db
from workers.jobs import job


@job(
    queue="default",
    timeout=120,
    retry=Retry(max=3, interval=[10, 60, 300]),
    failure_ttl=7 * 24 * 3600,
    id=lambda session_id, minutes, starts_ts: ("session-reminder", session_id, minutes, starts_ts),
)
def send_session_reminder(session_id: int, minutes: int, starts_ts: int) -> int:
    """Queue the reminder e-mails; safe to run twice (the outbox dedupes per member)."""
    from training.sessions.reminders import send_reminder_mails

    count = send_reminder_mails(session_id, minutes, starts_ts)
    db.session.commit()
    return count


@job(queue="default", timeout=300, every=300)
def requeue_reminders() -> int:
    """Periodic sweep: schedule again the reminder jobs that Redis lost (e.g. a restart).

    Idempotent: a job still alive is left alone, and the outbox dedupes the mails.
    Returns how many jobs were scheduled again.
    """
    from training.db import utcnow
    from training.sessions.models import TrainingSession
    from training.sessions.reminders import reminder_offsets, schedule_reminders

    now = utcnow()
    upcoming = db.session.scalars(
        db.select(TrainingSession).where(
            TrainingSession.status == "scheduled", TrainingSession.starts_at > now
        )
    )
    missing = 0
    for session in upcoming:
        starts_ts = int(session.starts_at.timestamp())
        if all(
            send_session_reminder.alive(session.id, minutes, starts_ts)
            for minutes in reminder_offsets(session.program_id)
        ):
            continue
        missing += len(schedule_reminders(session))
    db.session.commit()  # enqueues after commit
    return missing
