"""Coaching bookings in personal calendar feeds (the calendar feature's feed-source registry).

Both the participant and the expert see each booking; cancelled ones stay 30 days as
STATUS:CANCELLED so subscribed calendars remove them.
"""

from __future__ import annotations

from training.coaching.invites import FEED_RETENTION, feed_events_for
from training.coaching.models import Booking, CoachingSlot
from training.db import utcnow
from training.extensions import db


def coaching_fingerprint(user_id: int) -> str:
    """Changes whenever the user's coaching events would (ETag without building events)."""
    since = utcnow() - FEED_RETENTION
    count, last_change, last_id = db.session.execute(
        db.select(
            db.func.count(Booking.id), db.func.max(Booking.updated_at), db.func.max(Booking.id)
        )
        .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
        .where(
            (Booking.participant_id == user_id) | (CoachingSlot.expert_id == user_id),
            CoachingSlot.ends_at >= since,
        )
    ).one()
    return f"coaching:{count}:{last_change}:{last_id}"


def register() -> None:
    from training.calendar import register_feed_source

    register_feed_source("coaching", feed_events_for, fingerprint=coaching_fingerprint)
