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
