"""The calendar pages (issue 12 item 4): FullCalendar on "My calendar" and on a program's
sessions page, fed by JSON endpoints that return the events of the visible range.

The endpoints show what the pages and feeds always showed (the personal feed's queries; the
program page's sessions), so an outsider never receives a program's events; times are UTC and
the browser shows them in the viewer's zone and language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.timehelp import next_dst_change

TORONTO = ZoneInfo("America/Toronto")
PASSWORD = "a-long-password-1"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 800}


@dataclass
class Cast:
    program: object
    other: object  # a program Alice and Bob belong to, the facilitator does not
    facilitator: object
    expert: object
    alice: object
    bob: object
    outsider: object


@pytest.fixture
def cast(make_program, make_member, make_user):
    program = make_program(title="CoPA Rémunération", timezone="America/Toronto", locale="en")
    other = make_program(title="CoPA Achats", timezone="America/Toronto", locale="en")
    facilitator = make_member(program, "facilitator", name="Fanny", password=PASSWORD).user
    expert = make_member(program, "expert", name="Eric Expert", password=PASSWORD).user
    alice = make_member(program, "participant", name="Alice Acme", password=PASSWORD).user
    bob = make_member(
        program, "participant", name="Bob Bolt", password=PASSWORD, locale="fr_CA"
    ).user
    make_member(other, "participant", user=alice)
    make_member(other, "participant", user=bob)
    make_member(other, "expert", user=expert)
    outsider = make_user(name="Olga Outsider", password=PASSWORD)
    return Cast(program, other, facilitator, expert, alice, bob, outsider)


@pytest.fixture
def add_session(db):
    """A session row at an aware ``start`` (no invites: these tests read the calendar)."""

    def add(program, title, start, minutes=90, status="scheduled"):
        from training.sessions.models import TrainingSession

        session = TrainingSession(
            program_id=program.id,
            title=title,
            description="",
            starts_at=start.astimezone(UTC),
            ends_at=(start + timedelta(minutes=minutes)).astimezone(UTC),
            status=status,
            cancel_reason="Speaker ill" if status == "cancelled" else None,
            sequence=1 if status == "cancelled" else 0,
        )
        db.session.add(session)
        db.session.commit()
        return session

    return add


@pytest.fixture
def add_booking(db):
    """A one-hour coaching slot of ``expert`` at ``start``, booked by ``participant``."""

    def add(program, expert, participant, start):
        from training.coaching.models import Booking, CoachingSlot

        slot = CoachingSlot(
            program_id=program.id,
            expert_id=expert.id,
            starts_at=start.astimezone(UTC),
            ends_at=(start + timedelta(hours=1)).astimezone(UTC),
        )
        db.session.add(slot)
        db.session.flush()
        booking = Booking(
            program_id=program.id,
            slot_id=slot.id,
            participant_id=participant.id,
            booked_by_id=participant.id,
        )
        db.session.add(booking)
        db.session.commit()
        return booking

    return add


def toronto(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TORONTO)


def soon(days: int, hour: int = 10) -> datetime:
    return toronto(datetime.now(TORONTO).date() + timedelta(days=days), hour)


def around_now(days: int = 40) -> dict:
    """A range FullCalendar could send: local midnights with their offsets."""
    today = datetime.now(TORONTO).date()
    return {
        "start": toronto(today - timedelta(days=days), 0).isoformat(),
        "end": toronto(today + timedelta(days=days), 0).isoformat(),
    }


def events(client, url, **params):
    r = client.get(url, query_string=params or around_now())
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def titles(evs) -> list[str]:
    return [e["title"] for e in evs]


# --- the JSON endpoints -------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["mine", "program"])
def test_the_range_is_validated_with_a_clear_400(client, cast, login, which):
    login(client, cast.alice)
    url = (
        "/me/calendar/events" if which == "mine" else f"/programs/{cast.program.id}/sessions/events"
    )
    cases = [
        ({}, "start"),
        ({"start": "2026-03-01"}, "end"),
        ({"start": "yesterday", "end": "2026-03-08"}, "start"),
        ({"start": "2026-03-01", "end": "2026-02-30"}, "end"),
        ({"start": "2026-03-08", "end": "2026-03-01"}, "end"),  # backwards
        ({"start": "2026-03-01", "end": "2026-03-01"}, "end"),  # empty
        ({"start": "2026-01-01", "end": "2026-04-12"}, "end"),  # 101 days
        ({"start": "0001-01-01", "end": "0001-02-01"}, "start"),
    ]
    for params, field in cases:
        r = client.get(url, query_string=params)
        assert r.status_code == 400, (params, r.status_code)
        error = r.get_json()["error"]
        assert error["field"] == field, (params, error)
        assert error["message"] and "Traceback" not in error["message"]
    r = client.get(url, query_string={"start": "2026-03-01"})
    assert "start" in r.get_json()["error"]["message"] and "end" in r.get_json()["error"]["message"]
    too_long = client.get(url, query_string={"start": "2026-01-01", "end": "2026-06-01"})
    assert too_long.get_json()["error"]["code"] == "range_too_long"
    assert "100 days" in too_long.get_json()["error"]["message"]
    # exactly 100 days, and what FullCalendar sends (offsets; a "+" that arrives as a space)
    assert (
        client.get(url, query_string={"start": "2026-01-01", "end": "2026-04-11"}).status_code
        == 200
    )
    fc = {"start": "2026-03-01T00:00:00 01:00", "end": "2026-03-08T00:00:00 01:00"}
    assert client.get(url, query_string={**fc, "timeZone": "Europe/Paris"}).status_code == 200


def test_my_calendar_holds_my_sessions_and_my_coaching_only(
    client, cast, login, add_session, add_booking
):
    pid = cast.program.id
    workshop = add_session(cast.program, "Pay bands", soon(5))
    add_session(cast.other, "Purchasing basics", soon(6))
    mine = add_booking(cast.program, cast.expert, cast.alice, soon(7, 14))
    add_booking(cast.program, cast.expert, cast.bob, soon(8, 14))

    login(client, cast.alice)
    got = events(client, "/me/calendar/events")
    assert titles(got) == [
        "Pay bands",
        "Purchasing basics",
        "Coaching: Alice Acme with Eric Expert",
    ]
    session, _other, coaching = got
    assert session["id"] == f"session-{workshop.id}"
    assert session["url"] == f"/sessions/{workshop.id}"
    assert session["start"] == soon(5).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert session["end"] == (soon(5) + timedelta(minutes=90)).astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert "copa-session" in session["classNames"] and "copa-past" not in session["classNames"]
    assert coaching["id"] == f"coaching-{mine.id}"
    assert coaching["url"] == f"/programs/{pid}/coaching"
    assert "copa-coaching" in coaching["classNames"]

    login(client, cast.expert)  # the expert: both bookings with them, and the sessions
    assert [t for t in titles(events(client, "/me/calendar/events")) if "Coaching" in t] == [
        "Coaching: Alice Acme with Eric Expert",
        "Coaching: Bob Bolt with Eric Expert",
    ]
    login(client, cast.facilitator)  # not a member of the other program, books nothing
    assert titles(events(client, "/me/calendar/events")) == ["Pay bands"]
    login(client, cast.outsider)
    assert events(client, "/me/calendar/events") == []


def test_an_outsider_gets_404_and_no_event_of_the_program(
    client, cast, login, add_session, add_booking, make_member, make_user
):
    pid = cast.program.id
    add_session(cast.program, "Pay bands", soon(5))
    add_session(cast.other, "Purchasing basics", soon(6))
    add_booking(cast.program, cast.expert, cast.alice, soon(7, 14))
    add_booking(cast.other, cast.expert, cast.alice, soon(9, 14))
    url = f"/programs/{pid}/sessions/events"

    login(client, cast.outsider)
    for path in (url, f"/programs/{pid}/sessions", "/programs/999999/sessions/events"):
        r = client.get(path, query_string=around_now())
        assert r.status_code == 404, path
        assert "Pay bands" not in r.get_data(as_text=True)
    assert client.get(url).status_code == 404  # membership first: no hint from validation

    login(client, cast.alice)  # her program's sessions and her coaching in it, nothing else
    got = events(client, url)
    assert titles(got) == ["Pay bands", "Coaching: Alice Acme with Eric Expert"]
    assert got[1]["url"] == f"/programs/{pid}/coaching"
    other = events(client, f"/programs/{cast.other.id}/sessions/events")
    assert titles(other) == ["Purchasing basics", "Coaching: Alice Acme with Eric Expert"]
    assert other[1]["url"] == f"/programs/{cast.other.id}/coaching"
    login(client, cast.bob)  # Alice's coaching is hers
    assert titles(events(client, url)) == ["Pay bands"]
    login(client, cast.facilitator)
    assert client.get(f"/programs/{cast.other.id}/sessions/events").status_code == 404
    admin = make_user(is_admin=True)
    login(client, admin)  # admins see every program, as on the page
    assert titles(events(client, f"/programs/{cast.other.id}/sessions/events")) == [
        "Purchasing basics"
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, cast):
    r = client.get("/me/calendar/events", query_string=around_now())
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    r = client.get(f"/programs/{cast.program.id}/sessions/events", query_string=around_now())
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_past_and_cancelled_sessions_are_marked(client, cast, login, add_session):
    now = datetime.now(UTC)
    add_session(cast.program, "Held", now - timedelta(hours=3), minutes=60)
    add_session(cast.program, "Under way", now - timedelta(minutes=30), minutes=90)
    add_session(cast.program, "Dropped", now + timedelta(days=2), status="cancelled")
    login(client, cast.alice)
    url = f"/programs/{cast.program.id}/sessions/events"
    by_title = {e["title"]: e for e in events(client, url)}
    assert set(by_title) == {"Held", "Under way", "Dropped (cancelled)"}
    assert "copa-past" in by_title["Held"]["classNames"]
    assert "copa-past" not in by_title["Under way"]["classNames"]  # not over yet
    dropped = by_title["Dropped (cancelled)"]
    assert "copa-cancelled" in dropped["classNames"] and "copa-past" not in dropped["classNames"]
    assert dropped["extendedProps"]["status"] == "cancelled"
    # the personal feed keeps a cancelled session for 30 days: so does My calendar
    mine = {e["title"]: e for e in events(client, "/me/calendar/events")}
    assert "copa-cancelled" in mine["Dropped (cancelled)"]["classNames"]


def test_a_dst_week_in_toronto_gives_the_right_utc_times(client, cast, login, add_session):
    sunday = next_dst_change(forward=True)  # clocks spring forward at 02:00
    monday_before = sunday - timedelta(days=6)
    add_session(cast.program, "Saturday 10:00 EST", toronto(sunday - timedelta(days=1), 10))
    add_session(cast.program, "Sunday 10:00 EDT", toronto(sunday, 10))
    add_session(cast.program, "Sunday 23:30 EDT", toronto(sunday, 23, 30), minutes=20)
    add_session(
        cast.program, "The Sunday before", toronto(monday_before - timedelta(days=1), 23), 30
    )
    login(client, cast.alice)
    # the week as FullCalendar asks for it in America/Toronto: the offsets differ at each end
    week = {
        "start": toronto(monday_before, 0).isoformat(),
        "end": toronto(sunday + timedelta(days=1), 0).isoformat(),
        "timeZone": "America/Toronto",
    }
    assert week["start"].endswith("-05:00") and week["end"].endswith("-04:00")
    got = events(client, f"/programs/{cast.program.id}/sessions/events", **week)
    saturday = (sunday - timedelta(days=1)).isoformat()
    assert [(e["title"], e["start"]) for e in got] == [
        ("Saturday 10:00 EST", f"{saturday}T15:00:00Z"),
        ("Sunday 10:00 EDT", f"{sunday.isoformat()}T14:00:00Z"),
        ("Sunday 23:30 EDT", f"{(sunday + timedelta(days=1)).isoformat()}T03:30:00Z"),
    ]
    # the same week without offsets: wall times in the timeZone FullCalendar names
    naive = {k: v[:19] if k != "timeZone" else v for k, v in week.items()}
    assert events(client, f"/programs/{cast.program.id}/sessions/events", **naive) == got
    # and in the viewer's own zone when none is named (Alice reads Toronto by default)
    del naive["timeZone"]
    assert events(client, "/me/calendar/events", **naive) == got


# --- in chromium --------------------------------------------------------------------------------


def _sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/login")
    page.fill('input[name="email"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")


def _calendar(page, path):
    page.goto(path)
    page.wait_for_selector("#copa-calendar .fc-view-harness")
    page.wait_for_selector('#copa-calendar[aria-busy="false"]')


@pytest.mark.browser
def test_month_grid_shows_sessions_in_the_viewers_zone_and_a_click_opens_the_page(
    page, cast, db, add_session, add_booking
):
    session = add_session(cast.program, "Pay bands", soon(3, 10))
    add_booking(cast.program, cast.expert, cast.alice, soon(2, 14))
    cast.alice.timezone = "Europe/Paris"
    cast.alice.locale = "fr_CA"
    db.session.commit()
    paris = soon(3, 10).astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M")
    page.set_viewport_size(DESKTOP)
    _sign_in(page, cast.alice)
    _calendar(page, f"/programs/{cast.program.id}/sessions")
    assert page.locator(".fc-dayGridMonth-view").count() == 1  # desktop: the month grid
    event = page.locator(".fc-daygrid-day .fc-event.copa-session", has_text="Pay bands")
    assert event.count() == 1
    assert paris in event.inner_text()  # 10:00 in Toronto, shown at Paris time (24 h)
    assert page.get_attribute("#copa-calendar", "data-time-zone") == "Europe/Paris"
    day = soon(3, 10).astimezone(ZoneInfo("Europe/Paris")).date().isoformat()
    assert page.locator(f'.fc-daygrid-day[data-date="{day}"] .fc-event').count() == 1
    assert page.locator(".fc-daygrid-day.fc-day-today").count() == 1  # today stands out
    coaching = page.locator(".fc-event.copa-coaching")
    assert coaching.count() == 1 and "Eric Expert" in coaching.inner_text()
    with page.expect_navigation():
        event.click()
    assert page.url.endswith(f"/sessions/{session.id}")
    assert "Pay bands" in page.inner_text("h1")
    _calendar(page, "/me/calendar")  # My calendar: the coaching opens the coaching page
    with page.expect_navigation():
        page.locator(".fc-event.copa-coaching").click()
    assert page.url.endswith(f"/programs/{cast.program.id}/coaching")


@pytest.mark.browser
def test_week_view_has_a_time_axis_and_a_now_indicator(page, cast, add_session):
    add_session(cast.program, "Pay bands", soon(0, 10))
    page.set_viewport_size(DESKTOP)
    _sign_in(page, cast.alice)  # the browser is fr-CA, Alice reads English
    _calendar(page, "/me/calendar")
    page.click(".fc-timeGridWeek-button")
    page.wait_for_selector(".fc-timeGridWeek-view")
    labels = page.locator(".fc-timegrid-slot-label-cushion").all_inner_texts()
    assert len(labels) == 24 and "2pm" in labels
    assert page.locator(".fc-timegrid-now-indicator-line").count() == 1
    assert page.locator(".fc-timegrid-now-indicator-arrow").count() == 1
    assert page.locator(".fc-col-header-cell.fc-day-today").count() == 1
    assert page.locator(".fc-timegrid-event.copa-session", has_text="Pay bands").count() == 1

    _sign_in(page, cast.bob)  # Bob reads French: a 24 h axis and French buttons
    _calendar(page, "/me/calendar")
    page.click(".fc-timeGridWeek-button")
    page.wait_for_selector(".fc-timeGridWeek-view")
    labels = page.locator(".fc-timegrid-slot-label-cushion").all_inner_texts()
    assert labels[:3] == ["00:00", "01:00", "02:00"] and "14:00" in labels
    assert page.locator(".fc-timegrid-now-indicator-line").count() == 1
    assert page.inner_text(".fc-dayGridMonth-button") == "Mois"
    assert page.get_attribute("#copa-calendar", "data-locale") == "fr-ca"


@pytest.mark.browser
def test_a_dst_week_shows_local_wall_times(page, cast, db, add_session):
    cast.alice.locale = "fr_CA"
    db.session.commit()
    sunday = next_dst_change(forward=True)
    add_session(cast.program, "Before", toronto(sunday - timedelta(days=1), 10))
    add_session(cast.program, "After", toronto(sunday, 10))  # after the 02:00 change
    page.set_viewport_size(DESKTOP)
    _sign_in(page, cast.alice)
    _calendar(page, f"/programs/{cast.program.id}/sessions?week={sunday.isoformat()}")
    page.click(".fc-timeGridWeek-button")
    page.wait_for_selector(".fc-timeGridWeek-view")
    page.wait_for_selector('#copa-calendar[aria-busy="false"]')
    for title in ("Before", "After"):  # both at 10:00 on the wall, an hour apart in UTC
        text = page.locator(".fc-timegrid-event", has_text=title).inner_text()
        assert "10:00" in text, (title, text)


@pytest.mark.browser
def test_on_a_phone_the_calendar_opens_as_a_list_and_fits(page, cast, add_session, add_booking):
    # today (the list opens on this month)
    add_session(cast.program, "Structure salariale et équité interne", soon(0, 12))
    add_booking(cast.program, cast.expert, cast.alice, soon(0, 15))
    page.set_viewport_size(PHONE)
    _sign_in(page, cast.alice)
    for path in (f"/programs/{cast.program.id}/sessions", "/me/calendar"):
        _calendar(page, path)
        assert page.locator(".fc-listMonth-view").count() == 1, path
        assert page.locator(".fc-dayGridMonth-view").count() == 0, path
        assert page.locator(".fc-list-event", has_text="Structure salariale").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        page.click(".fc-timeGridWeek-button")  # the other views fit too
        page.wait_for_selector(".fc-timeGridWeek-view")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        page.click(".fc-dayGridMonth-button")
        page.wait_for_selector(".fc-dayGridMonth-view")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path


@pytest.mark.browser
def test_past_events_are_greyed(page, cast, add_session):
    now = datetime.now(UTC)
    add_session(cast.program, "Already held", now - timedelta(hours=2), minutes=60)
    add_session(cast.program, "Still ahead", now + timedelta(hours=3), minutes=60)
    page.set_viewport_size(DESKTOP)
    _sign_in(page, cast.alice)
    _calendar(page, f"/programs/{cast.program.id}/sessions")
    held = page.locator(".fc-event", has_text="Already held")
    ahead = page.locator(".fc-event", has_text="Still ahead")
    assert "copa-past" in held.get_attribute("class")
    assert "copa-past" not in ahead.get_attribute("class")

    def background(locator):
        return locator.evaluate("e => getComputedStyle(e).backgroundColor")

    assert background(held) == "rgb(233, 236, 239)"  # grey
    assert background(ahead) == "rgb(11, 110, 79)"  # Copa's green
    text = held.evaluate("e => getComputedStyle(e.querySelector('.fc-event-main')).color")
    assert text == "rgb(79, 91, 105)"  # dark grey text: still readable
