"""Attendance and notes: who sees which note. The facilitator never sees note text."""

from __future__ import annotations

from datetime import timedelta

import pytest

from training.coaching import operations as ops
from training.coaching.models import CoachingSlot
from training.db import utcnow

SECRET_PREP = "PREP-our margins are collapsing"
SECRET_PRIVATE = "PRIVATE-the owner seems burnt out"
SECRET_SHARED = "SHARED-try the pricing canvas"


@pytest.fixture
def past_booking(world, db):
    """A booking for Alice whose session started an hour ago (booked four days ago)."""
    now = utcnow().replace(microsecond=0)
    slot = CoachingSlot(
        program_id=world.program.id,
        expert_id=world.expert.id,
        starts_at=now - timedelta(hours=1),
        ends_at=now,
        status="open",
    )
    db.session.add(slot)
    db.session.commit()
    booking, _ = ops.book_slot(
        slot.id,
        world.alice.id,
        actor_id=world.alice.id,
        note=SECRET_PREP,
        now=now - timedelta(days=4),
    )
    db.session.commit()
    return booking.id


def post_note(client, world, bid, user, kind, body):
    return client.post(
        f"/api/v1/bookings/{bid}/notes",
        json={"kind": kind, "body": body},
        headers=world.headers[user.id],
    )


def texts(client, world, bid, user):
    r = client.get(f"/api/v1/bookings/{bid}", headers=world.headers[user.id])
    return r.status_code, [n["body"] for n in r.get_json().get("notes", [])] if r.is_json else []


def test_notes_reach_only_their_readers(client, world, past_booking):
    bid = past_booking
    assert post_note(client, world, bid, world.expert, "private", SECRET_PRIVATE).status_code == 201
    assert post_note(client, world, bid, world.expert, "shared", SECRET_SHARED).status_code == 201
    # Wrong writers are refused.
    assert post_note(client, world, bid, world.alice, "private", "x").status_code == 403
    assert post_note(client, world, bid, world.facilitator, "shared", "x").status_code == 403

    assert texts(client, world, bid, world.expert) == (
        200,
        [SECRET_PREP, SECRET_PRIVATE, SECRET_SHARED],
    )
    assert texts(client, world, bid, world.alice) == (200, [SECRET_PREP, SECRET_SHARED])
    status, notes = texts(client, world, bid, world.facilitator)
    assert status == 200 and notes == []
    assert texts(client, world, bid, world.bob)[0] == 404  # not even its existence
    assert texts(client, world, bid, world.outsider)[0] == 404


def test_facilitator_sees_counts_and_dates_never_note_text(client, world, past_booking, login, app):
    bid = past_booking
    post_note(client, world, bid, world.expert, "private", SECRET_PRIVATE)
    post_note(client, world, bid, world.expert, "shared", SECRET_SHARED)
    r = client.post(
        f"/api/v1/bookings/{bid}/attendance",
        json={"status": "attended"},
        headers=world.headers[world.expert.id],
    )
    assert r.status_code == 200
    r = client.get(
        f"/api/v1/programs/{world.program.id}/coaching/overview",
        headers=world.headers[world.facilitator.id],
    )
    assert r.status_code == 200
    row = next(p for p in r.get_json()["participants"] if p["participant_id"] == world.alice.id)
    assert (row["used"], row["attended"], row["remaining"]) == (1, 1, 4)
    assert row["last_session"] is not None
    everything = r.get_data(as_text=True)
    page = login(app.test_client(), world.facilitator).get(f"/programs/{world.program.id}/coaching")
    for secret in (SECRET_PREP, SECRET_PRIVATE, SECRET_SHARED):
        assert secret not in everything
        assert secret not in page.get_data(as_text=True)
    # Participants can't see the overview.
    r = client.get(
        f"/api/v1/programs/{world.program.id}/coaching/overview",
        headers=world.headers[world.alice.id],
    )
    assert r.status_code == 403


def test_attendance_by_the_expert_only_and_after_start(client, world, past_booking, publish, book):
    url = f"/api/v1/bookings/{past_booking}/attendance"
    assert (
        client.post(
            url, json={"status": "attended"}, headers=world.headers[world.alice.id]
        ).status_code
        == 403
    )
    r = client.post(url, json={"status": "no_show"}, headers=world.headers[world.expert.id])
    assert r.get_json()["status"] == "no_show"
    future = book(publish()[0]["id"], world.alice).get_json()["id"]
    r = client.post(
        f"/api/v1/bookings/{future}/attendance",
        json={"status": "attended"},
        headers=world.headers[world.expert.id],
    )
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "too_early")


