"""The calendar pages' data: events of a date range, in the shape FullCalendar reads.

The pages (``/me/calendar`` and a program's sessions page) draw FullCalendar
(``static/calendar.js``), which asks its JSON endpoint for the visible range:
``GET …/events?start=2026-03-08T00:00:00-05:00&end=2026-03-15T00:00:00-04:00&timeZone=…``.
Each event comes back as ``{id, title, start, end, url, classNames, extendedProps}`` with UTC
times (``…Z``): the browser shows them in the viewer's zone.

What a person sees is not decided here. "My calendar" shows exactly their personal feed (the
feed sources of ``training.calendar.sources``, the same queries as ``/calendar/<token>.ics``);
the program page passes the events its own query selected, plus the viewer's own feed events
that belong to that program (``own_events_in_program``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from training.calendar.event import CalendarEvent
from training.calendar.sources import feed_sources
from training.db import utcnow
from training.errors import DomainError
from training.timeutil import is_valid_zone, parse_local_datetime

MAX_RANGE = timedelta(days=100)

# Feed source name -> the event kind the pages style ("copa-session", "copa-coaching").
KINDS = {"sessions": "session", "coaching": "coaching"}


def parse_range(args, tz_name: str) -> tuple[datetime, datetime]:
    """``start`` and ``end`` of the query string as aware UTC datetimes.

    ISO 8601 dates or date-times; one without an offset is wall time in the ``timeZone``
    parameter (FullCalendar sends it) or else in ``tz_name``. 400 when a value is missing or
    not a date, when the end is not after the start, and beyond ``MAX_RANGE``.
    """
    zone_name = args.get("timeZone") or ""
    if not is_valid_zone(zone_name):
        zone_name = tz_name
    bounds = []
    for name in ("start", "end"):
        # an unencoded "+" in an offset arrives as a space
        value = (args.get(name) or "").strip().replace(" ", "+")
        if not value:
            raise DomainError(
                400,
                "invalid_range",
                _("Give the period to show: “start” and “end” (ISO 8601 dates)."),
                field=name,
            )
        try:
            bounds.append(parse_local_datetime(value, zone_name))
        except (ValueError, OverflowError):
            raise DomainError(
                400,
                "invalid_range",
                _("“%(field)s” is not an ISO 8601 date or date-time.", field=name),
                field=name,
            ) from None
    start, end = bounds
    if end <= start:
        raise DomainError(400, "invalid_range", _("The end must be after the start."), field="end")
    if end - start > MAX_RANGE:
        raise DomainError(
            400,
            "range_too_long",
            _("The period is too long: at most %(days)d days at a time.", days=MAX_RANGE.days),
            field="end",
        )
    return start, end


def _utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _site_path(url: str | None) -> str | None:
    """The page's path on this site (the feed carries absolute URLs on BASE_URL): the browser
    stays on the address the viewer uses."""
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def event_json(event: CalendarEvent, kind: str, now: datetime) -> dict:
    """One FullCalendar event. Classes: ``copa-<kind>``, ``copa-past`` once it has ended,
    ``copa-cancelled`` (struck through; the title says it too, for screen readers)."""
    classes = ["copa-event", f"copa-{kind}"]
    if event.ends_at <= now:
        classes.append("copa-past")
    title = event.summary
    if event.cancelled:
        classes.append("copa-cancelled")
        title = _("%(title)s (cancelled)", title=event.summary)
    return {
        "id": event.uid.split("@", 1)[0],
        "title": title,
        "start": _utc(event.starts_at),
        "end": _utc(event.ends_at),
        "url": _site_path(event.url),
        "classNames": classes,
        "extendedProps": {
            "kind": kind,
            "status": "cancelled" if event.cancelled else "scheduled",
            "past": event.ends_at <= now,
        },
    }


def _overlaps(event: CalendarEvent, start: datetime, end: datetime) -> bool:
    return event.starts_at < end and event.ends_at > start


def in_range(
    events: Iterable[tuple[str, CalendarEvent]],
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> list[dict]:
    """``(kind, event)`` pairs that overlap [start, end), as FullCalendar events, by start;
    an event given twice (same id) is sent once."""
    now = now or utcnow()
    seen: set[str] = set()
    out = []
    for kind, event in sorted(events, key=lambda pair: (pair[1].starts_at, pair[1].uid)):
        if event.uid in seen or not _overlaps(event, start, end):
            continue
        seen.add(event.uid)
        out.append(event_json(event, kind, now))
    return out


def personal_events(user_id: int) -> list[tuple[str, CalendarEvent]]:
    """Every event of the user's personal feed, with its kind (the feed's own queries)."""
    return [
        (KINDS.get(source.name, source.name), event)
        for source in feed_sources()
        for event in source.events(user_id)
    ]


def _program_of(url: str | None) -> int | None:
    """The program whose page ``url`` is (``/programs/<pid>/…``), or None."""
    path = _site_path(url)
    if not path:
        return None
    path = path.split("?", 1)[0]
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root) :]
    try:
        _endpoint, values = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    pid = values.get("pid")
    return pid if isinstance(pid, int) else None


def own_events_in_program(user_id: int, program_id: int) -> list[tuple[str, CalendarEvent]]:
    """The user's own feed events (their coaching bookings) that belong to the program: those
    whose page is one of the program's pages."""
    return [
        (kind, event)
        for kind, event in personal_events(user_id)
        if _program_of(event.url) == program_id
    ]
