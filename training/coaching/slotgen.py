"""Turn an expert's availability windows into UTC coaching slots (pure functions).

Windows are entered as wall-clock times in the program's time zone. A weekly repeat keeps the
wall-clock time as entered across DST changes (a 09:00 window stays at 09:00 local on both sides
of 2026-03-08 and 2026-11-01 in America/Toronto), so the UTC instants shift by an hour.
Intervals are half-open: [starts_at, ends_at).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from training import clock
from training.errors import DomainError


class AvailabilityError(DomainError):
    """Invalid availability input (422); ``code`` is a machine-readable reason."""

    def __init__(self, code: str, message: str, **extra):
        super().__init__(422, code, message, **extra)


# One publication's bounds: generation runs inside the write lock, so an unbounded window or
# repeat would hold every other writer back (and year 9999 overflows the calendar).
MAX_WINDOW = timedelta(hours=14)
MAX_REPEAT = timedelta(days=366)
MAX_SLOTS = 1000
MAX_AHEAD = timedelta(days=5 * 366)


@dataclass(frozen=True)
class Interval:
    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def _exists(local: datetime, tz: ZoneInfo) -> bool:
    """True when a naive wall-clock time exists in ``tz`` (not inside a spring-forward gap)."""
    aware = local.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return back == local


def _to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    # fold=0: an ambiguous wall time (fall-back hour) means its first occurrence.
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def to_wall_clock(value: datetime, tz_name: str) -> datetime:
    """Naive wall-clock time in ``tz_name``; aware values are converted, naive ones kept."""
    if value.tzinfo is None:
        return value
    return value.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


def occurrence_dates(first: date, repeat_until: date | None) -> list[date]:
    """``first`` and, with a repeat, the same weekday every week up to ``repeat_until``
    (at most a year: ``repeat_too_long``)."""
    if repeat_until is None:
        return [first]
    if repeat_until < first:
        raise AvailabilityError("invalid_repeat", _("The weekly repeat ends before it starts."))
    if repeat_until - first > MAX_REPEAT:
        raise AvailabilityError(
            "repeat_too_long",
            _("A weekly repeat lasts at most %(days)s days.", days=MAX_REPEAT.days),
            limit_days=MAX_REPEAT.days,
        )
    days = []
    d = first
    while d <= repeat_until:
        days.append(d)
        d += timedelta(days=7)
    return days


def generate_slots(
    starts_at: datetime,
    ends_at: datetime,
    tz_name: str,
    *,
    slot_minutes: int = 60,
    buffer_minutes: int = 0,
    repeat_until: date | None = None,
    window_dates: tuple[date | None, date | None] = (None, None),
    now: datetime | None = None,
) -> list[Interval]:
    """Cut the window [starts_at, ends_at) into slots, repeated weekly, returned in UTC.

    ``starts_at``/``ends_at`` are naive wall-clock times in ``tz_name`` or aware datetimes
    (converted to that zone's wall clock first). Slots are ``slot_minutes`` long with
    ``buffer_minutes`` between them; a slot that would run past the window's end is dropped, so
    is a slot whose wall-clock start or end does not exist (spring-forward gap). ``window_dates``
    (program starts_on, ends_on) drops occurrences outside the program.
    """
    if slot_minutes <= 0 or slot_minutes > 24 * 60:
        raise AvailabilityError("invalid_slot_length", _("Slot length must be 1 to 1440 minutes."))
    if buffer_minutes < 0:
        raise AvailabilityError("invalid_buffer", _("The buffer cannot be negative."))
    tz = ZoneInfo(tz_name)
    start = to_wall_clock(starts_at, tz_name)
    end = to_wall_clock(ends_at, tz_name)
    if end <= start:
        raise AvailabilityError("invalid_window", _("Availability must end after it starts."))
    length = end - start
    if length > MAX_WINDOW:
        raise AvailabilityError(
            "window_too_long",
            _(
                "A window lasts at most %(hours)s hours.",
                hours=int(MAX_WINDOW.total_seconds() // 3600),
            ),
            limit_hours=int(MAX_WINDOW.total_seconds() // 3600),
        )
    now_here = to_wall_clock(now or clock.now(), tz_name)
    if start - now_here > MAX_AHEAD:  # wall clocks: no conversion near year 9999 to overflow
        raise AvailabilityError(
            "too_far_ahead",
            _("Availability starts at most five years ahead."),
            limit_days=MAX_AHEAD.days,
        )
    step = timedelta(minutes=slot_minutes + buffer_minutes)
    slot = timedelta(minutes=slot_minutes)
    if slot > length:
        raise AvailabilityError("invalid_window", _("The window is shorter than one slot."))
    first_day, last_day = window_dates
    slots: list[Interval] = []
    for day in occurrence_dates(start.date(), repeat_until):
        if (first_day and day < first_day) or (last_day and day > last_day):
            continue
        w_start = datetime.combine(day, start.time())
        w_end = w_start + length
        cursor = w_start
        while cursor + slot <= w_end:
            s, e = cursor, cursor + slot
            if _exists(s, tz) and _exists(e, tz):
                utc_s, utc_e = _to_utc(s, tz), _to_utc(e, tz)
                if utc_e > utc_s:
                    slots.append(Interval(utc_s, utc_e))
                    if len(slots) > MAX_SLOTS:
                        raise AvailabilityError(
                            "too_many_slots",
                            _("One publication makes at most %(n)s slots.", n=MAX_SLOTS),
                            limit=MAX_SLOTS,
                        )
            cursor += step
    return slots


def find_overlaps(new: list[Interval], existing: list[Interval]) -> list[tuple[Interval, Interval]]:
    """Pairs (new, other) that overlap, checked against ``existing`` and among ``new``.

    One sort and a sweep: O((n + m) log(n + m) + k) for k clashes."""
    events = sorted(
        [(i.starts_at, 0, i) for i in new] + [(i.starts_at, 1, i) for i in existing],
        key=lambda e: (e[0], e[1]),
    )
    clashes: list[tuple[Interval, Interval]] = []
    open_new: list[Interval] = []
    open_old: list[Interval] = []
    for start, kind, item in events:
        open_new = [i for i in open_new if i.ends_at > start]
        open_old = [i for i in open_old if i.ends_at > start]
        if kind == 0:
            clashes.extend((item, other) for other in open_old)
            clashes.extend((other, item) for other in open_new)
            open_new.append(item)
        else:
            clashes.extend((other, item) for other in open_new)
            open_old.append(item)
    return clashes
