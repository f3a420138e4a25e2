"""Coaching through the API: availability, booking rules, cancel, reschedule, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.coaching.helpers import hour_from_now, local_iso
from tests.timehelp import days_ahead, iso, next_dst_change

SOON = days_ahead(30)  # a weekday a month ahead: past the notice, within every bound
WEEK, YEAR = timedelta(days=7), timedelta(days=364)


def me(client, world, user):
    r = client.get(
        f"/api/v1/programs/{world.program.id}/coaching/me", headers=world.headers[user.id]
    )
    assert r.status_code == 200
    return r.get_json()


def test_expert_publishes_slots_with_buffer(client, world):
    start = hour_from_now(48)
    r = client.post(
        f"/api/v1/programs/{world.program.id}/availability",
        json={
            "starts_at": local_iso(start),
            "ends_at": local_iso(start + timedelta(hours=3)),
            "slot_minutes": 45,
            "buffer_minutes": 15,
        },
        headers=world.headers[world.expert.id],
    )
    assert r.status_code == 201
    slots = r.get_json()["slots"]
    assert len(slots) == 3
    assert all(s["expert_id"] == world.expert.id and s["status"] == "open" for s in slots)
    assert slots[0]["starts_at"][-6:] in ("-05:00", "-04:00")  # output carries the offset


def test_weekly_repeat_keeps_wall_clock_across_dst(client, world):
    dst = next_dst_change(forward=True, min_days=21)
    week = timedelta(days=7)
    r = client.post(
        f"/api/v1/programs/{world.program.id}/availability",
        json={
            "starts_at": iso(dst - week, "09:00"),
            "ends_at": iso(dst - week, "10:00"),
            "repeat_weekly_until": (dst + week).isoformat(),
        },
        headers=world.headers[world.expert.id],
    )
    assert r.status_code == 201
    starts = [s["starts_at"] for s in r.get_json()["slots"]]
    assert starts == [
        iso(dst - week, "09:00:00-05:00"),
        iso(dst, "09:00:00-04:00"),
        iso(dst + week, "09:00:00-04:00"),
    ]


def test_bad_availability_is_refused(client, world, publish):
    url = f"/api/v1/programs/{world.program.id}/availability"
    h = world.headers[world.expert.id]
    start = hour_from_now(48)
    r = client.post(
        url, json={"starts_at": local_iso(start), "ends_at": local_iso(start)}, headers=h
    )
    assert r.status_code == 422
    publish(hours=100, count=2)
    s = hour_from_now(101)
    r = client.post(
        url,
        json={"starts_at": local_iso(s), "ends_at": local_iso(s + timedelta(hours=2))},
        headers=h,
    )
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "overlap")
    # Participants cannot publish; outsiders don't see the program.
    body = {
        "starts_at": local_iso(s + timedelta(days=3)),
        "ends_at": local_iso(s + timedelta(days=3, hours=1)),
    }
    assert client.post(url, json=body, headers=world.headers[world.alice.id]).status_code == 403
    assert client.post(url, json=body, headers=world.headers[world.outsider.id]).status_code == 404
    # The facilitator publishes for the expert.
    r = client.post(
        url,
        json={**body, "expert_id": world.expert.id},
        headers=world.headers[world.facilitator.id],
    )
    assert r.status_code == 201


def test_book_double_click_and_slot_taken(client, world, publish, book):
    slot = publish()[0]
    first = book(slot["id"], world.alice, note="Pricing strategy")
    assert first.status_code == 201
    again = book(slot["id"], world.alice)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    taken = book(slot["id"], world.bob)
    assert (taken.status_code, taken.get_json()["error"]["code"]) == (409, "slot_taken")
    assert me(client, world, world.alice)["used"] == 1
    r = client.get(
        f"/api/v1/programs/{world.program.id}/slots?status=open",
        headers=world.headers[world.bob.id],
    )
    assert slot["id"] not in [s["id"] for s in r.get_json()["slots"]]


def test_quota_exceeded(client, world, publish, book, db):
    world.program.coaching_quota = 2
    db.session.commit()
    slots = publish(count=3)
    assert book(slots[0]["id"], world.alice).status_code == 201
    assert book(slots[1]["id"], world.alice).status_code == 201
    r = book(slots[2]["id"], world.alice)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "quota_exceeded")
    assert me(client, world, world.alice) | {"bookings": None} == {
        "quota": 2,
        "used": 2,
        "remaining": 0,
        "bookings": None,
    }


def test_minimum_notice(world, publish, book):
    slot = publish(hours=6)[0]
    r = book(slot["id"], world.alice)
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "too_late")


def test_booking_on_someone_elses_behalf(world, publish, book):
    slot = publish()[0]
    r = book(slot["id"], world.bob, participant_id=world.alice.id)
    assert r.status_code == 403
    assert book(slot["id"], world.expert, participant_id=world.alice.id).status_code == 403
    assert book(slot["id"], world.expert).status_code == 403  # experts don't book themselves
    assert book(slot["id"], world.outsider).status_code == 404
    r = book(slot["id"], world.facilitator, participant_id=world.alice.id)
    assert r.status_code == 201 and r.get_json()["participant_id"] == world.alice.id


def test_cancel_before_cutoff_restores_quota(client, world, publish, book):
    slot = publish(hours=48)[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    r = client.delete(f"/api/v1/bookings/{bid}", headers=world.headers[world.alice.id])
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert me(client, world, world.alice)["used"] == 0
    assert book(slot["id"], world.bob).status_code == 201  # the slot is open again


def test_cancel_inside_cutoff_needs_facilitator_override(client, world, publish, book):
    slot = publish(hours=20)[0]
    bid = book(slot["id"], world.alice).get_json()["id"]
    url = f"/api/v1/bookings/{bid}"
    r = client.delete(url, headers=world.headers[world.alice.id])
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "cancel_cutoff")
    # A participant cannot override; the facilitator can.
    r = client.delete(url + "?override=1", headers=world.headers[world.alice.id])
    assert r.status_code == 409
    # Another participant of the program does not even learn that the booking exists.
    assert client.delete(url, headers=world.headers[world.bob.id]).status_code == 404
    r = client.delete(url + "?override=1", headers=world.headers[world.facilitator.id])
    assert r.status_code == 200 and r.get_json()["booking_status"] == "late_cancelled"
    assert me(client, world, world.alice)["used"] == 1  # late cancellations count by default


def test_reschedule_moves_booking_and_keeps_quota(client, world, publish, book):
    a, b = publish(hours=72, count=2)
    booking = book(a["id"], world.alice).get_json()
    r = client.post(
        f"/api/v1/bookings/{booking['id']}/reschedule",
        json={"slot_id": b["id"]},
        headers=world.headers[world.alice.id],
    )
    assert r.status_code == 200, r.get_json()
    moved = r.get_json()
    assert (moved["id"], moved["slot_id"], moved["sequence"]) == (booking["id"], b["id"], 1)
    assert me(client, world, world.alice)["used"] == 1
    assert book(a["id"], world.bob).status_code == 201
    # Moving onto a taken slot fails and leaves the booking where it was.
    r = client.post(
        f"/api/v1/bookings/{booking['id']}/reschedule",
        json={"slot_id": a["id"]},
        headers=world.headers[world.alice.id],
    )
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "slot_taken")
    assert me(client, world, world.alice)["bookings"][0]["slot_id"] == b["id"]


def test_pacing_when_enabled(world, publish, book, db):
    from training.coaching.models import CoachingSettings

    db.session.add(CoachingSettings(program_id=world.program.id, pacing_days=7))
    db.session.commit()
    slots = publish(hours=72, count=2)
    assert book(slots[0]["id"], world.alice).status_code == 201
    r = book(slots[1]["id"], world.alice)
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "pacing")


def test_withdraw_open_slot_and_others_cannot(client, world, publish):
    slot = publish()[0]
    url = f"/api/v1/slots/{slot['id']}"
    assert client.delete(url, headers=world.headers[world.alice.id]).status_code == 403
    r = client.delete(url, headers=world.headers[world.expert.id])
    assert r.status_code == 200 and r.get_json()["cancelled_booking_id"] is None
    r = client.get(
        f"/api/v1/programs/{world.program.id}/slots?status=open",
        headers=world.headers[world.alice.id],
    )
    assert r.get_json()["slots"] == []


def test_settings_late_cancellations_need_not_count(client, world, publish, book):
    url = f"/api/v1/programs/{world.program.id}/coaching/settings"
    body = {
        "cutoff_hours": 48,
        "min_notice_hours": 2,
        "pacing_days": 0,
        "late_cancel_counts": False,
    }
    assert client.put(url, json=body, headers=world.headers[world.alice.id]).status_code == 403
    r = client.put(url, json=body, headers=world.headers[world.facilitator.id])
    assert r.status_code == 200 and r.get_json()["cutoff_hours"] == 48
    slot = publish(hours=30)[0]  # inside the new 48 h cutoff, outside the 2 h notice
    bid = book(slot["id"], world.alice).get_json()["id"]
    r = client.delete(f"/api/v1/bookings/{bid}", headers=world.headers[world.alice.id])
    assert r.get_json()["error"]["code"] == "cancel_cutoff"
    client.delete(f"/api/v1/bookings/{bid}?override=1", headers=world.headers[world.facilitator.id])
    assert me(client, world, world.alice)["used"] == 0


def test_database_allows_one_active_booking_per_slot(world, publish, db):
    """The partial unique index itself, without the application's checks."""
    import pytest
    import sqlalchemy as sa

    from training.coaching.models import Booking

    slot = publish()[0]["id"]
    pid = world.program.id

    def add(participant, status):
        db.session.add(
            Booking(program_id=pid, slot_id=slot, participant_id=participant.id, status=status)
        )
        db.session.commit()

    add(world.alice, "cancelled")
    add(world.bob, "late_cancelled")
    add(world.alice, "booked")  # cancelled ones don't hold the slot
    with pytest.raises(sa.exc.IntegrityError):
        add(world.bob, "booked")
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        add(world.bob, "attended")
    db.session.rollback()


