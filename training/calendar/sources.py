"""What goes into a user's personal feed: a registry of event sources.

A feature registers ``events(user_id) -> list[CalendarEvent]`` under a name, and optionally a
cheap ``fingerprint(user_id) -> str`` that changes whenever those events would (used for the
ETag, so a conditional GET can answer 304 without building the events)::

    from training.calendar import register_feed_source
    register_feed_source("coaching", feed_events_for)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from training.calendar.event import CalendarEvent

EventsFn = Callable[[int], list[CalendarEvent]]
FingerprintFn = Callable[[int], str]


@dataclass(frozen=True)
class FeedSource:
    name: str
    events: EventsFn
    fingerprint: FingerprintFn | None = None


_sources: dict[str, FeedSource] = {}


def register_feed_source(
    name: str, events: EventsFn, *, fingerprint: FingerprintFn | None = None
) -> None:
    """Add (or replace) the source called ``name``."""
    _sources[name] = FeedSource(name, events, fingerprint)


def feed_sources() -> list[FeedSource]:
    return [_sources[name] for name in sorted(_sources)]


# The facilitator's program-wide feed: built by the feature that owns the program's events
# (training.sessions), so this lower layer imports no feature.
_program_feed: list[Callable] = []


def register_program_feed(build: Callable) -> None:
    """``build(program) -> Feed`` answers ``/calendar/<token>/programs/<pid>.ics``."""
    _program_feed[:] = [build]


def program_feed_for(program):
    """The program's feed, or None when no feature provides one."""
    return _program_feed[0](program) if _program_feed else None
