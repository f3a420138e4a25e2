"""Round trip through a real Radicale CalDAV server: PUT what Copa renders, GET it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from icalendar import Calendar

from tests.calendar.radicale_checks import meaning
from tests.calendar.test_calendar_ical import NOW, make_event
from training.calendar import Attendee, render_feed, render_invite

TORONTO = ZoneInfo("America/Toronto")


def _dst_events():
    events = []
    for n, day in enumerate(("2026-03-08", "2026-11-01"), start=20):
        start = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TORONTO)
        events.append(make_event(n, starts_at=start, ends_at=start + timedelta(hours=2)))
    return events


def test_invites_round_trip_through_caldav(radicale_server):
    calendar_url = radicale_server.new_calendar()
    sent = [
        render_invite(make_event(1), "REQUEST"),
        render_invite(make_event(2, sequence=4), "CANCEL"),
        *(render_invite(e, "REQUEST") for e in _dst_events()),
    ]
    for ics in sent:
        (uid,) = meaning(ics)
        url = f"{calendar_url}{uid}.ics"
        put = requests.put(
            url, data=ics, headers={"Content-Type": "text/calendar; charset=utf-8"}, timeout=10
        )
        assert put.status_code == 201, put.text
        got = requests.get(url, timeout=10)
        assert got.status_code == 200
        assert got.headers["Content-Type"].startswith("text/calendar")
        assert meaning(got.content) == meaning(ics)


def test_feed_round_trips_as_a_whole_collection(radicale_server):
    events = [
        make_event(n, sequence=n % 3, attendees=(Attendee("c@x.test", "C", "OPT-PARTICIPANT"),))
        for n in range(1, 8)
    ]
    events.append(make_event(9, status="CANCELLED", sequence=2, last_modified=NOW))
    events.extend(_dst_events())
    ics = render_feed(events, "Copa — Bob", now=NOW)
    collection = radicale_server.new_path()
    put = requests.put(collection, data=ics, headers={"Content-Type": "text/calendar"}, timeout=10)
    assert put.status_code == 201, put.text
    got = requests.get(collection, timeout=10)
    assert got.status_code == 200
    assert meaning(got.content) == meaning(ics)
    assert len(meaning(got.content)) == len(events)
    served = Calendar.from_ical(got.content)
    statuses = {str(v["uid"]): str(v["status"]) for v in served.walk("VEVENT")}
    assert statuses["session-9@copa.test"] == "CANCELLED"
    toronto_starts = {
        str(v["uid"]): v.decoded("dtstart").astimezone(TORONTO).strftime("%Y-%m-%d %H:%M")
        for v in served.walk("VEVENT")
    }
    assert toronto_starts["session-20@copa.test"] == "2026-03-08 10:00"
    assert toronto_starts["session-21@copa.test"] == "2026-11-01 10:00"
    assert datetime(2026, 3, 8, 14, tzinfo=UTC).astimezone(TORONTO).hour == 10
