"""Time zones at the edges: parse local input to UTC, render UTC in a viewer's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_datetime, format_time


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; ValueError for anything that is not an IANA zone."""
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        raise ValueError(f"unknown time zone: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone: {name!r}") from exc


def is_valid_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def all_zones() -> list[str]:
    return sorted(available_timezones())


# Dates people type for Copa fall in this range; outside it is a typo (and year 9999 overflows
# as soon as it is converted or a week is added).
YEARS = (1970, 2199)


def parse_local_datetime(value: str | datetime, tz_name: str) -> datetime:
    """ISO 8601 text or a datetime to aware UTC; without an offset it is wall time in tz_name.

    On a DST gap the wall time does not exist; ``fold=0`` maps it forward the way calendar
    clients do. On the repeated hour the first occurrence is taken.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"not an ISO 8601 date-time: {value!r}") from exc
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(f"out of range: {value.isoformat()} (years {YEARS[0]} to {YEARS[1]})")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz_name))
    return value.astimezone(UTC)


def to_local(dt: datetime, tz_name: str) -> datetime:
    return dt.astimezone(zone(tz_name))


def isoformat(dt: datetime | None, tz_name: str) -> str | None:
    """ISO 8601 with the offset of tz_name at that instant (what the API returns)."""
    if dt is None:
        return None
    return to_local(dt, tz_name).isoformat()


def when_in_words(start: datetime, end: datetime | None, tz_name: str, locale: str) -> str:
    """An event's time as e-mails write it, in the reader's language and the same zone
    abbreviation as the pages ("samedi 6 décembre 2026, 17:00–18:00 HNE (America/Toronto)"):
    Babel names the zone, so French reads HNE/HAE where English reads EST/EDT."""
    tz = zone(tz_name)
    text = format_datetime(start, "EEEE d MMMM y, HH:mm", tzinfo=tz, locale=locale)
    if end is not None:
        text += "–" + format_time(end, "HH:mm", tzinfo=tz, locale=locale)
    abbreviation = format_datetime(start, "z", tzinfo=tz, locale=locale)
    return f"{text} {abbreviation} ({tz_name})"