def test_participant_reads_shared_notes_after_the_session(app, client, world, past_booking, login):
    bid = past_booking
    post_note(client, world, bid, world.expert, "private", SECRET_PRIVATE)
    post_note(client, world, bid, world.expert, "shared", SECRET_SHARED)
    client.post(
        f"/api/v1/bookings/{bid}/attendance",
        json={"status": "attended"},
        headers=world.headers[world.expert.id],
    )
    html = (
        login(app.test_client(), world.alice)
        .get(f"/programs/{world.program.id}/coaching")
        .get_data(as_text=True)
    )
    assert "Past sessions" in html and SECRET_SHARED in html and SECRET_PREP in html
    assert SECRET_PRIVATE not in html
    html = (
        login(app.test_client(), world.bob)
        .get(f"/programs/{world.program.id}/coaching")
        .get_data(as_text=True)
    )
    for secret in (SECRET_PREP, SECRET_PRIVATE, SECRET_SHARED):
        assert secret not in html


def test_behind_schedule_uses_the_programs_calendar_day(world, db):
    """21:00 in Toronto on Dec 31 is already Jan 1 in UTC: the program has not started yet, so
    nobody is behind (on UTC's day, a 2-day program would expect 2 sessions already)."""
    from datetime import UTC, date, datetime

    from training.coaching.queries import overview_rows

    world.program.starts_on, world.program.ends_on = date(2027, 1, 1), date(2027, 1, 2)
    db.session.commit()
    evening = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)  # 2026-12-31 21:00 in Toronto
    rows = overview_rows(world.program, now=evening)
    assert {row["name"]: row["behind"] for row in rows} == {"Alice": False, "Bob": False}
    next_evening = datetime(2027, 1, 2, 2, 0, tzinfo=UTC)  # Jan 1, 21:00: day 1 of 2
    rows = overview_rows(world.program, now=next_evening)
    assert {row["name"]: row["behind"] for row in rows} == {"Alice": True, "Bob": True}


def test_a_session_that_took_place_is_not_offered_for_cancelling(app, world, past_booking, login):
    html = (
        login(app.test_client(), world.alice)
        .get(f"/programs/{world.program.id}/coaching")
        .get_data(as_text=True)
    )
    assert "Past sessions" in html and "attendance not marked yet" in html
    assert f"/coaching/bookings/{past_booking}/cancel" not in html
    assert f"/coaching/bookings/{past_booking}/reschedule" not in html


def test_a_private_note_stays_its_authors_after_a_reschedule_to_another_expert(
    client, world, publish, book, make_member, auth_headers, login, app
):
    second = make_member(world.program, "expert", name="Ada Second").user
    world.headers[second.id] = auth_headers(second)
    first_slot = publish(hours=72)[0]
    other_slot = publish(hours=96, expert=second)[0]
    bid = book(first_slot["id"], world.alice).get_json()["id"]
    assert post_note(client, world, bid, world.expert, "private", SECRET_PRIVATE).status_code == 201
    assert post_note(client, world, bid, world.expert, "shared", SECRET_SHARED).status_code == 201
    r = client.post(
        f"/api/v1/bookings/{bid}/reschedule",
        json={"slot_id": other_slot["id"]},
        headers=world.headers[world.alice.id],
    )
    assert r.status_code == 200 and r.get_json()["expert_id"] == second.id

    # The new expert coaches the booking: they see what the participant sees, not the private note.
    assert texts(client, world, bid, second) == (200, [SECRET_SHARED])
    page = login(app.test_client(), second).get(f"/programs/{world.program.id}/coaching")
    assert page.status_code == 200 and SECRET_PRIVATE not in page.get_data(as_text=True)
    # Its author still reads it (and only their own notes), but can no longer act on the booking.
    assert texts(client, world, bid, world.expert) == (200, [SECRET_PRIVATE])
    assert post_note(client, world, bid, world.expert, "private", "more").status_code == 403
    assert texts(client, world, bid, world.alice) == (200, [SECRET_SHARED])
