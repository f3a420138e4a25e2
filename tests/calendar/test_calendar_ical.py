"""iCalendar rendering: invites and feeds parse with icalendar and pass Radicale's checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.calendar.radicale_checks import check_feed, check_invite, meaning
from training.calendar import (
    Attendee,
    CalendarEvent,
    Organizer,
    feed_etag,
    render_feed,
    render_invite,
)

TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


def make_event(n: int = 1, **changes) -> CalendarEvent:
    start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC) + timedelta(days=7 * n)
    values = dict(
        uid=f"session-{n}@copa.test",
        sequence=0,
        summary=f'Session {n}: pricing, margins; "tips" — été',
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        last_modified=datetime(2026, 2, 1, 9, 30, tzinfo=UTC),
        created=datetime(2026, 1, 15, 8, 0, tzinfo=UTC),
        description="Bring your numbers.\nWe will work in small groups. " * 3,
        url=f"https://copa.test/sessions/{n}",
        join_url=f"https://meet.test/room-{n}?pwd=a,b;c",
        organizer=Organizer("facilitator@copa.test", "Anne Facilitatrice"),
        attendees=(Attendee("bob@acme.test", "Bob Durand, Jr.", "REQ-PARTICIPANT"),),
        timezone="America/Toronto",
    )
    values.update(changes)
    return CalendarEvent(**values)


def test_request_invite_has_what_itip_clients_need():
    ics = render_invite(make_event(), "REQUEST")
    calendar = Calendar.from_ical(ics)
    assert calendar["method"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert len(calendar.subcomponents) == 1
    assert vevent["uid"] == "session-1@copa.test"
    assert vevent["sequence"] == 0
    assert vevent.decoded("dtstart") == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    assert b"DTSTART:20260309T140000Z\r\n" in ics  # UTC, no floating time
    assert vevent.decoded("dtstamp") == datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
    assert str(vevent["organizer"]) == "mailto:facilitator@copa.test"
    assert vevent["organizer"].params["CN"] == "Anne Facilitatrice"
    attendee = vevent["attendee"]
    assert str(attendee) == "mailto:bob@acme.test"
    assert attendee.params["CN"] == "Bob Durand, Jr."
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    description = str(vevent["description"])
    assert "https://meet.test/room-1?pwd=a,b;c" in description
    assert "https://copa.test/sessions/1" in description
    assert str(vevent["summary"]).endswith("— été")
    assert vevent["status"] == "CONFIRMED"
    item = check_invite(ics)
    assert item.uid == "session-1@copa.test"


def test_cancel_invite_keeps_uid_and_is_cancelled():
    event = make_event(sequence=3)
    ics = render_invite(event, "CANCEL")
    calendar = Calendar.from_ical(ics)
    assert calendar["method"] == "CANCEL"
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["uid"] == event.uid
    assert vevent["sequence"] == 3
    assert vevent["status"] == "CANCELLED"
    check_invite(ics)


def test_invite_rejects_inconsistent_input():
    with pytest.raises(ValueError):
        render_invite(make_event(status="CANCELLED"), "REQUEST")
    with pytest.raises(ValueError):
        render_invite(make_event(attendees=()), "REQUEST")
    with pytest.raises(ValueError):
        render_invite(make_event(), "PUBLISH")
    with pytest.raises(ValueError):
        make_event(ends_at=datetime(2026, 3, 9, 13, 0, tzinfo=UTC))
    with pytest.raises(ValueError):
        make_event(starts_at=datetime(2026, 3, 9, 14, 0))
    with pytest.raises(ValueError):
        make_event(timezone="Mars/Olympus")


def test_rendering_is_a_pure_function_of_stored_data():
    first = render_invite(make_event(), "REQUEST")
    assert render_invite(make_event(), "REQUEST") == first
    assert render_feed([make_event()], "Copa", now=NOW) == render_feed(
        [make_event()], "Copa", now=NOW + timedelta(days=3)
    )
    changed = render_invite(make_event(sequence=1, summary="New title"), "REQUEST")
    assert changed != first


def test_feed_has_no_method_and_refresh_hints():
    events = [make_event(n) for n in range(1, 6)]
    ics = render_feed(reversed(events), "Copa — Anne", now=NOW)
    calendar = Calendar.from_ical(ics)
    assert "METHOD" not in calendar
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in ics
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in ics
    assert calendar["x-wr-calname"] == "Copa — Anne"
    uids = [str(v["uid"]) for v in calendar.walk("VEVENT")]
    assert uids == [e.uid for e in events]  # sorted by start
    items = check_feed(ics)
    assert sorted(i.uid for i in items) == sorted(uids)


def test_feed_keeps_cancelled_events_for_30_days():
    live = make_event(1)
    recent = make_event(2, status="CANCELLED", sequence=2, last_modified=NOW - timedelta(days=29))
    old = make_event(3, status="CANCELLED", sequence=2, last_modified=NOW - timedelta(days=31))
    calendar = Calendar.from_ical(render_feed([live, recent, old], "Copa", now=NOW))
    statuses = {str(v["uid"]): str(v["status"]) for v in calendar.walk("VEVENT")}
    assert statuses == {live.uid: "CONFIRMED", recent.uid: "CANCELLED"}


def test_feed_keeps_only_the_latest_copy_of_a_uid():
    older = make_event(1, sequence=1)
    newer = make_event(1, sequence=2, summary="Moved")
    calendar = Calendar.from_ical(render_feed([newer, older], "Copa", now=NOW))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["summary"] == "Moved"


def test_etag_follows_content_not_the_clock():
    events = [make_event(n) for n in range(1, 4)]
    tag = feed_etag(events, "Copa", now=NOW)
    assert tag.startswith('"') and tag.endswith('"')
    assert feed_etag(list(reversed(events)), "Copa", now=NOW + timedelta(hours=5)) == tag
    edited = [events[0].replace(summary="Renamed", sequence=1), *events[1:]]
    assert feed_etag(edited, "Copa", now=NOW) != tag
    assert feed_etag(events, "Other name", now=NOW) != tag
    cancelled = [events[0].replace(status="CANCELLED", sequence=1, last_modified=NOW)]
    fresh = feed_etag(cancelled, "Copa", now=NOW)
    assert feed_etag(cancelled, "Copa", now=NOW + timedelta(days=31)) != fresh


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        ("2026-03-07", 15),  # EST (UTC-5)
        ("2026-03-08", 14),  # DST starts at 02:00: EDT (UTC-4)
        ("2026-10-31", 14),  # EDT
        ("2026-11-01", 15),  # DST ends at 02:00: EST
    ],
)
def test_dst_days_keep_the_local_wall_clock(day, utc_hour):
    local_start = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TORONTO)
    event = make_event(starts_at=local_start, ends_at=local_start + timedelta(hours=1))
    for ics in (render_invite(event, "REQUEST"), render_feed([event], "Copa", now=NOW)):
        (vevent,) = Calendar.from_ical(ics).walk("VEVENT")
        start = vevent.decoded("dtstart")
        assert start.hour == utc_hour and start.utcoffset() == timedelta(0)
        assert start.astimezone(TORONTO).hour == 10
        assert vevent.decoded("dtend") - start == timedelta(hours=1)
    check_invite(render_invite(event, "REQUEST"))


def test_session_across_the_fall_back_hour_lasts_its_real_duration():
    # 00:30 EDT to 02:30 EST on 2026-11-01 is three hours of real time.
    start = datetime(2026, 11, 1, 0, 30, tzinfo=TORONTO)
    end = datetime(2026, 11, 1, 2, 30, tzinfo=TORONTO)
    event = make_event(starts_at=start, ends_at=end)
    (vevent,) = Calendar.from_ical(render_invite(event, "REQUEST")).walk("VEVENT")
    assert vevent.decoded("dtstart") == datetime(2026, 11, 1, 4, 30, tzinfo=UTC)
    assert vevent.decoded("dtend") - vevent.decoded("dtstart") == timedelta(hours=3)


def test_meaning_survives_a_parse_round_trip():
    events = [make_event(n, sequence=n) for n in range(1, 4)]
    ics = render_feed(events, "Copa", now=NOW)
    assert meaning(Calendar.from_ical(ics).to_ical()) == meaning(ics)
    assert set(meaning(ics)) == {e.uid for e in events}


def test_control_characters_in_a_stored_name_never_break_a_feed_or_invite():
    # a name saved before names were validated (issue 11, item 14): CR/LF, tab, NUL
    event = make_event(
        organizer=Organizer("facilitator@copa.test", "Anne\r\nX-EVIL:1"),
        attendees=(Attendee("bob@acme.test", "Bob\r\n\tDurand\x00", "REQ-PARTICIPANT"),),
    )
    for ics in (render_invite(event, "REQUEST"), render_feed([event], "Copa — Anne\r\nX", now=NOW)):
        assert b"\r\nX-EVIL" not in ics
        (vevent,) = Calendar.from_ical(ics).walk("VEVENT")
        assert vevent["organizer"].params["CN"] == "Anne X-EVIL:1"
        assert vevent["attendee"].params["CN"] == "Bob Durand"
