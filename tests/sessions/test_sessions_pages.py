"""Session pages: calendar, form, session page (join link, RSVP, materials, attendance)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.timehelp import iso, next_dst_change


@pytest.fixture
def past_session(cast, db):
    """A session that started an hour ago (scheduled with an earlier clock)."""
    from training.sessions.operations import schedule_session
    from training.sessions.validation import SessionInput

    start = datetime.now(UTC) - timedelta(hours=1)
    session = schedule_session(
        cast.program,
        SessionInput(title="Yesterday's", starts_at=start.isoformat(), duration_minutes=90),
        now=start - timedelta(days=1),
    )
    db.session.commit()
    return session


def _titles(client, url: str, start: str, end: str) -> dict[str, str]:
    """Title -> start (UTC) of the calendar's events between two dates, as the page's
    FullCalendar asks for them."""
    answer = client.get(f"{url}/events?start={start}&end={end}")
    assert answer.status_code == 200
    return {e["title"]: e["start"] for e in answer.get_json()}


def test_calendar_page_shows_progress_and_the_sessions_of_the_range(
    client, cast, login, create_session, future, auth_headers
):
    from datetime import date

    in_ten_days = future(days=10, hour=9)
    create_session(title="Week one", starts_at=in_ten_days)
    create_session(title="Later", starts_at=future(days=40))
    dropped = create_session(title="Dropped", starts_at=future(days=11))
    client.delete(
        f"/api/v1/sessions/{dropped['id']}",
        json={"reason": "Speaker ill"},
        headers=auth_headers(cast.facilitator),
    )
    login(client, cast.alice)
    url = f"/programs/{cast.program.id}/sessions"
    page = client.get(url).get_data(as_text=True)
    assert "2 of 10 planned sessions scheduled" in page  # the cancelled one does not count
    assert f'data-events-url="{url}/events"' in page
    day = date.fromisoformat(in_ten_days[:10])
    week = _titles(client, url, day.isoformat(), (day + timedelta(days=7)).isoformat())
    assert "Week one" in week and "Dropped (cancelled)" in week and "Later" not in week
    # ?week= (the old week links) opens the calendar on that day
    assert f'data-initial-date="{day.isoformat()}"' in client.get(f"{url}?week={day}").get_data(
        as_text=True
    )
    assert "Schedule a session" not in page  # participants do not schedule
    login(client, cast.facilitator)
    page = client.get(url).get_data(as_text=True)
    assert "Schedule a session" in page


def test_calendar_is_in_the_viewers_zone(client, cast, login, db, create_session):
    dst = next_dst_change(forward=True)  # Toronto is on EDT (-4), Paris still on CET (+1)
    session = create_session(title="Zoned", starts_at=iso(dst, "10:00"))
    cast.alice.timezone = "Europe/Paris"
    db.session.commit()
    login(client, cast.alice)
    page = client.get(f"/sessions/{session['id']}").get_data(as_text=True)
    assert "15:00" in page and "Europe/Paris" in page
    url = f"/programs/{cast.program.id}/sessions"
    calendar = client.get(f"{url}?week={dst}").get_data(as_text=True)
    assert 'data-time-zone="Europe/Paris"' in calendar
    # 10:00 in Toronto on EDT is 14:00 UTC, which the widget shows at 15:00 in Paris
    assert _titles(client, url, dst.isoformat(), (dst + timedelta(days=1)).isoformat()) == {
        "Zoned": f"{dst.isoformat()}T14:00:00Z"
    }


def test_form_schedules_and_reports_errors(client, cast, login, future, db):
    from training.sessions.models import TrainingSession

    login(client, cast.facilitator)
    url = f"/programs/{cast.program.id}/sessions/new"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        data={"title": "X", "starts_at": future(), "duration_minutes": "0", "timezone": ""},
    )
    assert bad.status_code == 422
    assert "at most 12 hours" in bad.get_data(as_text=True)
    good = client.post(
        url,
        data={
            "title": "From the form",
            "starts_at": future(),
            "duration_minutes": "60",
            "timezone": "America/Toronto",
            "join_url": "https://meet.example/f",
            "description": "",
        },
    )
    assert good.status_code == 302
    session = db.session.scalar(db.select(TrainingSession))
    assert session.title == "From the form"
    login(client, cast.alice)
    assert client.get(url).status_code == 403


def test_join_link_appears_15_minutes_before(client, cast, login, create_session, future):
    from training.db import utcnow

    soon = (utcnow() + timedelta(minutes=10)).astimezone().strftime("%Y-%m-%dT%H:%M%z")
    near = create_session(title="Soon", starts_at=soon, join_url="https://meet.example/soon")
    later = create_session(title="Later", join_url="https://meet.example/later")
    login(client, cast.alice)
    assert "https://meet.example/soon" in client.get(f"/sessions/{near['id']}").get_data(
        as_text=True
    )
    page = client.get(f"/sessions/{later['id']}").get_data(as_text=True)
    assert "https://meet.example/later" not in page
    assert "15 minutes before" in page
    # 20 minutes ahead is still too early
    twenty = (utcnow() + timedelta(minutes=20)).astimezone().strftime("%Y-%m-%dT%H:%M%z")
    early = create_session(title="Early", starts_at=twenty, join_url="https://meet.example/early")
    page = client.get(f"/sessions/{early['id']}").get_data(as_text=True)
    assert "https://meet.example/early" not in page and "15 minutes before" in page


def test_rsvp_from_the_page_and_counts_for_the_facilitator(client, cast, login, create_session):
    sid = create_session()["id"]
    login(client, cast.alice)
    assert client.post(f"/sessions/{sid}/rsvp", data={"response": "yes"}).status_code == 302
    login(client, cast.bob)
    client.post(f"/sessions/{sid}/rsvp", data={"response": "maybe"})
    page = client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Alice Acme" in page  # who is coming
    assert "Yes: 1" not in page  # counts are for the facilitator
    login(client, cast.facilitator)
    page = client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Yes: 1 · No: 0 · Maybe: 1" in page


def test_materials_upload_and_download(client, cast, login, create_session, auth_headers):
    sid = create_session()["id"]
    content = b"%PDF-1.4 slides\n" * 100
    r = client.post(
        f"/api/v1/sessions/{sid}/materials",
        data={"file": (io.BytesIO(content), "Slides été.pdf")},
        headers=auth_headers(cast.expert),
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    material = r.get_json()
    assert material["size_bytes"] == len(content)
    login(client, cast.alice)
    page = client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Slides été.pdf" in page
    download = client.get(material["url"])
    assert download.status_code == 200 and download.data == content
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    r = client.post(
        f"/api/v1/sessions/{sid}/materials",
        data={"file": (io.BytesIO(b"x"), "x.txt")},
        headers=auth_headers(cast.alice),
        content_type="multipart/form-data",
    )
    assert r.status_code == 403
    login(client, cast.outsider)
    assert client.get(material["url"]).status_code == 404


def test_attendance_marked_after_start_and_shown_on_member_page(
    client, cast, login, past_session, create_session, auth_headers
):
    login(client, cast.facilitator)
    page = client.get(f"/sessions/{past_session.id}").get_data(as_text=True)
    assert "Save attendance" in page
    r = client.post(
        f"/sessions/{past_session.id}/attendance",
        data={f"user-{cast.alice.id}": "present", f"user-{cast.bob.id}": "absent"},
    )
    assert r.status_code == 302
    members = client.get(f"/programs/{cast.program.id}/members").get_data(as_text=True)
    assert "attended 1, absent 0" in members
    assert "attended 0, absent 1" in members
    # not before the start, and not by participants
    upcoming = create_session()["id"]
    r = client.put(
        f"/api/v1/sessions/{upcoming}/attendance",
        json={"marks": [{"user_id": cast.alice.id, "status": "present"}]},
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 409
    login(client, cast.alice)
    r = client.put(
        f"/api/v1/sessions/{past_session.id}/attendance",
        json={"marks": [{"user_id": cast.alice.id, "status": "absent"}]},
    )
    assert r.status_code == 403
    members = client.get(f"/programs/{cast.program.id}/members").get_data(as_text=True)
    assert "attended 1, absent 0" in members  # her own
    assert "attended 0, absent 1" not in members  # not Bob's


def test_my_calendar_page_and_rotation(client, cast, login):
    login(client, cast.alice)

    def current():
        page = client.get("/me/calendar").get_data(as_text=True)
        assert 'href="webcal://copa.test/calendar/' in page
        assert 'href="https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F' in page
        (url,) = re.findall(r'value="http://copa\.test(/calendar/[^"]+\.ics)"', page)
        return url

    before = current()
    assert current() == before  # the page shows the same address on every visit
    assert client.get(before).status_code == 200
    assert client.post("/me/calendar/rotate").status_code == 302
    after = current()
    assert after != before
    assert client.get(before).status_code == 404
    assert client.get(after).status_code == 200


def test_demo_seed_has_ten_sessions_with_attendance(app, db):
    from training.seed import seed_demo
    from training.sessions.models import SessionAttendance, TrainingSession

    seed_demo()
    db.session.commit()
    from training.db import utcnow

    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 10
    held = db.session.scalar(
        db.select(db.func.count(TrainingSession.id)).where(TrainingSession.ends_at < utcnow())
    )
    assert held in (3, 4)  # weekly from three weeks ago; today's may be over
    assert db.session.scalar(db.select(db.func.count(SessionAttendance.id))) == held * 40


def test_material_downloads_cannot_escape_their_session(
    app, client, cast, login, create_session, auth_headers, make_program, make_member, db
):
    from pathlib import Path

    from training.sessions.models import SessionMaterial

    first = create_session()["id"]
    second = create_session(title="Second")["id"]
    r = client.post(
        f"/api/v1/sessions/{first}/materials",
        data={"file": (io.BytesIO(b"secret notes"), "../../../../etc/passwd")},
        headers=auth_headers(cast.facilitator),
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    material = r.get_json()
    assert material["filename"] == "passwd"
    stored = db.session.get(SessionMaterial, material["id"])
    folder = Path(app.config["MEDIA_ROOT"]) / "materials" / str(first)
    assert (folder / stored.stored_name).read_bytes() == b"secret notes"
    # stored under a random name inside the session's folder; nothing called passwd anywhere
    assert all(re.fullmatch(r"[0-9a-f]{32}", p.name) for p in folder.iterdir())
    assert list(Path(app.config["MEDIA_ROOT"]).rglob("passwd")) == []

    login(client, cast.alice)
    download = client.get(material["url"])
    try:
        assert download.status_code == 200 and download.data == b"secret notes"
        assert download.headers["Content-Disposition"] == "attachment; filename=passwd"
    finally:
        download.close()
    # the same file through another session's URL, or through made-up paths: 404
    assert client.get(f"/sessions/{second}/materials/{material['id']}").status_code == 404
    assert client.get(f"/sessions/{first}/materials/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get(f"/sessions/{first}/materials/{material['id'] + 1}").status_code == 404
    # a member of another program, with a session of her own, still gets a 404
    other = make_program(title="Other program")
    make_member(other, "facilitator", user=cast.outsider)
    login(client, cast.outsider)
    assert client.get(material["url"]).status_code == 404
    assert "secret notes" not in client.get(f"/sessions/{first}").get_data(as_text=True)


def test_form_limits_and_cancel_needs_a_reason(client, cast, login, future, create_session, db):
    from training.sessions.models import TrainingSession

    login(client, cast.facilitator)
    r = client.post(
        f"/programs/{cast.program.id}/sessions/new",
        data={
            "title": "Long",
            "starts_at": future(),
            "duration_minutes": "60",
            "description": "x" * 20_001,
        },
    )
    assert r.status_code == 422
    assert "longer than 20000 characters" in r.get_data(as_text=True)
    sid = create_session()["id"]
    r = client.post(f"/sessions/{sid}/cancel", data={"reason": "   "}, follow_redirects=True)
    assert "Give a reason for the cancellation" in r.get_data(as_text=True)
    assert db.session.get(TrainingSession, sid).status == "scheduled"
    r = client.post(
        f"/sessions/{sid}/cancel", data={"reason": "Speaker ill"}, follow_redirects=True
    )
    page = r.get_data(as_text=True)
    assert "Reason: Speaker ill" in page and "cancelled</span>" in page
    assert client.post(f"/sessions/{sid}/cancel", data={"reason": "again"}).status_code == 409
    assert client.get(f"/sessions/{sid}/edit").status_code == 409
    assert client.post(f"/sessions/{sid}/edit", data={"title": "Back"}).status_code == 409
    assert db.session.get(TrainingSession, sid).title == "Pricing workshop"
