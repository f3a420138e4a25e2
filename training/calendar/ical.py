"""Render CalendarEvents to iCalendar bytes (RFC 5545, iTIP RFC 5546) with ``icalendar``.

Pure functions: the output depends only on the events, the method, the feed name and the active
translation (for the "Join:" / "Details:" lines). Times are written in UTC, which every client
reads the same way; the event's zone is only used for display. Each event's VEVENT bytes are
cached by value (events are frozen), so a feed re-render after one change re-serialises only the
changed event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import (
    Calendar,
    Event,
    vCalAddress,
    vCategory,
    vDatetime,
    vDuration,
    vInt,
    vText,
    vUri,
)

from training import clock
from training.calendar.event import CalendarEvent

PRODID = "-//Copa//Copa training calendar 1.0//EN"
#: bump when the rendering changes, so ETags of unchanged data change too
RENDER_VERSION = "1"
FEED_REFRESH = timedelta(hours=1)
CANCELLED_RETENTION = timedelta(days=30)
METHODS = ("REQUEST", "CANCEL")

_END = b"END:VCALENDAR\r\n"


def _locale_key() -> str:
    try:
        return str(get_locale() or "")
    except RuntimeError:  # no app context
        return ""


_SLOT = "\x00"


@lru_cache(maxsize=32)
def _link_labels(locale: str) -> tuple[str, str]:
    """The translated "Join: …" and "Details: …" lines with a placeholder (looked up once per
    locale: gettext per event would cost ~5% of a 500-event feed)."""
    return _("Join: %(url)s", url=_SLOT), _("Details: %(url)s", url=_SLOT)


def event_description(event: CalendarEvent) -> str:
    """The DESCRIPTION text: the event's text, then the join link and the page link."""
    join, details = _link_labels(_locale_key())
    parts = []
    if event.description.strip():
        parts.append(event.description.strip())
    links = []
    if event.join_url:
        links.append(join.replace(_SLOT, event.join_url))
    if event.url:
        links.append(details.replace(_SLOT, event.url))
    if links:
        parts.append("\n".join(links))
    return "\n\n".join(parts)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _param_text(value: str) -> str:
    """A parameter value (CN) without control characters: RFC 5545 forbids them there.

    Names are validated when saved; this keeps a name stored before that rule from turning
    every feed and invite of its owner into a 500.
    """
    return " ".join(_CONTROL.sub(" ", value).split())


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    name = _param_text(name)
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def build_vevent(event: CalendarEvent, *, rsvp: bool = True) -> Event:
    """The icalendar ``Event`` for one CalendarEvent (UTC times, DTSTAMP = last_modified).

    Properties are set with their explicit icalendar types (no type guessing in ``add``):
    rendering 500 events stays within 1.5x of icalendar's own ``to_ical`` (bench/feeds.py).
    """
    vevent = Event()
    vevent["UID"] = vText(event.uid)
    vevent["SEQUENCE"] = vInt(event.sequence)
    modified = vDatetime(event.last_modified)  # DTSTAMP and LAST-MODIFIED: the same value
    vevent["DTSTAMP"] = modified
    vevent["DTSTART"] = vDatetime(event.starts_at)
    vevent["DTEND"] = vDatetime(event.ends_at)
    vevent["SUMMARY"] = vText(event.summary)
    description = event_description(event)
    if description:
        vevent["DESCRIPTION"] = vText(description)
    location = event.location or event.join_url
    if location:
        vevent["LOCATION"] = vText(location)
    if event.url:
        vevent["URL"] = vUri(event.url)
    if event.categories:
        vevent["CATEGORIES"] = vCategory(list(event.categories))
    vevent["STATUS"] = vText(event.status)
    vevent["TRANSP"] = vText("TRANSPARENT" if event.cancelled else "OPAQUE")
    if event.created is not None:
        vevent["CREATED"] = vDatetime(event.created)
    vevent["LAST-MODIFIED"] = modified
    if event.organizer is not None:
        vevent["ORGANIZER"] = _address(event.organizer.email, event.organizer.name)
    attendees = [
        _address(
            attendee.email,
            attendee.name,
            cutype="INDIVIDUAL",
            role=attendee.role,
            partstat="NEEDS-ACTION",
            rsvp="TRUE" if rsvp else "FALSE",
        )
        for attendee in event.attendees
    ]
    if len(attendees) == 1:
        vevent["ATTENDEE"] = attendees[0]
    elif attendees:
        vevent["ATTENDEE"] = attendees
    return vevent


