"""Feed benchmark: a user with 500 events.

    .venv/bin/python bench/feeds.py [--events 500] [--rounds 30]

Prints a table: Copa's full feed render (cold cache and warm cache) beside icalendar's own
serialisation (Calendar.to_ical) of the same calendar prebuilt as icalendar objects, and the
time to answer a conditional request with a matching ETag (304).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icalendar import Calendar  # noqa: E402

from training.calendar import Attendee, CalendarEvent, Organizer, feed_etag  # noqa: E402
from training.calendar import ical as calendar_ical  # noqa: E402


def make_events(count: int) -> list[CalendarEvent]:
    base = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    events = []
    for n in range(count):
        start = base + timedelta(hours=n * 7)
        events.append(
            CalendarEvent(
                uid=f"bench-{n}@copa.test",
                sequence=n % 4,
                summary=f"Session {n}: pricing and margins for small companies",
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                last_modified=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
                created=datetime(2025, 12, 1, tzinfo=UTC),
                description="Bring last quarter's numbers; we work in small groups. " * 3,
                url=f"https://copa.test/sessions/{n}",
                join_url=f"https://meet.test/room-{n}",
                organizer=Organizer("facilitator@copa.test", "Anne Facilitatrice"),
                attendees=(Attendee("bob@acme.test", "Bob Durand", "REQ-PARTICIPANT"),),
                status="CANCELLED" if n % 50 == 0 else "CONFIRMED",
                timezone="America/Toronto",
            )
        )
    return events


def prebuilt_calendar(events: list[CalendarEvent], name: str) -> Calendar:
    """The same feed, as icalendar objects, built before timing starts."""
    ics = calendar_ical.render_feed(events, name, now=NOW)
    return Calendar.from_ical(ics)


def timed(func: Callable[[], object], rounds: int, setup: Callable[[], None] | None = None):
    samples = []
    for _ in range(rounds):
        if setup is not None:
            setup()
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, min(samples) * 1000


NOW = datetime(2026, 1, 1, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    events = make_events(args.events)
    name = "Copa — bench user"
    calendar = prebuilt_calendar(events, name)
    assert calendar.to_ical() == calendar_ical.render_feed(events, name, now=NOW)

    baseline, baseline_min = timed(calendar.to_ical, args.rounds)
    clear = calendar_ical._vevent_bytes.cache_clear
    cold, cold_min = timed(
        lambda: calendar_ical.render_feed(events, name, now=NOW), args.rounds, setup=clear
    )
    warm, warm_min = timed(lambda: calendar_ical.render_feed(events, name, now=NOW), args.rounds)
    etag = feed_etag(events, name, now=NOW)
    not_modified, nm_min = timed(
        lambda: feed_etag(events, name, now=NOW) == etag, max(args.rounds, 100)
    )

    rows = [
        ("icalendar Calendar.to_ical() of prebuilt calendar", baseline, baseline_min, 1.0),
        ("Copa render_feed, cold cache", cold, cold_min, cold / baseline),
        ("Copa render_feed, warm per-event cache", warm, warm_min, warm / baseline),
        ("ETag check for 304 (events in memory)", not_modified, nm_min, None),
    ]
    print(f"{args.events} events, {args.rounds} rounds, median and min in ms")
    print(f"{'measure':<52} {'median':>9} {'min':>9} {'× baseline':>11}")
    for label, median, minimum, ratio in rows:
        ratio_text = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{label:<52} {median:9.2f} {minimum:9.2f} {ratio_text:>11}")


if __name__ == "__main__":
    main()
