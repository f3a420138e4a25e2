"""E-mailed invites, read from what a real SMTP server (aiosmtpd) received."""

from __future__ import annotations

import requests
from icalendar import Calendar

from tests.calendar.radicale_checks import check_invite, meaning
from tests.timehelp import iso, next_dst_change


def _invites_to(smtp_server, email):
    """(METHOD, calendar, message) for each invite received by ``email``, in order."""
    found = []
    for message in smtp_server.messages:
        if message["To"] != email:
            continue
        parts = list(message.iter_parts()) if message.is_multipart() else []
        calendars = [p for p in parts if p.get_content_type() == "text/calendar"]
        if not calendars:
            continue
        (part,) = calendars
        ics = part.get_payload(decode=True)
        calendar = Calendar.from_ical(ics)
        found.append((part, ics, calendar, message))
    return found


def test_sequence_progression_create_edit_reschedule_cancel(
    client, cast, auth_headers, smtp_server, run_jobs, future, radicale_server
):
    headers = auth_headers(cast.facilitator)
    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json={
            "title": "Pricing workshop",
            "starts_at": future(days=4),
            "duration_minutes": 90,
            "join_url": "https://meet.example/pricing",
        },
        headers=headers,
    )
    sid = r.get_json()["id"]
    run_jobs()
    client.patch(f"/api/v1/sessions/{sid}", json={"title": "Pricing clinic"}, headers=headers)
    run_jobs()
    client.patch(f"/api/v1/sessions/{sid}", json={"starts_at": future(days=6)}, headers=headers)
    run_jobs()
    client.delete(f"/api/v1/sessions/{sid}", json={"reason": "Speaker ill"}, headers=headers)
    run_jobs()

    received = _invites_to(smtp_server, cast.alice.email)
    assert len(received) == 4
    methods, sequences, uids = [], [], set()
    for part, ics, calendar, message in received:
        (vevent,) = calendar.walk("VEVENT")
        methods.append(str(calendar["method"]))
        sequences.append(int(vevent["sequence"]))
        uids.add(str(vevent["uid"]))
        # MIME: multipart/alternative, text + html + calendar, method= equals METHOD
        assert message.get_content_type() == "multipart/alternative"
        types = [p.get_content_type() for p in message.iter_parts()]
        assert types == ["text/plain", "text/html", "text/calendar"]
        assert part.get_param("method") == str(calendar["method"])
        assert part.get_content_disposition() == "inline"
        # only this member as ATTENDEE, with the iTIP parameters
        attendee = vevent["attendee"]
        assert not isinstance(attendee, list)
        assert str(attendee).lower() == f"mailto:{cast.alice.email}".lower()
        assert attendee.params["CN"] == "Alice Acme"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert str(vevent["organizer"]).lower() == f"mailto:{cast.facilitator.email}".lower()
        assert "DTSTAMP" in vevent
        assert vevent.decoded("dtstart").utcoffset().total_seconds() == 0
        assert f"http://copa.test/sessions/{sid}" in str(vevent["description"])
        check_invite(ics)
    assert methods == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    assert sequences == [0, 1, 2, 3]
    assert len(uids) == 1
    # the e-mailed copies, stored one after the other in a real CalDAV calendar under their UID
    (uid,) = uids
    item_url = f"{radicale_server.new_calendar()}{uid}.ics"
    for n, (_part, ics, _calendar, _message) in enumerate(received):
        put = requests.put(
            item_url, data=ics, headers={"Content-Type": "text/calendar; charset=utf-8"}, timeout=10
        )
        assert put.status_code == (201 if n == 0 else 204), put.text
        assert meaning(requests.get(item_url, timeout=10).content) == meaning(ics)
    first = received[0][2].walk("VEVENT")[0]
    assert "https://meet.example/pricing" in str(first["description"])
    assert "Speaker ill" in received[3][3].get_body(("plain",)).get_content()
    # every member got the same four, the facilitator as CHAIR
    for user in (cast.bob, cast.expert, cast.facilitator):
        assert len(_invites_to(smtp_server, user.email)) == 4
    chair = _invites_to(smtp_server, cast.facilitator.email)[0][2].walk("VEVENT")[0]
    assert chair["attendee"].params["ROLE"] == "CHAIR"


