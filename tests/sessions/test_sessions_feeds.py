"""Personal feeds: secret URL, content, ETag/304, rotation, program-wide feed, CalDAV."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from icalendar import Calendar

from tests.calendar.radicale_checks import check_feed, meaning


def _path(url: str) -> str:
    return urlsplit(url).path


def _links(client, user, auth_headers):
    r = client.get("/api/v1/me/calendar", headers=auth_headers(user))
    assert r.status_code == 200
    return r.get_json()


def test_feed_url_is_secret_and_serves_the_members_sessions(
    client, cast, auth_headers, create_session, make_program, make_member, db
):
    from training.calendar.models import CalendarFeed

    session = create_session(title="Pricing workshop", join_url="https://meet.example/x")
    other_program = make_program(title="Someone else's program")
    make_member(other_program, "participant", user=cast.outsider)
    links = _links(client, cast.alice, auth_headers)
    assert links["webcal_url"].startswith("webcal://copa.test/calendar/")
    assert links["google_url"].startswith("https://calendar.google.com/calendar/r?cid=webcal")
    token = _path(links["feed_url"]).rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
    stored = db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.user_id == cast.alice.id))
    assert token not in (stored.token_hash, stored.salt)
    assert _links(client, cast.alice, auth_headers) == links  # same URL when asked again

    r = client.get(_path(links["feed_url"]))
    assert r.status_code == 200
    assert r.mimetype == "text/calendar"
    calendar = Calendar.from_ical(r.data)
    assert "METHOD" not in calendar
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in r.data
    assert b"X-PUBLISHED-TTL:PT1H" in r.data
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Pricing workshop"
    assert int(vevent["sequence"]) == session["sequence"]
    assert "https://meet.example/x" in str(vevent["description"])
    assert check_feed(r.data)[0].uid == str(vevent["uid"])
    # a feed never leaks another program's sessions
    outsider = _links(client, cast.outsider, auth_headers)
    assert Calendar.from_ical(client.get(_path(outsider["feed_url"])).data).walk("VEVENT") == []


def test_etag_304_and_change(client, cast, auth_headers, create_session):
    session = create_session()
    path = _path(_links(client, cast.bob, auth_headers)["feed_url"])
    first = client.get(path)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    again = client.get(path)
    assert again.headers["ETag"] == etag and again.data == first.data
    not_modified = client.get(path, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    client.patch(
        f"/api/v1/sessions/{session['id']}",
        json={"title": "Renamed"},
        headers=auth_headers(cast.facilitator),
    )
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert b"SUMMARY:Renamed" in changed.data


def test_cancelled_session_stays_in_the_feed_as_cancelled(
    client, cast, auth_headers, create_session
):
    session = create_session()
    client.delete(
        f"/api/v1/sessions/{session['id']}",
        json={"reason": "Speaker ill"},
        headers=auth_headers(cast.facilitator),
    )
    path = _path(_links(client, cast.alice, auth_headers)["feed_url"])
    (vevent,) = Calendar.from_ical(client.get(path).data).walk("VEVENT")
    assert str(vevent["status"]) == "CANCELLED"
    assert int(vevent["sequence"]) == 1


def test_rotated_token_answers_404(client, cast, auth_headers, create_session):
    create_session()
    old = _links(client, cast.alice, auth_headers)
    assert client.get(_path(old["feed_url"])).status_code == 200
    r = client.post("/api/v1/me/calendar/rotate", headers=auth_headers(cast.alice))
    assert r.status_code == 200
    new = r.get_json()
    assert new["feed_url"] != old["feed_url"]
    assert client.get(_path(old["feed_url"])).status_code == 404
    assert client.get(_path(new["feed_url"])).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_program_wide_feed_is_for_facilitators(client, cast, auth_headers, create_session, future):
    create_session(title="One")
    create_session(title="Two", starts_at=future(days=8))
    links = _links(client, cast.facilitator, auth_headers)
    (program_feed,) = links["program_feeds"]
    r = client.get(_path(program_feed["feed_url"]))
    assert r.status_code == 200
    titles = sorted(str(v["summary"]) for v in Calendar.from_ical(r.data).walk("VEVENT"))
    assert titles == ["One", "Two"]
    assert _links(client, cast.alice, auth_headers)["program_feeds"] == []
    alice = _path(_links(client, cast.alice, auth_headers)["feed_url"])
    forged = alice.removesuffix(".ics") + f"/programs/{cast.program.id}.ics"
    assert client.get(forged).status_code == 404


def test_feed_round_trips_through_caldav(
    client, cast, auth_headers, create_session, radicale_server, future
):
    create_session(title="Première séance, «accents»", description="Line one\nLine two; ok")
    create_session(title="Second", starts_at=future(days=9))
    body = client.get(_path(_links(client, cast.alice, auth_headers)["feed_url"])).data
    collection = radicale_server.new_path()
    put = requests.put(collection, data=body, headers={"Content-Type": "text/calendar"}, timeout=10)
    assert put.status_code == 201, put.text
    got = requests.get(collection, timeout=10)
    assert meaning(got.content) == meaning(body)
    assert len(meaning(body)) == 2


def test_registered_sources_add_events_to_the_personal_feed(client, cast, auth_headers):
    from datetime import UTC, datetime, timedelta

    from training.calendar import CalendarEvent, register_feed_source
    from training.calendar.sources import _sources

    booked = {"sequence": 0}

    def coaching_like(user_id):
        if user_id != cast.alice.id:
            return []
        start = datetime(2027, 2, 1, 15, tzinfo=UTC)
        return [
            CalendarEvent(
                uid="coaching-1@copa.test",
                sequence=booked["sequence"],
                summary="Coaching",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                last_modified=datetime(2026, 11, 1, tzinfo=UTC),
            )
        ]

    register_feed_source("zz-test", coaching_like)
    try:
        path = _path(_links(client, cast.alice, auth_headers)["feed_url"])
        first = client.get(path)
        summaries = [str(v["summary"]) for v in Calendar.from_ical(first.data).walk("VEVENT")]
        assert "Coaching" in summaries
        booked["sequence"] = 1  # no fingerprint: the ETag follows the events themselves
        assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
        bob = _path(_links(client, cast.bob, auth_headers)["feed_url"])
        assert b"Coaching" not in client.get(bob).data
    finally:
        _sources.pop("zz-test", None)


def test_etag_changes_with_the_feed_language(client, cast, auth_headers, create_session, db):
    create_session(join_url="https://meet.example/x")
    path = _path(_links(client, cast.alice, auth_headers)["feed_url"])
    english = client.get(path).headers["ETag"]
    cast.alice.locale = "fr_CA"
    db.session.commit()
    assert client.get(path).headers["ETag"] != english


def test_weak_validator_from_a_proxy_still_gets_304(client, cast, auth_headers, create_session):
    create_session()
    path = _path(_links(client, cast.alice, auth_headers)["feed_url"])
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other", ' + etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_cancelled_session_leaves_the_feeds_after_30_days(
    client, cast, auth_headers, create_session, db
):
    from datetime import timedelta

    from training.db import utcnow
    from training.sessions.models import TrainingSession

    kept = create_session(title="Kept")
    gone = create_session(title="Cancelled long ago")
    client.delete(
        f"/api/v1/sessions/{gone['id']}",
        json={"reason": "Speaker ill"},
        headers=auth_headers(cast.facilitator),
    )
    personal = _path(_links(client, cast.alice, auth_headers)["feed_url"])
    (program_wide,) = _links(client, cast.facilitator, auth_headers)["program_feeds"]
    paths = (personal, _path(program_wide["feed_url"]))
    before = {}
    for path in paths:
        r = client.get(path)
        titles = {
            str(v["summary"]): str(v["status"]) for v in Calendar.from_ical(r.data).walk("VEVENT")
        }
        assert titles == {"Kept": "CONFIRMED", "Cancelled long ago": "CANCELLED"}
        before[path] = r.headers["ETag"]

    session = db.session.get(TrainingSession, gone["id"])
    session.updated_at = utcnow() - timedelta(days=29, hours=23)
    db.session.commit()
    assert b"Cancelled long ago" in client.get(personal).data  # still inside the 30 days

    session = db.session.get(TrainingSession, gone["id"])
    session.updated_at = utcnow() - timedelta(days=30, minutes=1)
    db.session.commit()
    for path in paths:
        r = client.get(path, headers={"If-None-Match": before[path]})
        assert r.status_code == 200  # the content changed, so did the ETag
        titles = [str(v["summary"]) for v in Calendar.from_ical(r.data).walk("VEVENT")]
        assert titles == ["Kept"]
    assert kept["status"] == "scheduled"


def test_etag_follows_the_translated_link_labels(
    client, cast, auth_headers, create_session, monkeypatch
):
    """A new translation of the "Join:" line changes the feed's text, so it changes the ETag."""
    from training.calendar import ical

    create_session(join_url="https://meet.example/x")
    path = _path(_links(client, cast.alice, auth_headers)["feed_url"])
    before = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": before}).status_code == 304
    monkeypatch.setattr(ical, "_link_labels", lambda locale: ("Link: \x00", "Page: \x00"))
    assert client.get(path, headers={"If-None-Match": before}).status_code == 200


def test_a_stored_name_with_a_line_break_still_gets_its_feed(
    client, cast, auth_headers, create_session, db
):
    # a name saved before names were validated (issue 11, item 14): the feed answers, one line
    create_session()
    cast.alice.name = "Alice\r\nX-EVIL:1"
    db.session.commit()
    path = _path(_links(client, cast.alice, auth_headers)["feed_url"])
    r = client.get(path)
    assert r.status_code == 200
    assert b"\r\nX-EVIL" not in r.data
    assert Calendar.from_ical(r.data).walk("VEVENT")
