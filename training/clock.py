"""The app's clock: every "what time is it now" in Copa is ``training.clock.now()`` (also
reachable as ``training.db.utcnow``), always an aware UTC datetime.

Tests set it instead of depending on today's date or on a DST change being near: the
``clock`` fixture (tests/conftest.py) freezes it at a chosen instant and moves it forward.
Production never sets it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_source: Callable[[], datetime] | None = None


def now() -> datetime:
    return _source() if _source is not None else datetime.now(UTC)


def set_source(source: Callable[[], datetime] | None) -> None:
    """Make ``now()`` answer ``source()`` (``None``: the system clock again)."""
    global _source
    _source = source
