"""Read side of coaching: listings and the JSON shapes the API and pages share.

Nothing here returns note text except ``booking_dict`` for the people a note is meant for (see
notes.visible_notes). The facilitator's overview carries counts and dates only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from training.accounts.models import Company, User
from training.coaching import rules as r
from training.coaching.models import Booking, CoachingSlot
from training.coaching.notes import visible_notes
from training.coaching.operations import rules_for
from training.db import utcnow
from training.extensions import db
from training.programs.models import Membership, Program
from training.programs.roles import PARTICIPANT
from training.timeutil import isoformat, to_local, zone


def _active_slot_ids():
    return db.select(Booking.slot_id).where(Booking.status.in_(r.ACTIVE_STATUSES))


def open_slots(
    program_id: int,
    *,
    for_user_id: int | None = None,
    now: datetime | None = None,
    expert_id: int | None = None,
) -> list[CoachingSlot]:
    """Future open slots nobody booked, minus those held for someone else."""
    now = now or utcnow()
    stmt = (
        db.select(CoachingSlot)
        .where(
            CoachingSlot.program_id == program_id,
            CoachingSlot.status == "open",
            CoachingSlot.starts_at > now,
            CoachingSlot.id.not_in(_active_slot_ids()),
        )
        .order_by(CoachingSlot.starts_at, CoachingSlot.id)
        .options(joinedload(CoachingSlot.expert))
    )
    if expert_id is not None:
        stmt = stmt.where(CoachingSlot.expert_id == expert_id)
    return [s for s in db.session.scalars(stmt) if not s.held_for_other(for_user_id or 0, now)]


def bookable_slots(
    program: Program, user_id: int, now: datetime | None = None
) -> list[CoachingSlot]:
    """The open slots ``user_id`` could book now: past the minimum notice, inside the
    program's dates (what the pages offer)."""
    now = now or utcnow()
    rules = rules_for(program)
    return [
        s
        for s in open_slots(program.id, for_user_id=user_id, now=now)
        if r.timing_allows(rules, s.starts_at, s.ends_at, now)
    ]


def open_slot_dicts(
    program_id: int,
    viewer_id: int,
    tz: str,
    *,
    now: datetime | None = None,
    expert_id: int | None = None,
) -> list[dict]:
    """``slot_dict`` of every slot ``open_slots`` returns, from one query of plain columns.

    The open-slot listing is what every participant's page and client polls, so it builds no
    ORM objects: same rows, same JSON, a fraction of the cost.
    """
    now = now or utcnow()
    local = zone(tz)
    taken = sa.exists().where(
        Booking.slot_id == CoachingSlot.id, Booking.status.in_(r.ACTIVE_STATUSES)
    )
    stmt = (
        db.select(
            CoachingSlot.id,
            CoachingSlot.starts_at,
            CoachingSlot.ends_at,
            CoachingSlot.expert_id,
            User.name,
            CoachingSlot.hold_user_id,
            CoachingSlot.hold_until,
        )
        .join(User, User.id == CoachingSlot.expert_id)
        .where(
            CoachingSlot.program_id == program_id,
            CoachingSlot.status == "open",
            CoachingSlot.starts_at > now,
            ~taken,
            sa.or_(  # not held for someone else (CoachingSlot.held_for_other)
                CoachingSlot.hold_user_id.is_(None),
                CoachingSlot.hold_user_id == viewer_id,
                CoachingSlot.hold_until.is_(None),
                CoachingSlot.hold_until <= now,
            ),
        )
        .order_by(CoachingSlot.starts_at, CoachingSlot.id)
    )
    if expert_id is not None:
        stmt = stmt.where(CoachingSlot.expert_id == expert_id)
    return [
        {
            "id": slot_id,
            "starts_at": starts.astimezone(local).isoformat(),
            "ends_at": ends.astimezone(local).isoformat(),
            "expert_id": expert,
            "expert_name": name,
            "status": "open",
            "held_for_you": bool(hold_user == viewer_id and hold_until and hold_until > now),
        }
        for slot_id, starts, ends, expert, name, hold_user, hold_until in db.session.execute(stmt)
    ]


def slot_states(program_id: int, viewer_id: int, now: datetime | None = None):
    """(slot, state) for every slot of the program; state is open, held, booked or withdrawn."""
    now = now or utcnow()
    booked = set(db.session.scalars(_active_slot_ids().where(Booking.program_id == program_id)))
    slots = db.session.scalars(
        db.select(CoachingSlot)
        .where(CoachingSlot.program_id == program_id)
        .order_by(CoachingSlot.starts_at, CoachingSlot.id)
        .options(joinedload(CoachingSlot.expert))
    )
    for slot in slots:
        if slot.status == "withdrawn":
            state = "withdrawn"
        elif slot.id in booked:
            state = "booked"
        elif slot.held_for_other(viewer_id, now):
            state = "held"
        else:
            state = "open"
        yield slot, state


