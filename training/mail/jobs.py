"""Send outbox messages over SMTP: once each, with retries and backoff."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from flask import current_app
from rq import Retry, get_current_job

from training.db import utcnow
from training.extensions import db
from training.mail.models import OutboxMessage
from training.mail.render import build_message
from workers.jobs import job

log = logging.getLogger(__name__)

RETRY_INTERVALS = [10, 60, 300, 900, 3600]

# A claim older than this belongs to a worker that died: the sweeper queues it again.
STALE_CLAIM = timedelta(minutes=10)


class SmtpNotConfigured(RuntimeError):
    pass


def open_smtp(url: str) -> smtplib.SMTP:
    """``smtp://[user:pass@]host:port[?starttls=1]`` or ``smtps://...``."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpNotConfigured(f"SMTP_URL must look like smtp://host:port, got {url!r}")
    cls = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    conn = cls(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25), timeout=30)
    if parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes"):
        conn.starttls()
    if parts.username:
        conn.login(unquote(parts.username), unquote(parts.password or ""))
    return conn


def _claim(message_id: int) -> bool:
    """Switch queued → sending in its own committed transaction; False if someone else has it."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "queued")
        .values(status="sending", claimed_at=utcnow(), attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


@job(
    queue="mail",
    timeout=120,
    retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
    failure_ttl=7 * 24 * 3600,
    id=lambda message_id: ("mail", message_id),
)
def send_message(message_id: int) -> str:
    """Send one outbox message. Safe to run twice: only the run that claims it sends."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return "missing"
    if message.status in ("sent", "held"):
        return message.status
    smtp_url = current_app.config.get("SMTP_URL")
    if not smtp_url:
        message.status = "held"  # readable in the admin outbox page
        db.session.commit()
        return "held"
    if not _claim(message_id):
        return "not-claimed"
    message = db.session.get(OutboxMessage, message_id)
    mime = build_message(message, current_app.config["MAIL_FROM"])
    try:
        with open_smtp(smtp_url) as conn:
            conn.send_message(mime)
    except (OSError, smtplib.SMTPException) as exc:
        job = get_current_job()
        last_try = job is None or not job.retries_left
        message.status = "failed" if last_try else "queued"
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        log.warning(
            "mail %s to %s failed (attempt %s): %s",
            message.id,
            message.to_email,
            message.attempts,
            exc,
        )
        raise
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    log.info("mail %s sent to %s", message.id, message.to_email)
    return "sent"


@job(queue="mail", timeout=300, every=60)
def requeue_stale_messages() -> int:
    """Periodic sweep: queue what Redis lost (a restart) or what a dead worker left claimed."""
    now = utcnow()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_CLAIM)
        .values(status="queued")
    )
    db.session.commit()
    ids = db.session.scalars(
        db.select(OutboxMessage.id).where(
            OutboxMessage.status == "queued",
            OutboxMessage.created_at < now - timedelta(minutes=2),
            sa.or_(OutboxMessage.send_after.is_(None), OutboxMessage.send_after <= now),
        )
    ).all()
    requeued = 0
    for message_id in ids:
        if send_message.alive(message_id):
            continue  # waiting for its retry, or running: leave the backoff alone
        send_message.later(message_id)
        requeued += 1
    db.session.commit()  # enqueues them
    return requeued
