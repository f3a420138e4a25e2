"""Turn an outbox row into a MIME message."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import format_datetime

from training.mail.models import OutboxMessage


def build_message(message: OutboxMessage, mail_from: str) -> EmailMessage:
    """multipart/alternative: plain text, then HTML, then the calendar part if any.

    The calendar part is ``text/calendar; method=X`` with X equal to the METHOD in its body
    (RFC 6047), inline, last, so clients that understand it show the invitation.
    """
    mime = EmailMessage()
    mime["From"] = mail_from
    mime["To"] = message.to_email
    mime["Subject"] = message.subject
    mime["Message-ID"] = message.message_id
    mime["Date"] = format_datetime(message.created_at)
    for name, value in json.loads(message.headers or "{}").items():
        mime[name] = value
    mime.set_content(message.text_body)
    if message.html_body:
        mime.add_alternative(message.html_body, subtype="html")
    if message.ics is not None:
        if not message.html_body:
            mime.make_alternative()
        mime.add_alternative(
            message.ics,
            maintype="text",
            subtype="calendar",
            params={"method": message.ics_method, "charset": "utf-8"},
            disposition="inline",
            filename="invite.ics",
        )
    return mime
