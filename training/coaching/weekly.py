"""An expert's weekly availability (which weekdays, from when to when, over which dates) turned
into coaching slots: pure functions over slotgen, so the page's preview and its publication
make the same slots.

Each chosen weekday is one window repeated weekly from its first occurrence on or after
``first_day`` until ``last_day``, at the wall-clock times typed (slotgen keeps them across DST).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from training.coaching.slotgen import (
    MAX_REPEAT,
    MAX_SLOTS,
    AvailabilityError,
    Interval,
    generate_slots,
)


@dataclass(frozen=True)
class WeekPlan:
    """``hours`` maps a weekday (0 = Monday) to its window's wall-clock start and end."""

    first_day: date
    last_day: date
    slot_minutes: int = 60
    buffer_minutes: int = 0
    hours: dict[int, tuple[time, time]] = field(default_factory=dict)


def first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def plan_slots(
    plan: WeekPlan,
    tz_name: str,
    *,
    window_dates: tuple[date | None, date | None] = (None, None),
    now: datetime | None = None,
) -> list[Interval]:
    """The plan's slots in UTC, sorted. An AvailabilityError names its field: ``day-<n>`` for
    a weekday's hours, ``last_day`` for the period, ``form`` for the whole publication."""
    if not plan.hours:
        raise AvailabilityError("no_day", _("Choose at least one day of the week."), field="form")
    if plan.last_day < plan.first_day:
        raise AvailabilityError(
            "invalid_period", _("The last day comes before the first."), field="last_day"
        )
    if plan.last_day - plan.first_day > MAX_REPEAT:
        raise AvailabilityError(
            "repeat_too_long",
            _("A weekly repeat lasts at most %(days)s days.", days=MAX_REPEAT.days),
            field="last_day",
            limit_days=MAX_REPEAT.days,
        )
    slots: list[Interval] = []
    for weekday in sorted(plan.hours):
        start, end = plan.hours[weekday]
        first = first_on_or_after(plan.first_day, weekday)
        if first > plan.last_day:
            continue  # a period shorter than a week may not hold this weekday
        try:
            slots += generate_slots(
                datetime.combine(first, start),
                datetime.combine(first, end),
                tz_name,
                slot_minutes=plan.slot_minutes,
                buffer_minutes=plan.buffer_minutes,
                repeat_until=plan.last_day,
                window_dates=window_dates,
                now=now,
            )
        except AvailabilityError as exc:
            exc.field = {"too_far_ahead": "first_day", "too_many_slots": "form"}.get(
                exc.code, f"day-{weekday}"
            )
            raise
        if len(slots) > MAX_SLOTS:
            raise AvailabilityError(
                "too_many_slots",
                _("One publication makes at most %(n)s slots.", n=MAX_SLOTS),
                field="form",
                limit=MAX_SLOTS,
            )
    if not slots:
        raise AvailabilityError("no_slots", _("This availability produces no slot."), field="form")
    return sorted(slots, key=lambda i: i.starts_at)