@lru_cache(maxsize=8192)
def _vevent_bytes(event: CalendarEvent, locale: str) -> bytes:
    return build_vevent(event).to_ical()


def vevent_bytes(event: CalendarEvent) -> bytes:
    """The serialised VEVENT (cached by value and locale)."""
    return _vevent_bytes(event, _locale_key())


def _calendar_head(properties: Sequence[tuple[str, object, dict | None]]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for name, value, params in properties:
        cal.add(name, value, parameters=params)
    text = cal.to_ical()
    assert text.endswith(_END)
    return text[: -len(_END)]


def render_invite(event: CalendarEvent, method: str) -> bytes:
    """An iTIP message with one VEVENT: METHOD:REQUEST (new or changed) or METHOD:CANCEL.

    The caller stores and bumps ``sequence``; for CANCEL the status is forced to CANCELLED.
    Put only the recipient in ``attendees`` when members must not see each other's addresses.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if event.organizer is None:
        raise ValueError("an invite needs an organizer")
    if not event.attendees:
        raise ValueError("an invite needs at least one attendee")
    if method == "CANCEL" and not event.cancelled:
        event = event.replace(status="CANCELLED")
    if method == "REQUEST" and event.cancelled:
        raise ValueError("a cancelled event is sent with METHOD:CANCEL")
    head = _calendar_head([("method", method, None)])
    return head + vevent_bytes(event) + _END


def render_event_file(event: CalendarEvent) -> bytes:
    """One event as a file to open in a calendar app (METHOD:PUBLISH, RFC 5546): "add to my
    calendar" after a booking; the same UID as the e-mailed invites, so it merges with them."""
    head = _calendar_head([("method", "PUBLISH", None)])
    return head + _vevent_bytes(event.replace(attendees=()), _locale_key()) + _END


def feed_events(
    events: Iterable[CalendarEvent], now: datetime | None = None
) -> list[CalendarEvent]:
    """The events a feed shows, in a stable order: cancelled ones only for 30 days after the
    cancellation (their ``last_modified``); one event per UID (the highest SEQUENCE wins)."""
    now = now or clock.now()
    cutoff = now - CANCELLED_RETENTION
    by_uid: dict[str, CalendarEvent] = {}
    for event in events:
        if event.cancelled and event.last_modified < cutoff:
            continue
        seen = by_uid.get(event.uid)
        if seen is None or (event.sequence, event.last_modified) > (
            seen.sequence,
            seen.last_modified,
        ):
            by_uid[event.uid] = event
    return sorted(by_uid.values(), key=lambda e: (e.starts_at, e.uid))


def render_feed(
    events: Iterable[CalendarEvent],
    name: str,
    *,
    now: datetime | None = None,
    timezone: str | None = None,
) -> bytes:
    """A subscription calendar: no METHOD; REFRESH-INTERVAL and X-PUBLISHED-TTL set."""
    name = _param_text(name)  # the owner's name is in it: one line, whatever was stored
    properties: list[tuple[str, object, dict | None]] = [
        ("x-wr-calname", name, None),
        ("name", name, None),
        ("refresh-interval", FEED_REFRESH, {"VALUE": "DURATION"}),
        ("x-published-ttl", vDuration(FEED_REFRESH), None),
    ]
    if timezone:
        properties.append(("x-wr-timezone", timezone, None))
    head = _calendar_head(properties)
    locale = _locale_key()
    body = b"".join(_vevent_bytes(e, locale) for e in feed_events(events, now))
    return head + body + _END


def feed_etag(
    events: Iterable[CalendarEvent],
    name: str,
    *,
    now: datetime | None = None,
    timezone: str | None = None,
) -> str:
    """A strong ETag (quoted) computed from everything the feed would contain.

    Cheaper than hashing the rendered bytes: each event's repr lists all its fields, so any
    change that would change the feed changes the tag; nothing depends on the clock except the
    30-day retention of cancelled events, which also changes the content.
    """
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{RENDER_VERSION}\0{_locale_key()}\0{name}\0{timezone}\0".encode())
    for event in feed_events(events, now):
        digest.update(repr(event).encode())
        digest.update(b"\0")
    return f'"{digest.hexdigest()}"'
