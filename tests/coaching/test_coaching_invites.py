"""Invites, reminders, feeds and the expert's cancellation, as the people involved see them."""

from __future__ import annotations

from datetime import datetime, timedelta

from training.mail.models import OutboxMessage


def outbox(db, to=None):
    rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [m for m in rows if to is None or m.to_email == to]


def test_booking_emails_request_to_participant_and_expert(
    client, world, publish, book, smtp_server, run_jobs
):
    alice, expert = world.alice.email, world.expert.email  # run_jobs() ends the session
    slot = publish()[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    run_jobs()
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages) == sorted(
        [alice, expert]
    )
    for message in smtp_server.messages:
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert len(parts) == 1
        assert parts[0].get_param("method") == "REQUEST"
        ics = parts[0].get_content()
        assert "METHOD:REQUEST" in ics and "SEQUENCE:0" in ics
        assert f"UID:coaching-{bid}@copa.test" in ics
        assert "ORGANIZER" in ics and alice in ics
    smtp_server.messages.clear()
    r = client.delete(f"/api/v1/bookings/{bid}", headers=world.headers[world.alice.id])
    assert r.status_code == 200
    run_jobs()
    assert len(smtp_server.messages) == 2
    for message in smtp_server.messages:
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        ics = part.get_content()
        assert part.get_param("method") == "CANCEL"
        assert "METHOD:CANCEL" in ics and "SEQUENCE:1" in ics and "STATUS:CANCELLED" in ics


def test_reschedule_sends_request_with_higher_sequence(client, world, publish, book, db, run_jobs):
    alice, headers = world.alice.email, world.headers[world.alice.id]
    a, b = publish(count=2)
    bid = book(a["id"], world.alice).get_json()["id"]
    run_jobs()
    client.post(f"/api/v1/bookings/{bid}/reschedule", json={"slot_id": b["id"]}, headers=headers)
    run_jobs()
    mails = outbox(db, alice)
    assert [m.ics_method for m in mails] == ["REQUEST", "REQUEST"]
    assert b"SEQUENCE:1" in mails[-1].ics and b"SEQUENCE:0" in mails[0].ics


def test_stale_invite_job_is_superseded(client, world, publish, book, db, run_jobs):
    """Booked then cancelled before the worker ran: only the CANCEL (sequence 1) goes out."""
    alice = world.alice.email
    slot = publish()[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    client.delete(f"/api/v1/bookings/{bid}", headers=world.headers[world.alice.id])
    run_jobs()
    mails = outbox(db, alice)
    assert [(m.ics_method, b"SEQUENCE:1" in m.ics) for m in mails] == [("CANCEL", True)]


def test_reminder_24h_before_and_not_after_reschedule(client, world, publish, book, db, run_jobs):
    from datetime import datetime

    alice, expert = world.alice.email, world.expert.email  # run_jobs() ends the session
    a, b = publish(hours=72, count=2)
    bid = book(a["id"], world.alice).get_json()["id"]
    start_a = datetime.fromisoformat(a["starts_at"])
    assert run_jobs() > 0  # the invite mails
    before = len(outbox(db))
    # Nothing before the reminder time.
    run_jobs(until=start_a - timedelta(hours=25))
    assert len(outbox(db)) == before
    client.post(
        f"/api/v1/bookings/{bid}/reschedule",
        json={"slot_id": b["id"]},
        headers=world.headers[world.alice.id],
    )
    run_jobs()
    before = len(outbox(db))
    # The first reminder (sequence 0) is now stale; the new one (sequence 1) fires once.
    run_jobs(until=datetime.fromisoformat(b["starts_at"]) - timedelta(hours=23))
    reminders = [m for m in outbox(db)[before:] if m.subject.startswith("Reminder")]
    assert sorted(m.to_email for m in reminders) == sorted([alice, expert])
    assert all(m.dedupe_key.startswith(f"coaching-reminder-{bid}-1-") for m in reminders)


def test_expert_cancels_booked_slot(client, world, publish, book, db, run_jobs):
    slots = publish(hours=72, count=5)
    bid = book(slots[0]["id"], world.alice).get_json()["id"]
    r = client.delete(f"/api/v1/slots/{slots[0]['id']}", headers=world.headers[world.expert.id])
    assert r.status_code == 200 and r.get_json()["cancelled_booking_id"] == bid
    me = client.get(
        f"/api/v1/programs/{world.program.id}/coaching/me", headers=world.headers[world.alice.id]
    ).get_json()
    assert me["used"] == 0 and me["bookings"][0]["status"] == "expert_cancelled"
    # The next three open slots are held for Alice: Bob can't take them, Alice can.
    held = [s["id"] for s in slots[1:4]]
    listing = client.get(
        f"/api/v1/programs/{world.program.id}/slots?status=open",
        headers=world.headers[world.bob.id],
    ).get_json()["slots"]
    assert [s["id"] for s in listing] == [slots[4]["id"]]
    r = book(held[0], world.bob)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "slot_taken")
    alice = world.alice.email
    assert book(held[1], world.alice).status_code == 201
    run_jobs()
    mails = outbox(db, alice)
    methods = [m.ics_method for m in mails]
    assert methods.count("CANCEL") == 1 and methods.count("REQUEST") == 1  # new booking
    proposal = next(m for m in mails if m.ics_method is None)
    assert "held for you for 48 hours" in proposal.text_body
    assert proposal.text_body.count("\n- ") == 3


