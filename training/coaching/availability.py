"""Expert availability: publish windows as slots, withdraw slots, cancel a booked slot.

Flush, never commit. Publishing locks the expert (their user row, PostgreSQL) or takes the
SQLite write lock, so two windows published at once cannot overlap.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from training.accounts.models import User
from training.coaching import lifecycle, weekly
from training.coaching import rules as r
from training.coaching.models import Booking, CoachingSlot
from training.coaching.operations import (
    _after_change,
    active_booking_for_slot,
    lock_booking,
    rules_for,
)
from training.coaching.slotgen import AvailabilityError, Interval, find_overlaps, generate_slots
from training.coaching.weekly import WeekPlan
from training.db import begin_immediate, for_update, utcnow
from training.extensions import db
from training.programs.models import Membership, Program
from training.programs.roles import EXPERT

HOLD_FOR = timedelta(hours=48)
ALTERNATIVES = 3


def publish_availability(
    program: Program,
    expert_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    slot_minutes: int = 60,
    buffer_minutes: int = 0,
    repeat_until: date | None = None,
    tz_name: str | None = None,
) -> list[CoachingSlot]:
    """Create the window's slots (see slotgen.generate_slots). Raises AvailabilityError with
    code ``overlap`` when a slot would overlap one of the expert's slots (any program).

    ``tz_name`` is the zone whose wall clock the window (and its weekly repeat) follows: the
    program's by default (the API), the expert's own on the page where they typed it."""
    _lock_expert(program, expert_id)
    intervals = generate_slots(
        starts_at,
        ends_at,
        tz_name or program.timezone,
        slot_minutes=slot_minutes,
        buffer_minutes=buffer_minutes,
        repeat_until=repeat_until,
        window_dates=(program.starts_on, program.ends_on),
    )
    if not intervals:
        raise AvailabilityError("no_slots", _("This availability produces no slot."))
    return _create(program, expert_id, intervals)


def publish_week(
    program: Program, expert_id: int, plan: WeekPlan, tz_name: str
) -> list[CoachingSlot]:
    """Publish a weekly plan (see weekly.plan_slots) in one transaction: all its slots or none.
    Raises AvailabilityError ``overlap`` when one clashes with the expert's."""
    _lock_expert(program, expert_id)
    intervals = weekly.plan_slots(plan, tz_name, window_dates=(program.starts_on, program.ends_on))
    return _create(program, expert_id, intervals)


def preview_week(
    program: Program, expert_id: int, plan: WeekPlan, tz_name: str
) -> list[tuple[Interval, bool]]:
    """The slots a weekly plan would create, each with whether it clashes with one of the
    expert's open slots (any program). Writes nothing."""
    intervals = weekly.plan_slots(plan, tz_name, window_dates=(program.starts_on, program.ends_on))
    clashing = {new for new, _other in find_overlaps(intervals, _existing(expert_id, intervals))}
    return [(i, i in clashing) for i in intervals]


def _lock_expert(program: Program, expert_id: int) -> None:
    begin_immediate()
    expert = db.session.scalar(
        for_update(
            db.select(Membership).where(
                Membership.program_id == program.id,
                Membership.user_id == expert_id,
                Membership.role == EXPERT,
            )
        )
    )
    if expert is None:
        raise AvailabilityError("not_an_expert", _("This person is not an expert of the program."))
    # The overlap check spans the expert's slots in every program: lock the expert (the user
    # row), not only this program's membership, so two programs cannot publish at once.
    db.session.execute(for_update(db.select(User.id).where(User.id == expert_id)))


def _existing(expert_id: int, intervals: list[Interval]) -> list[Interval]:
    return [
        Interval(s.starts_at, s.ends_at)
        for s in db.session.scalars(
            db.select(CoachingSlot).where(
                CoachingSlot.expert_id == expert_id,
                CoachingSlot.status == "open",
                CoachingSlot.ends_at > intervals[0].starts_at,
                CoachingSlot.starts_at < intervals[-1].ends_at,
            )
        )
    ]


def _create(program: Program, expert_id: int, intervals: list[Interval]) -> list[CoachingSlot]:
    """Insert the slots, under the expert's lock, unless one overlaps theirs."""
    if find_overlaps(intervals, _existing(expert_id, intervals)):
        raise AvailabilityError("overlap", _("This availability overlaps existing slots."))
    now = utcnow()
    slots = [
        CoachingSlot(
            program_id=program.id,
            expert_id=expert_id,
            starts_at=i.starts_at,
            ends_at=i.ends_at,
            status="open",
            created_at=now,
        )
        for i in intervals
    ]
    db.session.add_all(slots)
    db.session.flush()
    return slots


def withdraw_slot(
    slot: CoachingSlot, *, actor_id: int, now: datetime | None = None
) -> Booking | None:
    """Withdraw a slot. When it was booked, the booking is cancelled by the expert: quota
    restored, CANCEL sent, and the expert's next three open slots held 48 h for the participant
    and proposed by e-mail. Returns the cancelled booking, if any."""
    now = now or utcnow()
    begin_immediate()
    # Slot first, then its booking: a booking racing this withdrawal holds the slot lock, so
    # we see its booking once it commits (and cancel it) rather than strand it on a dead slot.
    slot = db.session.scalar(
        for_update(db.select(CoachingSlot).where(CoachingSlot.id == slot.id)),
        execution_options={"populate_existing": True},
    )
    booking = active_booking_for_slot(slot.id)
    if booking is not None:
        lock_booking(booking)
        if booking.status != r.BOOKED:
            raise r.RuleViolation(
                "session_held", _("This session took place; it cannot be withdrawn."), 409
            )
    slot.status = "withdrawn"
    slot.hold_user_id, slot.hold_until = None, None
    if booking is None:
        db.session.flush()
        return None
    lifecycle.cancel(booking, r.EXPERT_CANCELLED, now)
    db.session.flush()
    held = hold_alternatives(booking, now=now)
    _after_change(booking, "expert_cancelled", alternatives=held)
    return booking


def hold_alternatives(booking: Booking, *, now: datetime) -> list[CoachingSlot]:
    """Hold the expert's next open, unbooked, unheld slots for the booking's participant."""
    program = db.session.get(Program, booking.program_id)
    rules = rules_for(program)
    earliest = now + rules.min_notice
    active = db.select(Booking.slot_id).where(Booking.status.in_(r.ACTIVE_STATUSES))
    stmt = (
        db.select(CoachingSlot)
        .where(
            CoachingSlot.program_id == booking.program_id,
            CoachingSlot.expert_id == booking.slot.expert_id,
            CoachingSlot.status == "open",
            CoachingSlot.starts_at >= earliest,
            CoachingSlot.id.not_in(active),
            (CoachingSlot.hold_until.is_(None)) | (CoachingSlot.hold_until <= now),
        )
        .order_by(CoachingSlot.starts_at)
        .limit(ALTERNATIVES)
    )
    end = rules.program_end()
    if end is not None:
        stmt = stmt.where(CoachingSlot.ends_at <= end)
    slots = list(db.session.scalars(for_update(stmt)))
    for slot in slots:
        slot.hold_user_id = booking.participant_id
        slot.hold_until = now + HOLD_FOR
    db.session.flush()
    return slots
