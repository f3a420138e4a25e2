"""Coaching jobs: invites after each booking change, the reminder 24 h before a booking."""

from __future__ import annotations

from workers.context import app_context


@app_context
def send_booking_reminder(booking_id: int, sequence: int) -> int:
    """Queue the reminder e-mails if the booking is still booked as it was when scheduled
    (a reschedule bumps the sequence and schedules its own reminder). Safe to run twice."""
    from training.coaching import rules as r
    from training.coaching.invites import send_reminder_mails
    from training.coaching.models import Booking
    from training.extensions import db

    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.status != r.BOOKED or booking.sequence != sequence:
        return 0
    sent = send_reminder_mails(booking)
    db.session.commit()
    return sent


@app_context
def send_booking_mails(
    booking_id: int,
    sequence: int,
    change: str,
    previous_expert_id: int | None = None,
    alternative_slot_ids: list[int] | None = None,
) -> bool:
    """Invites for one version of a booking. A newer version supersedes this one (its own job
    sends the current state), so a stale job does nothing. Safe to run twice (dedupe keys)."""
    from training.coaching.invites import send_booking_invites
    from training.coaching.models import Booking, CoachingSlot
    from training.extensions import db

    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.sequence != sequence:
        return False
    alternatives = [
        slot
        for slot in (db.session.get(CoachingSlot, i) for i in alternative_slot_ids or [])
        if slot is not None
    ]
    send_booking_invites(
        booking, change, previous_expert_id=previous_expert_id, alternatives=alternatives
    )
    db.session.commit()
    return True