def test_reschedule_to_another_expert_cancels_for_the_first(
    client, world, publish, book, make_member, db, run_jobs
):
    from training.mail.models import OutboxMessage

    other = make_member(world.program, "expert", name="Otto Other").user
    other_email, first_email = other.email, world.expert.email
    a = publish(hours=72)[0]
    b = publish(hours=96, expert=world.facilitator, expert_id=other.id)[0]
    bid = book(a["id"], world.alice).get_json()["id"]
    run_jobs()
    r = client.post(
        f"/api/v1/bookings/{bid}/reschedule",
        json={"slot_id": b["id"]},
        headers=world.headers[world.alice.id],
    )
    assert r.status_code == 200 and r.get_json()["expert_id"] == other.id
    run_jobs()
    mails = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.ics_method for m in mails if m.to_email == first_email] == ["REQUEST", "CANCEL"]
    assert [m.ics_method for m in mails if m.to_email == other_email] == ["REQUEST"]


def test_withdrawing_a_held_session_is_refused(client, world, db):
    from datetime import timedelta

    from training.coaching import operations as ops
    from training.coaching.models import CoachingSlot
    from training.db import utcnow

    now = utcnow()
    slot = CoachingSlot(
        program_id=world.program.id,
        expert_id=world.expert.id,
        starts_at=now - timedelta(hours=2),
        ends_at=now - timedelta(hours=1),
    )
    db.session.add(slot)
    db.session.commit()
    booking, _ = ops.book_slot(
        slot.id, world.alice.id, actor_id=world.alice.id, now=now - timedelta(days=3)
    )
    booking.status = "attended"
    db.session.commit()
    r = client.delete(f"/api/v1/slots/{slot.id}", headers=world.headers[world.expert.id])
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "session_held")


