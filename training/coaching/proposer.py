""" "Propose my sessions": spread remaining coaching across the rest of the program (pure).

``propose_sessions`` plans one participant: slots at least ``min_gap`` apart (and apart from
sessions already booked), spread evenly between now and the program's end, never during a weekly
time the participant can't make, preferring one expert. ``propose_batch`` plans everyone behind
schedule at once: a slot goes to one participant only, each participant keeps their expert when
that expert can take them, and newcomers go to the least-loaded expert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)
# How much closer to its target another expert's slot must be to win over the preferred expert.
EXPERT_SWITCH_PENALTY = timedelta(days=4)


@dataclass(frozen=True)
class OpenSlot:
    id: int
    expert_id: int
    starts_at: datetime  # aware UTC
    ends_at: datetime


@dataclass(frozen=True)
class WeeklyBlock:
    """A weekly time the participant can't make, in their own zone (weekday: 0 = Monday)."""

    weekday: int
    start: time
    end: time


@dataclass
class ParticipantNeed:
    participant_id: int
    remaining: int
    booked_starts: list[datetime] = field(default_factory=list)
    unavailable: list[WeeklyBlock] = field(default_factory=list)
    preferred_expert_id: int | None = None
    timezone: str = "America/Toronto"


def is_blocked(slot: OpenSlot, blocks: Iterable[WeeklyBlock], tz_name: str) -> bool:
    """True when the slot overlaps any weekly block (checked in the participant's zone)."""
    blocks = list(blocks)
    if not blocks:
        return False
    tz = ZoneInfo(tz_name)
    start = slot.starts_at.astimezone(tz).replace(tzinfo=None)
    end = slot.ends_at.astimezone(tz).replace(tzinfo=None)
    day_start = datetime.combine(start.date(), time(0))
    while day_start < end:
        for b in blocks:
            if b.weekday != day_start.weekday():
                continue
            b_start = datetime.combine(day_start.date(), b.start)
            b_end = (
                datetime.combine(day_start.date(), b.end)
                if b.end > b.start
                else (day_start + timedelta(days=1))
            )
            if start < b_end and b_start < end:
                return True
        day_start += timedelta(days=1)
    return False


def _fits(start: datetime, taken: Iterable[datetime], gap: timedelta) -> bool:
    return all(abs(start - t) >= gap for t in taken)


def eligible_slots(
    need: ParticipantNeed,
    slots: Iterable[OpenSlot],
    *,
    now: datetime,
    until: datetime | None,
    min_gap: timedelta = WEEK,
) -> list[OpenSlot]:
    return sorted(
        (
            s
            for s in slots
            if s.starts_at >= now
            and (until is None or s.ends_at <= until)
            and _fits(s.starts_at, need.booked_starts, min_gap)
            and not is_blocked(s, need.unavailable, need.timezone)
        ),
        key=lambda s: (s.starts_at, s.expert_id, s.id),
    )


def _spread(cands, count, start, end, taken, gap, preferred):
    """Greedy: for evenly spaced targets, the closest compatible slot (preferred expert wins)."""
    chosen: list[OpenSlot] = []
    span = (end - start) / count
    for i in range(count):
        target = start + span * (i + 0.5)
        best, best_score = None, None
        for s in cands:
            if s in chosen or not _fits(s.starts_at, taken + [c.starts_at for c in chosen], gap):
                continue
            score = abs(s.starts_at - target)
            if preferred is not None and s.expert_id != preferred:
                score += EXPERT_SWITCH_PENALTY
            if best_score is None or score < best_score:
                best, best_score = s, score
        if best is not None:
            chosen.append(best)
    return chosen


def _pack(cands, count, taken, gap, preferred):
    """Earliest-first packing: the most sessions that fit (used when spreading falls short)."""
    chosen: list[OpenSlot] = []
    ordered = sorted(cands, key=lambda s: (s.starts_at, s.expert_id != preferred, s.id))
    for s in ordered:
        if len(chosen) == count:
            break
        if _fits(s.starts_at, taken + [c.starts_at for c in chosen], gap):
            chosen.append(s)
    return chosen


def propose_sessions(
    need: ParticipantNeed,
    slots: Sequence[OpenSlot],
    *,
    now: datetime,
    until: datetime | None,
    min_gap: timedelta = WEEK,
) -> list[OpenSlot]:
    """Up to ``need.remaining`` slots, in time order (fewer when no more fit)."""
    if need.remaining <= 0:
        return []
    cands = eligible_slots(need, slots, now=now, until=until, min_gap=min_gap)
    if not cands:
        return []
    end = until or max(s.ends_at for s in cands)
    start = max(now, cands[0].starts_at)
    taken = list(need.booked_starts)
    plan = _spread(cands, need.remaining, start, end, taken, min_gap, need.preferred_expert_id)
    if len(plan) < need.remaining:
        packed = _pack(cands, need.remaining, taken, min_gap, need.preferred_expert_id)
        if len(packed) > len(plan):
            plan = packed
    return sorted(plan, key=lambda s: s.starts_at)


def propose_batch(
    needs: Sequence[ParticipantNeed],
    slots: Sequence[OpenSlot],
    *,
    now: datetime,
    until: datetime | None,
    min_gap: timedelta = WEEK,
    expert_load: dict[int, int] | None = None,
) -> dict[int, list[OpenSlot]]:
    """Plan every need; a slot is proposed to one participant only.

    ``expert_load`` counts each expert's existing active bookings. Participants with an expert
    are planned first (they stay with that expert when it can take all their sessions); then the
    others, most sessions remaining first, each with the least-loaded expert that can take them.
    """
    load = dict(expert_load or {})
    for s in slots:
        load.setdefault(s.expert_id, 0)
    free = list(slots)
    plans: dict[int, list[OpenSlot]] = {}
    ordered = sorted(
        needs,
        key=lambda n: (n.preferred_expert_id is None, -n.remaining, n.participant_id),
    )
    for need in ordered:
        if need.remaining <= 0:
            plans[need.participant_id] = []
            continue
        expert = _pick_expert(need, free, load, now=now, until=until, min_gap=min_gap)
        plan = propose_sessions(
            ParticipantNeed(
                need.participant_id,
                need.remaining,
                need.booked_starts,
                need.unavailable,
                expert,
                need.timezone,
            ),
            free,
            now=now,
            until=until,
            min_gap=min_gap,
        )
        plans[need.participant_id] = plan
        used = {s.id for s in plan}
        free = [s for s in free if s.id not in used]
        for s in plan:
            load[s.expert_id] = load.get(s.expert_id, 0) + 1
    return plans


def _pick_expert(need, free, load, *, now, until, min_gap):
    """The preferred expert if it can take all sessions; else the least-loaded one that can
    (or, when nobody can take them all, the one that can take the most)."""
    capacity: dict[int, int] = {}
    for expert_id in sorted(load):
        own = [s for s in free if s.expert_id == expert_id]
        capacity[expert_id] = len(
            propose_sessions(
                ParticipantNeed(
                    need.participant_id,
                    need.remaining,
                    need.booked_starts,
                    need.unavailable,
                    expert_id,
                    need.timezone,
                ),
                own,
                now=now,
                until=until,
                min_gap=min_gap,
            )
        )
    if not capacity:
        return need.preferred_expert_id
    wanted = need.remaining
    pref = need.preferred_expert_id
    if pref is not None and capacity.get(pref, 0) >= wanted:
        return pref
    full = [e for e, c in capacity.items() if c >= wanted]
    if full:
        return min(full, key=lambda e: (load.get(e, 0), e))
    return max(capacity, key=lambda e: (capacity[e], -load.get(e, 0), -e))
