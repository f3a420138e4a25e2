"""Coaching bookings mirrored on the organizer's calendar (participant + expert invited)."""

from datetime import timedelta

import pytest

from tests.google.googlemock import EVENTS, MEET, calls, error, gevent, ok
from training.db import utcnow
from training.google.calendar_sync import event_id_for
from training.google.models import GoogleEventLink


@pytest.fixture
def booked(db, make_program, make_member):
    from training.coaching.models import CoachingSlot
    from training.coaching.operations import book_slot

    def make(program=None):
        program = program or make_program(title="Lean CoPA")
        expert = make_member(program, "expert", email="eve@coach.example.org", name="Eve").user
        ana = make_member(program, "participant", email="ana@acme.example.com", name="Ana").user
        start = (utcnow() + timedelta(days=4)).replace(microsecond=0)
        slot = CoachingSlot(
            program_id=program.id,
            expert_id=expert.id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        db.session.add(slot)
        db.session.commit()
        booking, _ = book_slot(slot.id, ana.id, actor_id=ana.id)
        db.session.commit()
        return program, booking

    return make


def test_booking_becomes_a_private_event_with_meet(
    app, db, make_program, booked, connected, google_http, run_jobs
):
    program = make_program(title="Lean CoPA")
    conn = connected(program)
    program, booking = booked(program)
    event_id = event_id_for(conn.id_salt, f"booking:{booking.id}")
    google_http.add(ok(gevent(event_id)))
    run_jobs()

    (insert,) = calls(google_http)
    assert (insert.method, insert.path) == ("POST", EVENTS)
    assert [a["email"] for a in insert.body["attendees"]] == [
        "ana@acme.example.com",
        "eve@coach.example.org",
    ]
    assert insert.body["guestsCanSeeOtherGuests"] is False
    assert insert.body["conferenceData"]["createRequest"]["requestId"] == f"{event_id}-meet"
    link = db.session.scalar(db.select(GoogleEventLink))
    assert (link.object_kind, link.meet_url) == ("booking", MEET)


def test_cancelled_booking_deletes_the_event_even_if_already_gone(
    app, db, make_program, booked, connected, google_http, run_jobs
):
    from training.coaching.operations import cancel_booking

    program = make_program(title="Lean CoPA")
    conn = connected(program)
    program, booking = booked(program)
    event_id = event_id_for(conn.id_salt, f"booking:{booking.id}")
    google_http.add(ok(gevent(event_id)))
    run_jobs()

    cancel_booking(booking, actor_id=booking.participant_id)
    db.session.commit()
    google_http.add(error(410, "deleted", "Resource has been deleted"))
    run_jobs()

    assert calls(google_http)[-1].method == "DELETE"
    assert db.session.scalars(db.select(GoogleEventLink)).all() == []


def test_event_deleted_in_google_is_recreated_on_next_change(
    app, db, make_program, booked, connected, google_http, run_jobs
):
    from training.google.jobs import sync_booking
    from training.google.operations import link_for

    program = make_program(title="Lean CoPA")
    conn = connected(program)
    program, booking = booked(program)
    booking_id = booking.id
    id0 = event_id_for(conn.id_salt, f"booking:{booking_id}")
    id1 = event_id_for(conn.id_salt, f"booking:{booking_id}", 1)
    google_http.add(ok(gevent(id0)))
    run_jobs()

    google_http.add(error(410, "deleted"), ok(gevent(id1, '"n"')))
    assert sync_booking(booking_id) == "synced"

    assert [(c.method, c.path) for c in calls(google_http)][-2:] == [
        ("PATCH", f"{EVENTS}/{id0}"),
        ("POST", EVENTS),
    ]
    row = link_for("booking", booking_id)
    assert (row.event_id, row.generation, row.etag) == (id1, 1, '"n"')


def test_google_invites_mean_no_copa_booking_emails(
    app, db, make_program, booked, connected, google_http, run_jobs
):
    from training.mail.models import OutboxMessage

    program = make_program(title="Lean CoPA")
    connected(program, google_invites=True)
    google_http.add(ok(gevent("x")))
    program, booking = booked(program)
    run_jobs()

    assert calls(google_http)[0].query["sendUpdates"] == "all"
    with_invite = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.ics_method.is_not(None))
    ).all()
    assert [m.to_email for m in with_invite] == []