def test_member_added_later_gets_upcoming_and_removed_member_gets_cancel(
    client, cast, auth_headers, smtp_server, run_jobs, create_session, db
):
    from training.programs.models import Membership

    upcoming = create_session(title="Upcoming")
    cancelled = create_session(title="Cancelled one")
    headers = auth_headers(cast.facilitator)
    client.delete(
        f"/api/v1/sessions/{cancelled['id']}", json={"reason": "Speaker ill"}, headers=headers
    )
    run_jobs()
    smtp_server.messages.clear()

    r = client.post(
        f"/api/v1/programs/{cast.program.id}/members",
        json={"email": "carol@late.example", "name": "Carol Late", "role": "participant"},
        headers=headers,
    )
    assert r.status_code == 201
    run_jobs()
    received = _invites_to(smtp_server, "carol@late.example")
    assert [str(c["method"]) for _p, _i, c, _m in received] == ["REQUEST"]
    vevent = received[0][2].walk("VEVENT")[0]
    assert str(vevent["summary"]) == "Upcoming"
    assert int(vevent["sequence"]) == upcoming["sequence"]

    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == cast.bob.id))
    assert client.delete(f"/api/v1/members/{membership.id}", headers=headers).status_code == 200
    run_jobs()
    received = _invites_to(smtp_server, cast.bob.email)
    assert [str(c["method"]) for _p, _i, c, _m in received] == ["CANCEL"]
    assert str(received[0][2].walk("VEVENT")[0]["uid"]).startswith(f"session-{upcoming['id']}@")
    # Bob reads why: the session still takes place, he is just no longer in it
    message = received[0][3]
    assert message["Subject"] == "No longer invited: Upcoming"
    text = message.get_body(("plain",)).get_content()
    assert "no longer a member of CoPA Pricing" in text
    assert "Cancelled" not in text
    # the others are not told anything
    assert _invites_to(smtp_server, cast.alice.email) == []


def test_google_sender_suppresses_copa_invites(
    client, cast, db, smtp_server, run_jobs, create_session
):
    cast.program.invite_sender = "google"
    db.session.commit()
    create_session(title="Sent by Google")
    run_jobs()
    assert _invites_to(smtp_server, cast.alice.email) == []
    assert not any("text/calendar" in m.as_string() for m in smtp_server.messages)

    # positive control: the same program, Copa as the sender, and the invite goes out
    cast.program.invite_sender = "copa"
    db.session.commit()
    create_session(title="Sent by Copa")
    run_jobs()
    (invite,) = _invites_to(smtp_server, cast.alice.email)
    assert str(invite[2].walk("VEVENT")[0]["summary"]) == "Sent by Copa"


def test_invites_are_sent_once_even_if_queued_twice(
    cast, db, create_session, smtp_server, run_jobs
):
    from training.sessions.invites import send_session_invites
    from training.sessions.models import TrainingSession

    created = create_session()
    session = db.session.get(TrainingSession, created["id"])
    send_session_invites(session, "created")  # a retried request
    db.session.commit()
    run_jobs()
    assert len(_invites_to(smtp_server, cast.alice.email)) == 1


def test_invites_survive_redis_losing_the_mail_jobs(
    cast, db, create_session, smtp_server, run_jobs
):
    """A Redis restart between the commit and the send loses no invite: the outbox row stays
    queued and the periodic sweep queues it again."""
    from datetime import timedelta

    from training.mail.jobs import requeue_stale_messages
    from training.mail.models import OutboxMessage
    from workers.queues import get_queue

    create_session(title="Survivor")
    mail_queue = get_queue("mail")
    assert mail_queue.count == 4  # one invite per member, waiting in Redis
    mail_queue.empty()  # what a Redis restart without persistence does
    assert run_jobs() == 0
    assert smtp_server.messages == []
    # the sweep leaves fresh rows to their jobs; these are three minutes old
    for message in db.session.scalars(db.select(OutboxMessage)):
        message.created_at -= timedelta(minutes=3)
    db.session.commit()
    assert requeue_stale_messages() == 4
    run_jobs()
    (invite,) = _invites_to(smtp_server, cast.alice.email)
    assert str(invite[2].walk("VEVENT")[0]["summary"]) == "Survivor"
    assert len(smtp_server.messages) == 4


def test_dst_day_invite_is_utc_and_the_mail_shows_the_wall_clock(
    client, cast, auth_headers, smtp_server, run_jobs
):
    spring, autumn = next_dst_change(forward=True), next_dst_change(forward=False)
    for local, utc in (
        (iso(spring, "10:00"), f"{spring:%Y%m%d}T140000Z"),
        (iso(autumn, "10:00"), f"{autumn:%Y%m%d}T150000Z"),
    ):
        r = client.post(
            f"/api/v1/programs/{cast.program.id}/sessions",
            json={"title": f"DST {local}", "starts_at": local, "duration_minutes": 60},
            headers=auth_headers(cast.facilitator),
        )
        assert r.status_code == 201
        run_jobs()
        (_part, ics, calendar, message) = _invites_to(smtp_server, cast.alice.email)[-1]
        assert f"DTSTART:{utc}\r\n".encode() in ics
        check_invite(ics)
        text = message.get_body(("plain",)).get_content()
        assert "10:00–11:00" in text and "America/Toronto" in text
