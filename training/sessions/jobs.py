"""The reminder job of training sessions (see training.sessions.reminders)."""

from __future__ import annotations

from training.extensions import db
from workers.jobs import job


@job(queue="default", timeout=120, every=60)
def send_due_reminders() -> int:
    """Every minute: queue the reminder e-mails now due. Safe to run twice or late (the
    outbox dedupe key is the sent flag)."""
    from training.sessions.reminders import send_due_reminders as write_due

    count = write_due()
    db.session.commit()
    return count
