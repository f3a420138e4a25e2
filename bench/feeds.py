"""Feed benchmark: a user with 500 events.

    .venv/bin/python bench/feeds.py [--events 500] [--rounds 30]

Prints a table: Copa's full feed render (cold cache and warm cache) beside icalendar's own
serialisation (Calendar.to_ical) of the same calendar prebuilt as icalendar objects, and the
time to answer a conditional request with a matching ETag (304).
"""

from __future__ import annotations

import argparse
import os
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


def paired(baseline_fn, measured_fn, rounds: int, setup=None):
    """Alternate baseline and measured runs so both see the same machine load; the ratio is
    the median of the per-round ratios."""
    base, measured, ratios = [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        baseline_fn()
        b = time.perf_counter() - start
        if setup is not None:
            setup()
        start = time.perf_counter()
        measured_fn()
        m = time.perf_counter() - start
        base.append(b)
        measured.append(m)
        ratios.append(m / b)
    return (
        statistics.median(base) * 1000,
        min(base) * 1000,
        statistics.median(measured) * 1000,
        min(measured) * 1000,
        statistics.median(ratios),
    )


def app_measurements(count: int, rounds: int) -> list[tuple]:
    """The real feed endpoint, in-process: a user in a program with ``count`` sessions."""
    import secrets
    import tempfile

    from training import create_app
    from training.extensions import db

    tmp = tempfile.mkdtemp(prefix="copa-bench-")
    os.environ.setdefault("COPA_INSTANCE_PATH", tmp)
    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
            or f"sqlite:///{tmp}/bench.db",
            "BASE_URL": "http://copa.bench",
            "MEDIA_ROOT": tmp,
            "SMTP_URL": None,
        }
    )
    with app.test_request_context():
        from training.accounts.models import User
        from training.calendar.feeds import feed_links
        from training.programs.models import Membership, Program
        from training.sessions.models import TrainingSession

        db.create_all()
        user = User(email=f"bench-{secrets.token_hex(4)}@copa.test", name="Bench User")
        program = Program(title="Bench program", timezone="America/Toronto")
        db.session.add_all([user, program])
        db.session.flush()
        db.session.add(Membership(program_id=program.id, user_id=user.id, role="participant"))
        fresh = datetime.now(UTC)
        for event in make_events(count):
            db.session.add(
                TrainingSession(
                    program_id=program.id,
                    title=event.summary,
                    description=event.description,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    join_url=event.join_url,
                    status="cancelled" if event.cancelled else "scheduled",
                    sequence=event.sequence,
                    created_at=event.created,
                    updated_at=fresh - (event.last_modified - datetime(2026, 1, 1, tzinfo=UTC)),
                )
            )
        db.session.flush()
        path = feed_links(user)["feed_url"].removeprefix("http://copa.bench")
        db.session.commit()
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 200, first.status
    body, etag = first.data, first.headers["ETag"]
    assert body.count(b"BEGIN:VEVENT") == count
    prebuilt = Calendar.from_ical(body)
    assert prebuilt.to_ical() == body
    clear = calendar_ical._vevent_bytes.cache_clear
    baseline, baseline_min, cold, cold_min, ratio = paired(
        prebuilt.to_ical, lambda: client.get(path), rounds, setup=clear
    )
    warm, warm_min = timed(lambda: client.get(path), rounds)
    headers = {"If-None-Match": etag}
    assert client.get(path, headers=headers).status_code == 304
    nm, nm_min = timed(lambda: client.get(path, headers=headers), max(rounds, 500))
    return [
        ("icalendar to_ical() of the same feed, prebuilt", baseline, baseline_min, 1.0),
        ("GET feed endpoint, cold event cache (DB+render)", cold, cold_min, ratio),
        ("GET feed endpoint, warm event cache", warm, warm_min, warm / baseline),
        ("GET feed endpoint with If-None-Match → 304", nm, nm_min, None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    events = make_events(args.events)
    name = "Copa — bench user"
    calendar = prebuilt_calendar(events, name)
    assert calendar.to_ical() == calendar_ical.render_feed(events, name, now=NOW)

    clear = calendar_ical._vevent_bytes.cache_clear
    baseline, baseline_min, cold, cold_min, ratio = paired(
        calendar.to_ical,
        lambda: calendar_ical.render_feed(events, name, now=NOW),
        args.rounds,
        setup=clear,
    )
    warm, warm_min = timed(lambda: calendar_ical.render_feed(events, name, now=NOW), args.rounds)
    etag = feed_etag(events, name, now=NOW)
    nm, nm_min = timed(lambda: feed_etag(events, name, now=NOW) == etag, max(args.rounds, 100))

    rows = [
        ("icalendar Calendar.to_ical() of prebuilt calendar", baseline, baseline_min, 1.0),
        ("render_feed (pure), cold per-event cache", cold, cold_min, ratio),
        ("render_feed (pure), warm per-event cache", warm, warm_min, warm / baseline),
        ("feed_etag over 500 events in memory", nm, nm_min, None),
        None,
        *app_measurements(args.events, args.rounds),
    ]
    print(f"{args.events} events, {args.rounds} rounds; times in ms; load {os.getloadavg()[0]:.1f}")
    print("× baseline: median of per-round ratios (baseline and measured run alternately)")
    print(f"{'measure':<52} {'median':>9} {'min':>9} {'× baseline':>11}")
    for row in rows:
        if row is None:
            print("-" * 84)
            continue
        label, median, minimum, ratio = row
        ratio_text = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{label:<52} {median:9.2f} {minimum:9.2f} {ratio_text:>11}")
    print("targets: render ≤ 1.5 × baseline; 304 median < 5 ms")


if __name__ == "__main__":
    main()
