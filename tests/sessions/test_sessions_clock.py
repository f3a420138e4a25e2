"""The app's clock is injectable (issue 10, item 8): these tests hold it on the days around
the spring-forward change of 2027 in Toronto, whatever today's date is."""

from __future__ import annotations

from datetime import UTC, datetime


def test_a_session_on_the_dst_morning_is_stored_in_utc_and_its_join_link_opens_on_time(
    client, cast, auth_headers, login, clock
):
    # Saturday 13 March 2027, noon in Toronto (EST, UTC-5): the clocks jump at 02:00 tomorrow
    clock.set(datetime(2027, 3, 13, 17, 0, tzinfo=UTC))
    program, facilitator, participant = cast.program, cast.facilitator, cast.alice
    r = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={
            "title": "Lendemain du changement d'heure",
            "starts_at": "2027-03-14T10:00:00",
            "timezone": "America/Toronto",
            "duration_minutes": 60,
            "join_url": "https://meet.example/dst",
        },
        headers=auth_headers(facilitator),
    )
    assert r.status_code == 201, r.json
    # 10:00 on Sunday is EDT (UTC-4): 14:00 UTC, not 15:00
    starts = datetime.fromisoformat(r.json["starts_at"])
    assert r.json["starts_at"] == "2027-03-14T10:00:00-04:00"
    assert starts.astimezone(UTC) == datetime(2027, 3, 14, 14, 0, tzinfo=UTC)
    sid = r.json["id"]

    login(client, participant)
    page = client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Join the session" not in page and "15 minutes before the start" in page

    clock.set(datetime(2027, 3, 14, 13, 46, tzinfo=UTC))  # 09:46 EDT: 14 minutes before
    page = client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Join the session" in page and "https://meet.example/dst" in page

    clock.advance(hours=2)  # over: no join link, no RSVP question
    page = client.get(f"/sessions/{sid}").get_data(as_text=True)
    assert "Join the session" not in page and "Are you coming?" not in page


def test_a_start_in_the_past_is_judged_by_the_app_clock(client, cast, auth_headers, clock):
    program, facilitator = cast.program, cast.facilitator
    clock.set(datetime(2027, 11, 7, 12, 0, tzinfo=UTC))  # the fall-back Sunday
    body = {"title": "Trop tard", "timezone": "America/Toronto", "duration_minutes": 30}
    late = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={**body, "starts_at": "2027-11-07T06:30:00"},  # 11:30 UTC: half an hour ago
        headers=auth_headers(facilitator),
    )
    assert late.status_code == 422 and late.json["error"]["code"] == "starts_in_past"
    ok = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={**body, "starts_at": "2027-11-07T08:00:00"},  # 13:00 UTC (EST, UTC-5)
        headers=auth_headers(facilitator),
    )
    assert ok.status_code == 201 and ok.json["starts_at"] == "2027-11-07T08:00:00-05:00"


def test_the_facilitator_sees_sessions_against_plan_and_attendance_of_the_latest(
    client, cast, auth_headers, login, clock, db
):
    from training.sessions.models import SessionAttendance

    program, facilitator = cast.program, cast.facilitator
    clock.set(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    r = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={"title": "Grilles salariales", "starts_at": "2027-03-02T10:00:00",
              "duration_minutes": 60},
        headers=auth_headers(facilitator),
    )  # fmt: skip
    assert r.status_code == 201, r.json
    db.session.add(
        SessionAttendance(session_id=r.json["id"], user_id=cast.alice.id, status="present")
    )
    db.session.add(SessionAttendance(session_id=r.json["id"], user_id=cast.bob.id, status="absent"))
    db.session.commit()
    clock.set(datetime(2027, 3, 3, 15, 0, tzinfo=UTC))  # the session is over

    login(client, facilitator)
    html = client.get(f"/programs/{program.id}").get_data(as_text=True)
    assert "1 session scheduled of 10 planned" in html
    assert "Grilles salariales" in html and "1 of 2" in html and 'value="1"' in html
    login(client, cast.alice)
    html = client.get(f"/programs/{program.id}").get_data(as_text=True)
    assert "scheduled of" not in html and "1 of 2" not in html  # staff only