def slot_dict(
    slot: CoachingSlot, tz: str, state: str = "open", viewer_id: int = 0, now=None
) -> dict:
    now = now or utcnow()
    return {
        "id": slot.id,
        "starts_at": isoformat(slot.starts_at, tz),
        "ends_at": isoformat(slot.ends_at, tz),
        "expert_id": slot.expert_id,
        "expert_name": slot.expert.name,
        "status": state,
        "held_for_you": bool(
            slot.hold_user_id == viewer_id and slot.hold_until and slot.hold_until > now
        ),
    }


def booking_dict(booking: Booking, tz: str, viewer_id: int) -> dict:
    slot = booking.slot
    return {
        "id": booking.id,
        "slot_id": slot.id,
        "program_id": booking.program_id,
        "participant_id": booking.participant_id,
        "participant_name": booking.participant.name,
        "expert_id": slot.expert_id,
        "expert_name": slot.expert.name,
        "starts_at": isoformat(slot.starts_at, tz),
        "ends_at": isoformat(slot.ends_at, tz),
        "status": booking.status,
        "sequence": booking.sequence,
        "notes": [
            {"id": n.id, "kind": n.kind, "body": n.body, "created_at": isoformat(n.created_at, tz)}
            for n in visible_notes(booking, viewer_id)
        ],
    }


def usage(program: Program, participant_id: int) -> dict:
    rules = rules_for(program)
    bookings = list(
        db.session.scalars(
            db.select(Booking)
            .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
            .where(Booking.program_id == program.id, Booking.participant_id == participant_id)
            .order_by(CoachingSlot.starts_at)
        )
    )
    used = r.used_sessions((b.status for b in bookings), rules)
    return {
        "quota": rules.quota,
        "used": used,
        "remaining": max(0, rules.quota - used),
        "bookings": bookings,
    }


def expert_bookings(program_id: int, expert_id: int) -> list[Booking]:
    return list(
        db.session.scalars(
            db.select(Booking)
            .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
            .where(Booking.program_id == program_id, CoachingSlot.expert_id == expert_id)
            .order_by(CoachingSlot.starts_at)
        )
    )


def overview_rows(
    program: Program, today: date | None = None, now: datetime | None = None
) -> list[dict]:
    """One row per participant for the facilitator: counts and dates, never note text.

    "Behind schedule" compares with the program's own calendar day (not UTC's: from 19:00 or
    20:00 in Toronto, UTC is already tomorrow)."""
    now = now or utcnow()
    today = today or to_local(now, program.timezone).date()
    rules = rules_for(program)
    members = db.session.execute(
        db.select(Membership, User, Company)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Company, Company.id == Membership.company_id)
        .where(Membership.program_id == program.id, Membership.role == PARTICIPANT)
        .order_by(User.name)
    ).all()
    by_participant: dict[int, list[tuple[Booking, CoachingSlot]]] = defaultdict(list)
    for booking, slot in db.session.execute(
        db.select(Booking, CoachingSlot)
        .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
        .where(Booking.program_id == program.id)
    ):
        by_participant[booking.participant_id].append((booking, slot))
    rows = []
    for _membership, user, company in members:
        mine = by_participant.get(user.id, [])
        used = r.used_sessions((b.status for b, _ in mine), rules)
        upcoming = sorted(
            s.starts_at for b, s in mine if b.status == r.BOOKED and s.starts_at > now
        )
        past = sorted(s.starts_at for b, s in mine if b.active and s.starts_at <= now)
        rows.append(
            {
                "participant_id": user.id,
                "name": user.name,
                "company": company.name if company else None,
                "used": used,
                "remaining": max(0, rules.quota - used),
                "attended": sum(1 for b, _ in mine if b.status == r.ATTENDED),
                "no_show": sum(1 for b, _ in mine if b.status == r.NO_SHOW),
                "late_cancelled": sum(1 for b, _ in mine if b.status == r.LATE_CANCELLED),
                "next_session": upcoming[0] if upcoming else None,
                "last_session": past[-1] if past else None,
                "behind": r.is_behind_schedule(rules, used, today),
                # None: the program has no dates, so there is no pace to be behind
                "expected": (
                    r.expected_used_by(rules, today) if rules.starts_on and rules.ends_on else None
                ),
            }
        )
    return rows


def company_usage(rows: list[dict], quota: int) -> list[dict]:
    """Coaching use per company, from overview rows: used / total quota of its participants."""
    totals: dict[str, dict] = {}
    for row in rows:
        key = row["company"] or "—"
        entry = totals.setdefault(key, {"company": key, "used": 0, "quota": 0, "participants": 0})
        entry["used"] += row["used"]
        entry["quota"] += quota
        entry["participants"] += 1
    return sorted(totals.values(), key=lambda e: (-e["used"], e["company"]))
