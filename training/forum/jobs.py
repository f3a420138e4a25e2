"""The forum's periodic job: e-mail digests (see training.forum.notify)."""

from __future__ import annotations

from training.extensions import db
from workers.jobs import job


@job(queue="mail", timeout=900, every=900)
def send_forum_digests() -> int:
    """Every 15 minutes: queue the daily and weekly digests now due. Safe to run twice or
    late: a digest's dedupe key names its member and period, and what it held is marked
    mailed."""
    from training.forum.notify import send_due_digests

    count = send_due_digests()
    db.session.commit()
    return count
