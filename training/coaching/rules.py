"""Coaching rules as pure functions: quota, cutoff, minimum notice, program dates, pacing.

Nothing here touches the database; operations.py gathers the facts and calls these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from training.errors import DomainError

# Booking statuses.
BOOKED = "booked"
ATTENDED = "attended"
NO_SHOW = "no_show"
CANCELLED = "cancelled"  # by the participant/facilitator before the cutoff
LATE_CANCELLED = "late_cancelled"  # inside the cutoff (facilitator override)
EXPERT_CANCELLED = "expert_cancelled"  # the expert withdrew a booked slot
STATUSES = (BOOKED, ATTENDED, NO_SHOW, CANCELLED, LATE_CANCELLED, EXPERT_CANCELLED)
# A booking in one of these holds its slot (the partial unique index uses the same list).
ACTIVE_STATUSES = (BOOKED, ATTENDED, NO_SHOW)


class RuleViolation(DomainError):
    """A booking rule refused the request; ``code`` is the API error code."""

    def __init__(self, code: str, message: str, status: int = 409):
        super().__init__(status, code, message)


@dataclass(frozen=True)
class CoachingRules:
    quota: int = 5
    cutoff: timedelta = timedelta(hours=24)
    min_notice: timedelta = timedelta(hours=12)
    pacing_days: int = 0  # 0: off
    late_cancel_counts: bool = True
    starts_on: date | None = None
    ends_on: date | None = None
    timezone: str = "America/Toronto"

    def program_start(self) -> datetime | None:
        """First instant of the program (midnight local), aware."""
        if self.starts_on is None:
            return None
        return datetime.combine(self.starts_on, time(0), ZoneInfo(self.timezone))

    def program_end(self) -> datetime | None:
        """First instant after the program (midnight local after ends_on), aware."""
        if self.ends_on is None:
            return None
        return datetime.combine(self.ends_on + timedelta(days=1), time(0), ZoneInfo(self.timezone))


def counts_toward_quota(status: str, late_cancel_counts: bool = True) -> bool:
    if status in ACTIVE_STATUSES:
        return True
    return status == LATE_CANCELLED and late_cancel_counts


def used_sessions(statuses: Iterable[str], rules: CoachingRules) -> int:
    return sum(1 for s in statuses if counts_toward_quota(s, rules.late_cancel_counts))


def remaining_sessions(statuses: Iterable[str], rules: CoachingRules) -> int:
    return max(0, rules.quota - used_sessions(statuses, rules))


def check_timing(rules: CoachingRules, slot_start: datetime, slot_end: datetime, now: datetime):
    """Minimum notice and program dates. Raises RuleViolation(too_late / outside_program)."""
    if slot_start - now < rules.min_notice:
        hours = int(rules.min_notice.total_seconds() // 3600)
        raise RuleViolation(
            "too_late",
            _("Coaching must be booked at least %(hours)s h in advance.", hours=hours),
            422,
        )
    start, end = rules.program_start(), rules.program_end()
    if (start and slot_start < start) or (end and slot_end > end):
        raise RuleViolation("outside_program", _("This slot is outside the program's dates."), 422)


def timing_allows(rules: CoachingRules, slot_start: datetime, slot_end: datetime, now: datetime):
    """Whether :func:`check_timing` would let this slot be booked now (pages offer only those)."""
    try:
        check_timing(rules, slot_start, slot_end, now)
    except RuleViolation:
        return False
    return True


def check_quota(rules: CoachingRules, used: int):
    if used >= rules.quota:
        raise RuleViolation(
            "quota_exceeded",
            _("All %(quota)s coaching sessions are already used.", quota=rules.quota),
            409,
        )


def check_pacing(rules: CoachingRules, slot_start: datetime, other_starts: Iterable[datetime]):
    """At least ``pacing_days`` between this and each other active booking."""
    if not rules.pacing_days:
        return
    gap = timedelta(days=rules.pacing_days)
    for other in other_starts:
        if abs(slot_start - other) < gap:
            raise RuleViolation(
                "pacing",
                _(
                    "Coaching sessions must be at least %(days)s days apart.",
                    days=rules.pacing_days,
                ),
                422,
            )


def check_booking(
    rules: CoachingRules,
    slot_start: datetime,
    slot_end: datetime,
    now: datetime,
    used: int,
    other_starts: Iterable[datetime] = (),
    *,
    rescheduling: bool = False,
):
    """All rules for a new booking (or a reschedule, which does not use more quota)."""
    check_timing(rules, slot_start, slot_end, now)
    if not rescheduling:
        check_quota(rules, used)
    check_pacing(rules, slot_start, other_starts)


def is_inside_cutoff(rules: CoachingRules, slot_start: datetime, now: datetime) -> bool:
    return slot_start - now < rules.cutoff


def cancellation_status(
    rules: CoachingRules, slot_start: datetime, now: datetime, *, override: bool = False
) -> str:
    """Status a cancellation gets; inside the cutoff only an override may cancel (late)."""
    if not is_inside_cutoff(rules, slot_start, now):
        return CANCELLED
    if not override:
        hours = int(rules.cutoff.total_seconds() // 3600)
        raise RuleViolation(
            "cancel_cutoff",
            _("Bookings cannot be cancelled less than %(hours)s h ahead.", hours=hours),
            409,
        )
    return LATE_CANCELLED


def expected_used_by(rules: CoachingRules, today: date) -> int:
    """Sessions a participant on pace would have used by ``today`` (0 when dates are unset)."""
    if rules.starts_on is None or rules.ends_on is None or today < rules.starts_on:
        return 0
    total = (rules.ends_on - rules.starts_on).days + 1
    elapsed = min(total, (today - rules.starts_on).days + 1)
    return math.floor(rules.quota * elapsed / total)


def is_behind_schedule(rules: CoachingRules, used: int, today: date) -> bool:
    """Behind when the sessions used or booked so far are under the expected pace."""
    return used < expected_used_by(rules, today)
