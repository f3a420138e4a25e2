"""E-mailed invites (iMIP, RFC 6047).

``invite_mail`` returns the parts that ``training.mail.operations.queue_mail`` takes::

    mail = invite_mail(event, "REQUEST", subject=..., text=..., html=...)
    queue_mail(recipient, **mail.queue_kwargs(), dedupe_key=...)

``build_invite_email`` builds the MIME message those parts stand for: multipart/alternative with
text/plain, text/html and, inline, ``text/calendar; method=<METHOD>`` whose METHOD equals the
``method=`` parameter (that is what makes Gmail, Outlook and Apple Mail show the invite card).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from training.calendar.event import CalendarEvent
from training.calendar.ical import render_invite


@dataclass(frozen=True)
class InviteMail:
    subject: str
    text: str
    html: str | None
    ics: bytes
    ics_method: str

    def queue_kwargs(self) -> dict:
        """Keyword arguments for ``queue_mail(to_email, **kwargs)``."""
        return {
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "ics": self.ics,
            "ics_method": self.ics_method,
        }


def invite_mail(
    event: CalendarEvent, method: str, *, subject: str, text: str, html: str | None = None
) -> InviteMail:
    """Render the invite and pair it with the e-mail bodies."""
    ics = render_invite(event, method)
    return InviteMail(subject=subject, text=text, html=html, ics=ics, ics_method=method)


def attach_calendar(message: EmailMessage, ics: bytes, method: str) -> None:
    """Add the text/calendar part to a multipart/alternative ``message`` (inline, no filename).

    ``method`` must equal the METHOD inside ``ics``.
    """
    if f"\r\nMETHOD:{method}\r\n".encode() not in ics:
        raise ValueError(f"the calendar's METHOD is not {method}")
    # bytes + base64 keep the CRLF line ends and UTF-8 text exactly as rendered
    message.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        cte="base64",
        disposition="inline",
        params={"charset": "utf-8", "method": method},
    )


def build_invite_email(
    mail: InviteMail, *, to: tuple[str, str] | str, sender: tuple[str, str] | str
) -> EmailMessage:
    """The complete MIME message for an InviteMail (used by tests and by any sender that wants
    to build the message itself; the outbox builds the same structure from the same parts)."""
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender if isinstance(sender, str) else formataddr(sender)
    message["To"] = to if isinstance(to, str) else formataddr(to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="copa.invalid")
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    attach_calendar(message, mail.ics, mail.ics_method)
    return message
