"""The demo's coaching data: availability over the program, held and booked sessions."""

from __future__ import annotations

from datetime import timedelta

from training.coaching.models import Booking, CoachingSlot
from training.coaching.seed import seed_coaching
from training.db import utcnow


def test_seed_gives_every_coaching_page_something(world, db, client):
    today = utcnow().date()
    world.program.starts_on = today - timedelta(days=14)
    world.program.ends_on = today + timedelta(days=60)
    db.session.commit()
    seed_coaching(world.program, None)
    db.session.commit()
    slots = db.session.scalars(db.select(CoachingSlot)).all()
    assert len(slots) > 40 and {s.expert_id for s in slots} == {world.expert.id}
    statuses = sorted(b.status for b in db.session.scalars(db.select(Booking)))
    assert "attended" in statuses and "booked" in statuses
    r = client.get(
        f"/api/v1/programs/{world.program.id}/slots?status=open",
        headers=world.headers[world.bob.id],
    )
    assert len(r.get_json()["slots"]) > 10