def test_race_past_the_fast_path_is_decided_by_the_unique_index(world, publish, book, db):
    """A request that read the slot free just before someone else's booking committed: under
    the locks its INSERT meets the partial unique index and it gets slot_taken; the same
    participant's second request (a double click) gets the booking it already has."""
    import pytest

    from training.coaching import operations as ops
    from training.coaching.models import Booking, CoachingSlot
    from training.coaching.rules import RuleViolation

    slot_id = publish()[0]["id"]
    alice_id, bob_id = world.alice.id, world.bob.id
    first = book(slot_id, world.alice)
    assert first.status_code == 201
    stale = (db.session.get(CoachingSlot, slot_id), None, None)  # "no active booking yet"
    with pytest.raises(RuleViolation) as caught:
        ops.book_slot(slot_id, bob_id, actor_id=bob_id, preloaded=stale)
    assert (caught.value.status, caught.value.code) == (409, "slot_taken")
    stale = (db.session.get(CoachingSlot, slot_id), None, None)
    again, created = ops.book_slot(slot_id, alice_id, actor_id=alice_id, preloaded=stale)
    assert (again.id, created) == (first.get_json()["id"], False)
    db.session.commit()
    assert db.session.scalars(db.select(Booking.participant_id)).all() == [alice_id]


def test_bad_dates_in_availability_are_422_with_a_message(client, world):
    r = client.post(
        f"/api/v1/programs/{world.program.id}/availability",
        json={"starts_at": "next tuesday", "ends_at": iso(SOON, "10:00")},
        headers=world.headers[world.expert.id],
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "invalid_value"
    assert "ISO 8601" in r.get_json()["error"]["message"]


def test_open_slot_listing_matches_the_slot_rules(client, world, publish, book, db):
    """The fast open-slot listing (plain columns) gives what the ORM rules give: no booked,
    withdrawn or past slot, none held for someone else; one held for the viewer is flagged."""
    from training.coaching import queries as q
    from training.coaching.models import CoachingSlot
    from training.db import utcnow

    ids = [s["id"] for s in publish(hours=72, count=6)]
    assert book(ids[0], world.bob).status_code == 201
    client.delete(f"/api/v1/slots/{ids[1]}", headers=world.headers[world.expert.id])
    now = utcnow()
    slots = {s.id: s for s in db.session.scalars(db.select(CoachingSlot))}
    slots[ids[2]].hold_user_id, slots[ids[2]].hold_until = world.alice.id, now + timedelta(hours=1)
    slots[ids[3]].hold_user_id, slots[ids[3]].hold_until = world.bob.id, now + timedelta(hours=1)
    slots[ids[4]].hold_user_id, slots[ids[4]].hold_until = world.bob.id, now - timedelta(hours=1)
    db.session.commit()
    r = client.get(
        f"/api/v1/programs/{world.program.id}/slots?status=open",
        headers=world.headers[world.alice.id],
    )
    listed = r.get_json()["slots"]
    assert [s["id"] for s in listed] == [ids[2], ids[4], ids[5]]
    assert [s["held_for_you"] for s in listed] == [True, False, False]
    expected = [
        q.slot_dict(s, world.program.timezone, "open", world.alice.id)
        for s in q.open_slots(world.program.id, for_user_id=world.alice.id)
    ]
    assert listed == expected
    # Bob, for whom ids[3] is held, sees it; Alice's hold is hidden from him.
    r = client.get(
        f"/api/v1/programs/{world.program.id}/slots?status=open",
        headers=world.headers[world.bob.id],
    )
    assert [s["id"] for s in r.get_json()["slots"]] == [ids[3], ids[4], ids[5]]


def test_expert_id_and_participant_id_are_user_ids_of_the_right_role(
    client, world, make_member, book
):
    other = make_member(world.program, "expert", name="Otto Other").user
    start = hour_from_now(72)
    window = {"starts_at": local_iso(start), "ends_at": local_iso(start + timedelta(hours=1))}
    url = f"/api/v1/programs/{world.program.id}/availability"
    # An expert publishes for themselves only.
    r = client.post(
        url, json=window | {"expert_id": other.id}, headers=world.headers[world.expert.id]
    )
    assert r.status_code == 403
    # The facilitator names an expert by user id; a participant's user id is refused.
    r = client.post(
        url,
        json=window | {"expert_id": world.alice.id},
        headers=world.headers[world.facilitator.id],
    )
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "not_an_expert")
    r = client.post(
        url, json=window | {"expert_id": other.id}, headers=world.headers[world.facilitator.id]
    )
    assert r.status_code == 201 and r.get_json()["slots"][0]["expert_id"] == other.id
    slot_id = r.get_json()["slots"][0]["id"]
    # Booking on behalf names a participant by user id; an expert's user id is refused.
    r = book(slot_id, world.facilitator, participant_id=other.id)
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "not_a_participant")
    r = book(slot_id, world.facilitator, participant_id=world.bob.id)
    assert r.status_code == 201 and r.get_json()["participant_id"] == world.bob.id


