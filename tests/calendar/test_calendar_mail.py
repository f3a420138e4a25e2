"""The MIME structure of an e-mailed invite (iMIP, RFC 6047)."""

from __future__ import annotations

import email
import email.policy

import pytest
from icalendar import Calendar

from tests.calendar.radicale_checks import check_invite
from tests.calendar.test_calendar_ical import make_event
from training.calendar import build_invite_email, invite_mail
from training.calendar.mail import attach_calendar


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_invite_email_is_multipart_alternative_with_inline_calendar(method):
    event = make_event(sequence=2)
    mail = invite_mail(event, method, subject="Invitation", text="Plain body", html="<p>Hi</p>")
    assert mail.queue_kwargs()["ics_method"] == method
    raw = build_invite_email(
        mail, to=("Bob Durand", "bob@acme.test"), sender=("Copa", "copa@copa.test")
    ).as_bytes()

    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    calendar_part = parts[2]
    assert calendar_part.get_param("method") == method
    assert calendar_part.get_content_disposition() == "inline"
    assert calendar_part.get_filename() is None
    ics = calendar_part.get_payload(decode=True)
    assert ics == mail.ics  # byte for byte, CRLF line ends kept
    parsed = Calendar.from_ical(ics)
    assert parsed["method"] == method
    assert len(parsed.walk("VEVENT")) == 1
    check_invite(ics)
    assert parts[0].get_content().strip() == "Plain body"


def test_mime_method_must_match_the_calendar():
    event = make_event()
    mail = invite_mail(event, "REQUEST", subject="s", text="t")
    message = build_invite_email(mail, to="bob@acme.test", sender="copa@copa.test")
    with pytest.raises(ValueError):
        attach_calendar(message, mail.ics, "CANCEL")
