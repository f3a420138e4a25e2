"""Dates for tests that need a particular day in the future (a DST change, a weekday some
weeks ahead), computed from today so that no test depends on the year it runs in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TORONTO = "America/Toronto"


def _offset(day: date, hour: int, tz: str) -> timedelta:
    return datetime.combine(day, time(hour), ZoneInfo(tz)).utcoffset()


def next_dst_change(*, forward: bool, tz: str = TORONTO, min_days: int = 14) -> date:
    """The next day, at least ``min_days`` ahead, on which the zone's clocks spring forward
    (``forward=True``) or fall back."""
    day = date.today() + timedelta(days=min_days)
    for _ in range(800):
        before, after = _offset(day, 0, tz), _offset(day, 23, tz)
        if (after > before) if forward else (after < before):
            return day
        day += timedelta(days=1)
    raise LookupError(f"{tz} has no DST change in the next two years")


def days_ahead(n: int) -> date:
    return date.today() + timedelta(days=n)


def iso(day: date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}"
