"""Sessions through the API: shapes, times and DST, bad input, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.timehelp import iso, next_dst_change


def test_facilitator_schedules_a_session(client, cast, auth_headers, future):
    start = future(days=5, hour=13, minute=30)
    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json={
            "title": "Pricing workshop",
            "starts_at": start,
            "duration_minutes": 90,
            "join_url": "https://meet.example/abc",
            "description": "Bring your numbers.",
        },
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 201
    body = r.get_json()
    assert body["status"] == "scheduled" and body["sequence"] == 0
    assert body["starts_at"].startswith(start)  # wall clock kept, offset added
    starts = datetime.fromisoformat(body["starts_at"])
    ends = datetime.fromisoformat(body["ends_at"])
    assert starts.utcoffset() is not None
    assert (ends - starts).total_seconds() == 90 * 60
    listed = client.get(
        f"/api/v1/programs/{cast.program.id}/sessions", headers=auth_headers(cast.alice)
    ).get_json()
    assert [s["id"] for s in listed["sessions"]] == [body["id"]]
    assert listed["planned_sessions"] == 10 and listed["scheduled_sessions"] == 1


@pytest.mark.parametrize(
    ("local", "offset", "utc_hour"),
    [
        ("2026-03-08T10:00", "-04:00", 14),  # the day DST starts
        ("2026-11-01T10:00", "-05:00", 15),  # the day DST ends
        ("2026-11-01T01:30", "-04:00", 5),  # the repeated hour: the first one
    ],
)
def test_dst_days_keep_the_wall_clock(app, cast, local, offset, utc_hour):
    from training.sessions.operations import schedule_session
    from training.sessions.serializers import session_json
    from training.sessions.validation import SessionInput

    session = schedule_session(
        cast.program,
        SessionInput(title="DST", starts_at=local, duration_minutes=60),
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert session.starts_at.hour == utc_hour
    assert session_json(session, "America/Toronto")["starts_at"] == f"{local}:00{offset}"


def test_future_dst_day_through_the_api(client, cast, auth_headers):
    dst = next_dst_change(forward=True)
    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json={"title": "Spring", "starts_at": iso(dst, "10:00"), "duration_minutes": 60},
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 201
    assert r.get_json()["starts_at"] == iso(dst, "10:00:00-04:00")
    sid = r.get_json()["id"]
    # moved to the Saturday before (EST): still 10:00 on the wall clock
    r = client.patch(
        f"/api/v1/sessions/{sid}",
        json={"starts_at": iso(dst - timedelta(days=1), "10:00")},
        headers=auth_headers(cast.facilitator),
    )
    assert r.get_json()["starts_at"] == iso(dst - timedelta(days=1), "10:00:00-05:00")
    assert r.get_json()["duration_minutes"] == 60


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"duration_minutes": None, "ends_at": "PAST_END"}, "ends_before_start"),
        ({"duration_minutes": 0}, "invalid_duration"),
        ({"duration_minutes": -30}, "invalid_duration"),
        ({"duration_minutes": 12 * 60 + 1}, "invalid_duration"),
        ({"starts_at": "2020-01-01T10:00"}, "starts_in_past"),
        ({"timezone": "Mars/Olympus"}, "unknown_timezone"),
        ({"join_url": "ftp://files.example/x"}, "invalid_join_url"),
        ({"join_url": "javascript:alert(1)"}, "invalid_join_url"),
        ({"title": "   "}, "title_required"),
    ],
)
def test_bad_input_gets_422_with_a_message(client, cast, auth_headers, future, db, changes, code):
    from training.sessions.models import TrainingSession

    payload = {"title": "T", "starts_at": future(), "duration_minutes": 60, **changes}
    if payload.get("ends_at") == "PAST_END":
        payload["ends_at"] = future(hour=9)
    payload = {k: v for k, v in payload.items() if v is not None}
    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json=payload,
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == code
    assert len(error["message"]) > 10
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 0


def test_unknown_field_is_a_400(client, cast, auth_headers, future):
    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json={"title": "T", "starts_at": future(), "duration_minutes": 60, "room": "B"},
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 400


def test_edit_bumps_sequence_only_for_visible_changes(client, cast, auth_headers, create_session):
    session = create_session()
    headers = auth_headers(cast.facilitator)
    r = client.patch(f"/api/v1/sessions/{session['id']}", json={"title": "New"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["sequence"] == 1
    r = client.patch(f"/api/v1/sessions/{session['id']}", json={"title": "New"}, headers=headers)
    assert r.get_json()["sequence"] == 1  # nothing changed
    r = client.patch(
        f"/api/v1/sessions/{session['id']}", json={"duration_minutes": 0}, headers=headers
    )
    assert r.status_code == 422


def test_cancel_then_edit_is_a_409(client, cast, auth_headers, create_session):
    session = create_session()
    headers = auth_headers(cast.facilitator)
    r = client.delete(
        f"/api/v1/sessions/{session['id']}", json={"reason": "Speaker ill"}, headers=headers
    )
    assert r.status_code == 200
    assert r.get_json()["status"] == "cancelled"
    got = client.get(f"/api/v1/sessions/{session['id']}", headers=auth_headers(cast.alice))
    assert got.get_json()["cancel_reason"] == "Speaker ill"
    r = client.patch(f"/api/v1/sessions/{session['id']}", json={"title": "X"}, headers=headers)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "session_cancelled"
    assert (
        client.delete(
            f"/api/v1/sessions/{session['id']}", json={"reason": "Speaker ill"}, headers=headers
        ).status_code
        == 409
    )


def test_roles(client, cast, auth_headers, create_session, future):
    session = create_session()
    sid = session["id"]
    for user in (cast.alice, cast.expert):
        h = auth_headers(user)
        assert (
            client.patch(f"/api/v1/sessions/{sid}", json={"title": "X"}, headers=h).status_code
            == 403
        )
        assert (
            client.delete(
                f"/api/v1/sessions/{sid}", json={"reason": "Speaker ill"}, headers=h
            ).status_code
            == 403
        )
        r = client.post(
            f"/api/v1/programs/{cast.program.id}/sessions",
            json={"title": "T", "starts_at": future(), "duration_minutes": 60},
            headers=h,
        )
        assert r.status_code == 403
    h = auth_headers(cast.outsider)
    assert client.get(f"/api/v1/sessions/{sid}", headers=h).status_code == 404
    assert (
        client.patch(f"/api/v1/sessions/{sid}", json={"title": "X"}, headers=h).status_code == 404
    )
    assert client.get(f"/api/v1/programs/{cast.program.id}/sessions", headers=h).status_code == 404


def test_rsvp_and_counts(client, cast, auth_headers, create_session):
    sid = create_session()["id"]
    for user, answer in ((cast.alice, "yes"), (cast.bob, "maybe"), (cast.expert, "yes")):
        r = client.put(
            f"/api/v1/sessions/{sid}/rsvp", json={"response": answer}, headers=auth_headers(user)
        )
        assert r.status_code == 200
    r = client.put(
        f"/api/v1/sessions/{sid}/rsvp", json={"response": "no"}, headers=auth_headers(cast.bob)
    )
    assert r.get_json()["counts"] == {"yes": 2, "no": 1, "maybe": 0}
    r = client.put(
        f"/api/v1/sessions/{sid}/rsvp", json={"response": "sure"}, headers=auth_headers(cast.bob)
    )
    assert r.status_code == 422


def test_session_changed_signal_is_sent_for_each_change(client, cast, auth_headers, create_session):
    from training import signals

    seen = []

    def receiver(sender, session, change, **kw):
        seen.append((session.id, change, session.sequence))

    signals.session_changed.connect(receiver)
    try:
        sid = create_session()["id"]
        headers = auth_headers(cast.facilitator)
        client.patch(f"/api/v1/sessions/{sid}", json={"title": "B"}, headers=headers)
        client.delete(f"/api/v1/sessions/{sid}", json={"reason": "Speaker ill"}, headers=headers)
    finally:
        signals.session_changed.disconnect(receiver)
    assert seen == [(sid, "created", 0), (sid, "updated", 1), (sid, "cancelled", 2)]


def test_concurrent_edits_get_distinct_sequences(app, cast, auth_headers, create_session, db):
    import threading

    from training.mail.models import OutboxMessage

    sid = create_session()["id"]
    headers = auth_headers(cast.facilitator)
    barrier = threading.Barrier(4)
    statuses = []

    def edit(n):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            r = client.patch(f"/api/v1/sessions/{sid}", json={"title": f"T{n}"}, headers=headers)
            statuses.append(r.status_code)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    final = app.test_client().get(f"/api/v1/sessions/{sid}", headers=headers)
    assert final.get_json()["sequence"] == 4
    keys = db.session.scalars(
        db.select(OutboxMessage.dedupe_key).where(
            OutboxMessage.to_email == cast.alice.email, OutboxMessage.ics_method == "REQUEST"
        )
    ).all()
    assert sorted(k.split("-")[2] for k in keys) == ["0", "1", "2", "3", "4"]


def test_fall_back_day_through_the_api_keeps_the_wall_clock(client, cast, auth_headers):
    back = next_dst_change(forward=False)  # the next fall-back day still ahead
    headers = auth_headers(cast.facilitator)
    url = f"/api/v1/programs/{cast.program.id}/sessions"
    after = client.post(
        url,
        json={"title": "A", "starts_at": iso(back, "10:00"), "duration_minutes": 60},
        headers=headers,
    )
    assert after.get_json()["starts_at"] == iso(back, "10:00:00-05:00")
    repeated = client.post(
        url,
        json={"title": "B", "starts_at": iso(back, "01:30"), "duration_minutes": 60},
        headers=headers,
    )
    # the repeated hour: the first 01:30 (EDT), ending at 01:30 EST one real hour later
    assert repeated.get_json()["starts_at"] == iso(back, "01:30:00-04:00")
    assert repeated.get_json()["ends_at"] == iso(back, "01:30:00-05:00")
    past = client.post(
        url,
        json={"title": "C", "starts_at": "2026-11-01T10:00", "duration_minutes": 60},
        headers=headers,
    )
    assert past.status_code == 422 and past.get_json()["error"]["code"] == "starts_in_past"


def test_a_wall_clock_time_skipped_by_spring_forward_is_a_422(client, cast, auth_headers, db):
    from training.sessions.models import TrainingSession

    dst = next_dst_change(forward=True)
    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json={"title": "Night owl", "starts_at": iso(dst, "02:30"), "duration_minutes": 60},
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "nonexistent_local_time"
    assert f"{dst} 02:30" in error["message"] and "America/Toronto" in error["message"]
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 0
    # with an explicit offset the instant is unambiguous and accepted
    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json={"title": "Night owl", "starts_at": iso(dst, "02:30-05:00"), "duration_minutes": 60},
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 201
    assert r.get_json()["starts_at"] == iso(dst, "03:30:00-04:00")


def test_unknown_session_and_another_programs_session_get_the_same_404(
    client, cast, auth_headers, make_program, make_member, future
):
    other = make_program(title="Other network")
    organiser = make_member(other, "facilitator", name="Otto Organiser").user
    r = client.post(
        f"/api/v1/programs/{other.id}/sessions",
        json={"title": "Theirs", "starts_at": future(), "duration_minutes": 60},
        headers=auth_headers(organiser),
    )
    assert r.status_code == 201
    missing = client.get("/api/v1/sessions/999999", headers=auth_headers(cast.alice))
    foreign = client.get(f"/api/v1/sessions/{r.get_json()['id']}", headers=auth_headers(cast.alice))
    assert missing.status_code == foreign.status_code == 404
    assert missing.get_json() == foreign.get_json()
    assert missing.get_json()["error"] == {"code": "not_found", "message": "Not found."}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"starts_at": "9999-12-31T23:30"}, "invalid_datetime"),  # no year 10000 end
        ({"join_url": "https://meet.example/" + "a" * 2000}, "invalid_join_url"),
        ({"join_url": "https://meet.example/a b"}, "invalid_join_url"),
        ({"title": "Pricing\x00workshop"}, "invalid_characters"),
        ({"title": "Two\nlines"}, "invalid_characters"),
        ({"description": "Notes\x00"}, "invalid_characters"),
    ],
)
def test_input_the_database_would_choke_on_is_a_422(
    client, cast, auth_headers, future, db, changes, code
):
    """Not a 500 on PostgreSQL (NUL bytes, VARCHAR(2000)) nor an overflow anywhere."""
    from training.sessions.models import TrainingSession

    r = client.post(
        f"/api/v1/programs/{cast.program.id}/sessions",
        json={"title": "T", "starts_at": future(), "duration_minutes": 60, **changes},
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == code
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 0


def test_cancelling_needs_a_reason_in_the_api_as_on_the_page(
    client, cast, auth_headers, create_session, app, login
):
    session = create_session()
    headers = auth_headers(cast.facilitator)
    for body in (None, {"reason": "   "}):
        r = client.delete(f"/api/v1/sessions/{session['id']}", json=body, headers=headers)
        assert r.status_code == 422
        assert r.get_json()["error"]["code"] == "reason_required"
    page = login(app.test_client(), cast.facilitator)
    r = page.post(f"/sessions/{session['id']}/cancel", data={"reason": ""}, follow_redirects=True)
    assert "Give a reason for the cancellation" in r.get_data(as_text=True)
    assert (
        client.get(f"/api/v1/sessions/{session['id']}", headers=headers).get_json()["status"]
        == "scheduled"
    )
    r = client.delete(
        f"/api/v1/sessions/{session['id']}", json={"reason": "Speaker ill"}, headers=headers
    )
    assert r.status_code == 200
