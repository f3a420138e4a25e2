"""Time helpers for coaching tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = "America/Toronto"


def local_iso(dt: datetime) -> str:
    """Naive local ISO text (program zone) for an aware datetime."""
    return dt.astimezone(ZoneInfo(TZ)).replace(tzinfo=None).isoformat(timespec="minutes")


def hour_from_now(hours: float) -> datetime:
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return base + timedelta(hours=hours)
