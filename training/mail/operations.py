"""Queue e-mail: write it to the outbox, and have the send job enqueued after commit."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app

from training.db import utcnow
from training.extensions import db
from training.mail.jobs import send_message
from training.mail.models import OutboxMessage

ICS_METHODS = ("REQUEST", "CANCEL", "PUBLISH", "REPLY")
_OWN_HEADERS = {"from", "to", "subject", "message-id", "date", "content-type", "mime-version"}


def queue_mail(
    to_email: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    ics: bytes | None = None,
    ics_method: str | None = None,
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; the send job runs once the transaction commits.

    With ``dedupe_key`` the call is idempotent: a second call with the same key returns the
    message already queued (this is what makes reminders and retried requests send once).
    """
    if (ics is None) != (ics_method is None):
        raise ValueError("ics and ics_method go together")
    if ics_method is not None and ics_method not in ICS_METHODS:
        raise ValueError(f"unknown iTIP method {ics_method!r}")
    for name, value in (headers or {}).items():
        if name.lower() in _OWN_HEADERS or any(c in name + value for c in "\r\n"):
            raise ValueError("headers may not replace the outbox's own or contain line breaks")
    if dedupe_key is not None:
        existing = db.session.scalar(
            db.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return existing
    domain = current_app.config["BASE_URL"].split("://", 1)[-1].split("/", 1)[0].split(":")[0]
    message = OutboxMessage(
        to_email=to_email,
        subject=subject,
        text_body=text,
        html_body=html,
        ics=ics,
        ics_method=ics_method,
        dedupe_key=dedupe_key,
        message_id=make_msgid(domain=domain or "copa.localhost"),
        send_after=send_after,
        headers=json.dumps(headers) if headers else None,
        status="queued",
    )
    if dedupe_key is None:
        db.session.add(message)
        db.session.flush()
    else:
        # Two requests racing on the same key: the unique index decides, the loser reuses.
        try:
            with db.session.begin_nested():
                db.session.add(message)
        except sa.exc.IntegrityError:
            return db.session.scalar(
                db.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
            )
    schedule_send(message)
    return message


def schedule_send(message: OutboxMessage) -> None:
    at = message.send_after if message.send_after and message.send_after > utcnow() else None
    send_message.later(message.id, at=at)


def outbox(limit: int = 200) -> list[OutboxMessage]:
    return list(
        db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )
