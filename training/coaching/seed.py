"""Demo data: the expert's weekly availability for the whole program, some sessions held and
some booked, so every coaching page has something to show (no e-mails are queued)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from training.coaching import rules as r
from training.coaching.models import Booking, CoachingNote, CoachingSlot
from training.coaching.slotgen import generate_slots
from training.coaching.weekly import first_on_or_after
from training.db import utcnow
from training.extensions import db
from training.programs.models import Membership
from training.timeutil import zone


def seed_coaching(program, result) -> None:
    experts = list(
        db.session.scalars(
            db.select(Membership.user_id).where(
                Membership.program_id == program.id, Membership.role == "expert"
            )
        )
    )
    participants = list(
        db.session.scalars(
            db.select(Membership.user_id)
            .where(Membership.program_id == program.id, Membership.role == "participant")
            .order_by(Membership.id)
        )
    )
    if not experts or not participants:
        return
    expert = experts[0]
    tz = zone(program.timezone)
    now = utcnow()
    start_day = program.starts_on or now.astimezone(tz).date()
    until = program.ends_on or start_day + timedelta(weeks=20)
    slots: list[CoachingSlot] = []
    for weekday in (1, 3):  # Tuesday and Thursday mornings, 09:00-12:00
        first = first_on_or_after(start_day, weekday)
        for i in generate_slots(
            datetime.combine(first, time(9)),
            datetime.combine(first, time(12)),
            program.timezone,
            repeat_until=until,
            window_dates=(program.starts_on, program.ends_on),
        ):
            slots.append(
                CoachingSlot(
                    program_id=program.id,
                    expert_id=expert,
                    starts_at=i.starts_at,
                    ends_at=i.ends_at,
                    created_at=now,
                )
            )
    db.session.add_all(slots)
    db.session.flush()
    slots.sort(key=lambda s: s.starts_at)
    past = [s for s in slots if s.ends_at <= now]
    future = [s for s in slots if s.starts_at > now + timedelta(days=2)]
    past = past[: max(1, len(participants) * 3 // 10)]  # about 30 % have had a session
    for slot, participant in zip(past, participants, strict=False):
        booking = Booking(
            program_id=program.id,
            slot_id=slot.id,
            participant_id=participant,
            booked_by_id=participant,
            status=r.ATTENDED,
            created_at=slot.starts_at - timedelta(days=5),
            updated_at=slot.ends_at,
        )
        db.session.add(booking)
        db.session.flush()
        db.session.add(
            CoachingNote(
                booking_id=booking.id,
                author_id=participant,
                kind="preparation",
                body="Revoir notre grille salariale.",
            )
        )
    for slot, participant in zip(
        future[::3], participants[len(past) : len(past) + 8], strict=False
    ):
        db.session.add(
            Booking(
                program_id=program.id,
                slot_id=slot.id,
                participant_id=participant,
                booked_by_id=participant,
                status=r.BOOKED,
                created_at=now,
                updated_at=now,
            )
        )
    db.session.flush()
