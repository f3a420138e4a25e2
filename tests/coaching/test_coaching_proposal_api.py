"""'Propose my sessions' through the API: the plan, accepting part of it, the batch plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("America/Toronto")


@pytest.fixture
def weekly_slots(client, world, db):
    """A program running 12 weeks from tomorrow; the expert offers Tuesday and Thursday 10:00
    every week (with a weekly repeat)."""
    today = datetime.now(TZ).date()
    world.program.starts_on = today
    world.program.ends_on = today + timedelta(weeks=12)
    db.session.commit()
    out = []
    for weekday in (1, 3):  # Tuesday, Thursday
        first = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
        r = client.post(
            f"/api/v1/programs/{world.program.id}/availability",
            json={
                "starts_at": f"{first}T10:00",
                "ends_at": f"{first}T11:00",
                "repeat_weekly_until": str(today + timedelta(weeks=12)),
            },
            headers=world.headers[world.expert.id],
        )
        assert r.status_code == 201, r.get_json()
        out += r.get_json()["slots"]
    return out


def starts(slots):
    return [datetime.fromisoformat(s["starts_at"]) for s in slots]


def test_proposal_spreads_sessions_a_week_apart_avoiding_blocked_times(client, world, weekly_slots):
    pid, h = world.program.id, world.headers[world.alice.id]
    # Alice can't make Tuesday mornings.
    r = client.put(
        f"/api/v1/programs/{pid}/coaching/unavailability",
        json={"unavailable": [{"weekday": 1, "start": "08:00", "end": "12:00"}]},
        headers=h,
    )
    assert r.status_code == 200 and r.get_json()["unavailable"][0]["weekday"] == 1
    r = client.post(f"/api/v1/programs/{pid}/coaching/proposal", headers=h)
    assert r.status_code == 200
    plan = r.get_json()["slots"]
    assert len(plan) == 5
    times = starts(plan)
    assert all(b - a >= timedelta(days=7) for a, b in zip(times, times[1:], strict=False))
    assert {t.astimezone(TZ).weekday() for t in times} == {3}
    assert times[-1] - times[0] >= timedelta(weeks=7)  # spread, not bunched

    # Accept some of it: two bookings; the rest stays open.
    r = client.post(
        f"/api/v1/programs/{pid}/coaching/proposal/accept",
        json={"slot_ids": [plan[0]["id"], plan[1]["id"]]},
        headers=h,
    )
    assert r.status_code == 200
    body = r.get_json()
    assert len(body["booked"]) == 2 and body["failed"] == []
    me = client.get(f"/api/v1/programs/{pid}/coaching/me", headers=h).get_json()
    assert me["used"] == 2
    # The next proposal covers the three remaining sessions.
    assert (
        len(client.post(f"/api/v1/programs/{pid}/coaching/proposal", headers=h).get_json()["slots"])
        == 3
    )


def test_accept_reports_slots_that_went_meanwhile(client, world, weekly_slots, book):
    pid = world.program.id
    plan = client.post(
        f"/api/v1/programs/{pid}/coaching/proposal", headers=world.headers[world.alice.id]
    ).get_json()["slots"]
    book(plan[0]["id"], world.bob)
    r = client.post(
        f"/api/v1/programs/{pid}/coaching/proposal/accept",
        json={"slot_ids": [plan[0]["id"], plan[1]["id"]]},
        headers=world.headers[world.alice.id],
    )
    body = r.get_json()
    assert [f["code"] for f in body["failed"]] == ["slot_taken"] and len(body["booked"]) == 1


def test_facilitator_batch_plan_books_nothing(client, world, weekly_slots, db, make_member):
    from training.coaching.models import Booking

    # Mid-program with nobody booked: everyone is behind schedule.
    today = datetime.now(TZ).date()
    world.program.starts_on = today - timedelta(weeks=6)
    db.session.commit()
    pid = world.program.id
    assert (
        client.post(
            f"/api/v1/programs/{pid}/coaching/batch-proposal", headers=world.headers[world.alice.id]
        ).status_code
        == 403
    )
    r = client.post(
        f"/api/v1/programs/{pid}/coaching/batch-proposal",
        headers=world.headers[world.facilitator.id],
    )
    assert r.status_code == 200
    plan = {p["participant_id"]: p["slots"] for p in r.get_json()["plan"]}
    assert set(plan) == {world.alice.id, world.bob.id}
    ids = [s["id"] for slots in plan.values() for s in slots]
    assert len(ids) == len(set(ids)) and len(plan[world.alice.id]) == 5
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 0
    # The facilitator then books part of the plan on Bob's behalf.
    r = client.post(
        f"/api/v1/programs/{pid}/coaching/proposal/accept",
        json={
            "slot_ids": [s["id"] for s in plan[world.bob.id][:2]],
            "participant_id": world.bob.id,
        },
        headers=world.headers[world.facilitator.id],
    )
    assert len(r.get_json()["booked"]) == 2


def test_facilitator_page_shows_plan_then_books_ticked(app, login, world, weekly_slots, db):
    import re

    from training.coaching.models import Booking

    today = datetime.now(TZ).date()
    world.program.starts_on = today - timedelta(weeks=6)
    db.session.commit()
    pid, bob_id = world.program.id, world.bob.id
    c = login(app.test_client(), world.facilitator)
    html = c.get(f"/programs/{pid}/coaching?plan=1").get_data(as_text=True)
    picks = re.findall(r'name="pick" value="(\d+:\d+)"', html)
    assert len(picks) == 10 and "Alice" in html and "Bob" in html
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 0  # shown, not booked
    bob_picks = [p for p in picks if p.startswith(f"{bob_id}:")][:2]
    r = c.post(
        f"/programs/{pid}/coaching/plan/accept", data={"pick": bob_picks}, follow_redirects=True
    )
    assert "2 sessions booked." in r.get_data(as_text=True)
    rows = db.session.scalars(db.select(Booking)).all()
    assert [(b.participant_id, b.booked_by_id != b.participant_id) for b in rows] == [
        (bob_id, True),
        (bob_id, True),
    ]
    # Participants cannot use it.
    p = login(app.test_client(), world.alice)
    assert (
        p.post(f"/programs/{pid}/coaching/plan/accept", data={"pick": picks[:1]}).status_code == 403
    )
