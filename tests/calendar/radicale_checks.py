"""Radicale's own item checks, applied to Copa's iCalendar bytes (what a CalDAV server that
stores the invite or subscribes to the feed would run)."""

from __future__ import annotations

from radicale import item as radicale_item
from radicale.app.put import prepare

MAX_OCCURRENCES = 100


def check_invite(ics: bytes) -> radicale_item.Item:
    """One calendar object: parses, one UID, passes check_and_sanitize_items and prepare()."""
    components = radicale_item.read_components(ics.decode("utf-8"))
    assert radicale_item.predict_tag_of_parent_collection(components) == "VCALENDAR"
    radicale_item.check_and_sanitize_items(
        components, MAX_OCCURRENCES, is_collection=False, tag="VCALENDAR"
    )
    (component,) = components
    item = radicale_item.Item(collection_path="copa/checks", vobject_item=component)
    item.prepare()
    assert item.component_name == "VEVENT"
    return item


def check_feed(ics: bytes) -> list[radicale_item.Item]:
    """A whole calendar collection, split per UID the way Radicale's PUT does it."""
    components = radicale_item.read_components(ics.decode("utf-8"))
    items, tag, whole, props, exc_info = prepare(
        components,
        "/copa/feed/",
        "text/calendar",
        True,
        False,
        10_000_000,
        MAX_OCCURRENCES,
    )
    if exc_info is not None:
        raise exc_info[1]
    assert tag == "VCALENDAR" and whole
    return list(items)


def meaning(ics: bytes | str) -> dict[str, tuple]:
    """What a calendar client takes from each VEVENT, keyed by UID (order and folding ignored)."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(ics)
    events = {}
    for vevent in calendar.walk("VEVENT"):
        attendees = vevent.get("attendee", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        events[str(vevent["uid"])] = (
            int(vevent["sequence"]),
            str(vevent["summary"]),
            vevent.decoded("dtstart"),
            vevent.decoded("dtend"),
            vevent.decoded("dtstamp"),
            str(vevent.get("status", "")),
            str(vevent.get("description", "")),
            str(vevent.get("location", "")),
            str(vevent.get("url", "")),
            str(vevent.get("organizer", "")),
            tuple(sorted((str(a), tuple(sorted(a.params.items()))) for a in attendees)),
        )
    return events