def test_bookings_show_in_both_feeds(world, publish, book, app):
    from training.coaching.invites import feed_events_for

    slot = publish()[0]
    book(slot["id"], world.alice)
    for user in (world.alice, world.expert):
        events = feed_events_for(user.id)
        assert len(events) == 1 and events[0].status == "CONFIRMED"
    assert feed_events_for(world.bob.id) == []


def test_bookings_in_subscribed_feeds_with_fresh_etag(client, world, publish, book):
    from urllib.parse import urlsplit

    slot = publish()[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    uid = f"UID:coaching-{bid}@copa.test"

    def feed(user, etag=None):
        urls = client.get("/api/v1/me/calendar", headers=world.headers[user.id]).get_json()
        path = urlsplit(urls["feed_url"]).path
        headers = {"If-None-Match": etag} if etag else {}
        return client.get(path, headers=headers)

    for user in (world.alice, world.expert):
        r = feed(user)
        assert r.status_code == 200 and uid in r.get_data(as_text=True)
    assert uid not in feed(world.bob).get_data(as_text=True)
    etag = feed(world.alice).headers["ETag"]
    assert feed(world.alice, etag).status_code == 304
    client.delete(f"/api/v1/bookings/{bid}", headers=world.headers[world.alice.id])
    r = feed(world.alice, etag)
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert uid in body and "STATUS:CANCELLED" in body


def test_no_copa_invites_when_google_sends_them(world, publish, book, db):
    from training.coaching.invites import send_booking_invites
    from training.coaching.models import Booking
    from training.google.models import GoogleConnection

    world.program.invite_sender = "google"
    db.session.add(
        GoogleConnection(
            program_id=world.program.id,
            kind="service_account",
            organizer_email="coach@example.org",
            credentials_encrypted="x",
        )
    )
    db.session.commit()
    slot = publish()[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    send_booking_invites(db.session.get(Booking, bid), "created")
    db.session.flush()
    assert outbox(db) == []


def test_sweep_redoes_invites_and_reminder_that_redis_lost(
    world, publish, book, db, run_jobs, redis_conn
):
    """Redis lost the queued invite job and the scheduled reminder: the sweep brings both back."""
    import sqlalchemy as sa
    from rq import Queue

    from training.coaching.invites import mails_job_id, reminder_job_id
    from training.coaching.jobs import sweep_booking_mail
    from training.coaching.models import Booking
    from training.db import utcnow
    from workers.queues import all_queue_names

    alice = world.alice.email
    slot = publish()[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    for name in all_queue_names():  # the restart: queues and schedules are gone
        q = Queue(name, connection=redis_conn)
        q.empty()
        for job_id in q.scheduled_job_registry.get_job_ids():
            q.scheduled_job_registry.remove(job_id)
            redis_conn.delete(f"rq:job:{job_id}")
    for job_id in (mails_job_id(bid, 0), reminder_job_id(bid, 0)):  # and every trace of them
        redis_conn.delete(f"rq:job:{job_id}")
    db.session.execute(sa.update(Booking).values(updated_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert run_jobs() == 0 and outbox(db, alice) == []

    assert sweep_booking_mail() == 2  # the invite job, and the reminder
    run_jobs()
    assert [m.ics_method for m in outbox(db, alice)] == ["REQUEST"]
    assert sweep_booking_mail() == 0  # nothing left to redo
    booking = db.session.get(Booking, bid)
    run_jobs(until=booking.slot.starts_at)
    assert any("reminder" in (m.dedupe_key or "") for m in outbox(db, alice))


def test_a_removed_participant_loses_upcoming_bookings_and_their_feed_events(
    client, world, publish, book, db, run_jobs
):
    from training.coaching.invites import feed_events_for
    from training.coaching.models import Booking
    from training.programs.models import Membership

    alice, alice_id, expert_id = world.alice.email, world.alice.id, world.expert.id
    slot = publish()[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    run_jobs()
    mid = db.session.scalar(
        db.select(Membership.id).where(
            Membership.user_id == alice_id, Membership.program_id == world.program.id
        )
    )
    r = client.delete(f"/api/v1/members/{mid}", headers=world.headers[world.facilitator.id])
    assert r.status_code == 200
    run_jobs()
    assert db.session.get(Booking, bid).status == "cancelled"
    assert [m.ics_method for m in outbox(db, alice)] == ["REQUEST", "CANCEL"]
    assert all(e.status == "CANCELLED" for e in feed_events_for(alice_id))
    assert all(e.status == "CANCELLED" for e in feed_events_for(expert_id))
    # The slot is open again for the others.
    assert book(slot["id"], world.bob).status_code == 201


def test_moved_to_another_expert_the_first_gets_a_cancel_at_the_old_time(
    client, world, publish, book, db, run_jobs, make_member, auth_headers
):
    """The expert a booking moved away from is told it is cancelled at the time it had."""
    from icalendar import Calendar

    other = make_member(world.program, "expert", name="Otto Expert").user
    world.headers[other.id] = auth_headers(other)
    other_email, first_email = other.email, world.expert.email
    old = publish(hours=72)[0]
    new = publish(hours=96, expert=other)[0]
    bid = book(old["id"], world.alice).get_json()["id"]
    run_jobs()
    r = client.post(
        f"/api/v1/bookings/{bid}/reschedule",
        json={"slot_id": new["id"]},
        headers=world.headers[world.alice.id],
    )
    assert r.status_code == 200, r.get_json()
    run_jobs()

    cancel = outbox(db, first_email)[-1]
    assert cancel.ics_method == "CANCEL"
    event = Calendar.from_ical(cancel.ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime.fromisoformat(old["starts_at"])
    assert event["sequence"] == 1 and event["status"] == "CANCELLED"
    assert old["starts_at"][11:16] in cancel.subject  # the e-mail says the old time too
    request = outbox(db, other_email)[-1]
    assert request.ics_method == "REQUEST"
    new_start = Calendar.from_ical(request.ics).walk("VEVENT")[0].decoded("dtstart")
    assert new_start == datetime.fromisoformat(new["starts_at"])


def test_french_invite_names_the_zone_as_the_pages_do(client, world, publish, book, db, run_jobs):
    """A fr-CA reader gets "HNE"/"HAE" (Babel's names, as on the pages), never "EST"."""
    world.alice.locale = "fr_CA"
    alice = world.alice.email
    db.session.commit()
    slot = publish(hours=72)[0]
    book(slot["id"], world.alice)
    run_jobs()
    (mail,) = outbox(db, alice)
    assert " HNE " in mail.subject or " HAE " in mail.subject, mail.subject
    assert "EST" not in mail.subject and "EDT" not in mail.subject
    start = datetime.fromisoformat(slot["starts_at"])
    assert f"{start:%H:%M}" in mail.subject  # the Toronto wall clock, as the page shows it
    assert "(America/Toronto)" in mail.subject