def test_one_expert_publishing_in_two_programs_at_once_cannot_overlap(
    app, world, make_program, make_member, db
):
    """The second publication waits for the first (PostgreSQL: the expert's row is locked,
    whatever the program; SQLite: the write lock) and then sees its slots: 422 overlap, not
    two slots at the same time."""
    import threading

    from training.coaching import availability as av
    from training.coaching.models import CoachingSlot
    from training.coaching.slotgen import AvailabilityError
    from training.extensions import db as _db
    from training.programs.models import Program

    second = make_program(title="Other CoPA")
    make_member(second, "expert", user=world.expert)
    programs, expert_id = (world.program.id, second.id), world.expert.id
    start = hour_from_now(72)
    published, go = threading.Event(), threading.Event()
    outcome = {}

    def publish(program_id, hold):
        with app.test_request_context():
            try:
                program = _db.session.get(Program, program_id)
                av.publish_availability(program, expert_id, start, start + timedelta(hours=1))
                if hold:
                    published.set()
                    go.wait(10)
                _db.session.commit()
                outcome[program_id] = "published"
            except AvailabilityError as exc:
                outcome[program_id] = exc.code
            finally:
                _db.session.rollback()
                _db.session.remove()

    first = threading.Thread(target=publish, args=(programs[0], True))
    later = threading.Thread(target=publish, args=(programs[1], False))
    first.start()
    try:
        assert published.wait(10)
        later.start()
        later.join(1.0)
        assert later.is_alive()  # waiting for the first publication's lock
    finally:
        go.set()
        first.join(10)
        if later.is_alive() or later.ident:
            later.join(10)
    assert outcome == {programs[0]: "published", programs[1]: "overlap"}
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(CoachingSlot.id))) == 1


