"""Coaching jobs: the reminder 24 h before a booking."""

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
