"""Glue between the database and the pure proposer: who needs what, which slots are free."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from training.accounts.models import User
from training.coaching import rules as r
from training.coaching.models import Booking, CoachingSlot, WeeklyUnavailability
from training.coaching.operations import participant_bookings, rules_for
from training.coaching.proposer import (
    OpenSlot,
    ParticipantNeed,
    WeeklyBlock,
    propose_batch,
    propose_sessions,
)
from training.coaching.queries import open_slots, overview_rows
from training.db import utcnow
from training.extensions import db
from training.programs.models import Program


def weekly_blocks(program_id: int, user_id: int) -> list[WeeklyBlock]:
    rows = db.session.scalars(
        db.select(WeeklyUnavailability)
        .where(
            WeeklyUnavailability.program_id == program_id, WeeklyUnavailability.user_id == user_id
        )
        .order_by(WeeklyUnavailability.weekday, WeeklyUnavailability.start_time)
    )
    return [WeeklyBlock(u.weekday, u.start_time, u.end_time) for u in rows]


def set_weekly_blocks(program_id: int, user_id: int, blocks: list[WeeklyBlock]) -> None:
    db.session.execute(
        db.delete(WeeklyUnavailability).where(
            WeeklyUnavailability.program_id == program_id, WeeklyUnavailability.user_id == user_id
        )
    )
    db.session.add_all(
        WeeklyUnavailability(
            program_id=program_id,
            user_id=user_id,
            weekday=b.weekday,
            start_time=b.start,
            end_time=b.end,
        )
        for b in blocks
    )
    db.session.flush()


def need_for(program: Program, user: User) -> ParticipantNeed:
    rules = rules_for(program)
    mine = participant_bookings(program.id, user.id)
    used = r.used_sessions((b.status for b in mine), rules)
    active = [b for b in mine if b.active]
    latest = max(active, key=lambda b: b.slot.starts_at, default=None)
    return ParticipantNeed(
        participant_id=user.id,
        remaining=max(0, rules.quota - used),
        booked_starts=[b.slot.starts_at for b in active],
        unavailable=weekly_blocks(program.id, user.id),
        preferred_expert_id=latest.slot.expert_id if latest else None,
        timezone=user.timezone or program.timezone,
    )


def _candidates(program: Program, user_id: int | None, now: datetime) -> list[OpenSlot]:
    rules = rules_for(program)
    earliest = now + rules.min_notice
    return [
        OpenSlot(s.id, s.expert_id, s.starts_at, s.ends_at)
        for s in open_slots(program.id, for_user_id=user_id, now=now)
        if s.starts_at >= earliest
    ]


def propose_for(program: Program, user: User, now: datetime | None = None) -> list[OpenSlot]:
    now = now or utcnow()
    rules = rules_for(program)
    return propose_sessions(
        need_for(program, user),
        _candidates(program, user.id, now),
        now=now + rules.min_notice,
        until=rules.program_end(),
    )


def propose_for_behind(program: Program, now: datetime | None = None) -> dict[int, list[OpenSlot]]:
    """The facilitator's plan for every participant behind schedule (nothing is booked)."""
    now = now or utcnow()
    rules = rules_for(program)
    behind = [row["participant_id"] for row in overview_rows(program) if row["behind"]]
    needs = [need_for(program, db.session.get(User, pid)) for pid in behind]
    load = Counter(
        db.session.scalars(
            db.select(CoachingSlot.expert_id)
            .join(Booking, Booking.slot_id == CoachingSlot.id)
            .where(Booking.program_id == program.id, Booking.status.in_(r.ACTIVE_STATUSES))
        )
    )
    return propose_batch(
        needs,
        _candidates(program, None, now),
        now=now + rules.min_notice,
        until=rules.program_end(),
        expert_load=dict(load),
    )