@pytest.mark.parametrize(
    ("window", "repeat", "code"),
    [
        ((iso(SOON, "06:00"), iso(SOON, "21:00")), None, "window_too_long"),
        (
            (iso(SOON, "09:00"), iso(SOON, "12:00")),
            str(SOON + timedelta(days=377)),
            "repeat_too_long",
        ),
        (
            (iso(SOON, "06:00"), iso(SOON, "20:00")),
            str(SOON + timedelta(days=364)),
            "too_many_slots",
        ),
        (("2040-12-31T09:00", "2040-12-31T12:00"), None, "too_far_ahead"),
        (("9999-12-31T22:00", "9999-12-31T23:30"), "9999-12-31", "invalid_value"),
    ],
)
def test_availability_is_bounded_with_a_422_naming_the_limit(
    client, world, window, repeat, code, db
):
    from training.coaching.models import CoachingSlot

    body = {"starts_at": window[0], "ends_at": window[1], "slot_minutes": 5}
    if repeat:
        body["repeat_weekly_until"] = repeat
    r = client.post(
        f"/api/v1/programs/{world.program.id}/availability",
        json=body,
        headers=world.headers[world.expert.id],
    )
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == code
    if code != "invalid_value":
        assert any(k.startswith("limit") for k in error)  # the client learns the limit
    assert db.session.scalar(db.select(db.func.count(CoachingSlot.id))) == 0


def test_availability_overlap_check_still_refuses_a_clash_in_a_long_repeat(client, world):
    url = f"/api/v1/programs/{world.program.id}/availability"
    headers = world.headers[world.expert.id]
    day = days_ahead(60)
    first = {"starts_at": iso(day, "09:00"), "ends_at": iso(day, "12:00")}
    assert (
        client.post(
            url,
            json={**first, "repeat_weekly_until": str(day + timedelta(days=84))},
            headers=headers,
        ).status_code
        == 201
    )
    # 30 weeks later on the same weekday the windows are free; week 12 clashes at 11:00.
    earlier = day - timedelta(days=35)
    clash = {
        "starts_at": iso(earlier, "11:00"),
        "ends_at": iso(earlier, "13:00"),
        "repeat_weekly_until": str(day + timedelta(days=294)),
    }
    r = client.post(url, json=clash, headers=headers)
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "overlap")
    fine = {**clash, "starts_at": iso(earlier, "12:00")}
    assert client.post(url, json=fine, headers=headers).status_code == 201
