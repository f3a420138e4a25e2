"""Coaching jobs: invites after each booking change, the reminder 24 h before a booking."""

from __future__ import annotations

from rq import Retry

from workers.jobs import job


@job(
    queue="default",
    timeout=60,
    id=lambda booking_id, sequence: ("coaching-reminder", booking_id, sequence),
)
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


@job(
    queue="default",
    timeout=120,
    retry=Retry(max=3, interval=[10, 60, 300]),
    failure_ttl=7 * 24 * 3600,
    id=lambda booking_id, sequence, *_: ("coaching-mails", booking_id, sequence),
)
def send_booking_mails(
    booking_id: int,
    sequence: int,
    change: str,
    previous_expert_id: int | None = None,
    alternative_slot_ids: list[int] | None = None,
    previous_slot_id: int | None = None,
) -> bool:
    """Invites and the 24 h reminder for one version of a booking. A newer version supersedes
    this one (its own job sends the current state), so a stale job does nothing. Safe to run
    twice (dedupe keys; the reminder's job id is per version). ``previous_expert_id`` is what
    jobs queued by an older Copa carried in that place; it is ignored."""
    from training.coaching.invites import schedule_reminder, send_booking_invites
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
    previous_slot = db.session.get(CoachingSlot, previous_slot_id) if previous_slot_id else None
    send_booking_invites(booking, change, previous_slot=previous_slot, alternatives=alternatives)
    if booking.active:
        schedule_reminder(booking)  # enqueued when this job commits
    db.session.commit()
    return True


@job(queue="default", timeout=300, every=300)
def sweep_booking_mail(max_age_days: int = 7) -> int:
    """Periodic sweep: redo what a lost job would have done (Redis down at commit, restart).

    For each booking changed in the last days whose current version has no invite in the
    outbox and no live invite job, enqueue its invite job again; for each upcoming booking
    whose reminder job is not alive, schedule it again. Both jobs are idempotent, so a sweep
    that races them is harmless.
    """
    from datetime import timedelta

    from training.coaching import rules as r
    from training.coaching.invites import _google_sends_invites, invites_written, schedule_reminder
    from training.coaching.models import Booking, CoachingSlot
    from training.db import utcnow
    from training.extensions import db

    now = utcnow()
    recent = db.session.scalars(
        db.select(Booking).where(
            Booking.updated_at >= now - timedelta(days=max_age_days),
            Booking.updated_at <= now - timedelta(minutes=2),
        )
    ).all()
    redone = 0
    for booking in recent:
        if _google_sends_invites(booking.program) or invites_written(booking):
            continue
        if send_booking_mails.alive(booking.id, booking.sequence):
            continue
        change = "booked" if booking.active else "cancelled"
        send_booking_mails.later(booking.id, booking.sequence, change)
        redone += 1
    upcoming = db.session.scalars(
        db.select(Booking)
        .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
        .where(Booking.status == r.BOOKED, CoachingSlot.starts_at > now + timedelta(hours=24))
    ).all()
    for booking in upcoming:
        if not send_booking_reminder.alive(booking.id, booking.sequence):
            schedule_reminder(booking)
            redone += 1
    db.session.commit()  # the jobs are enqueued when this commits
    return redone
