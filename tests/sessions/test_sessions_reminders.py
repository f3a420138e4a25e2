"""Reminders 24 h and 1 h before, through RQ's scheduler: once each, moved, dropped."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest


def _scheduled(app):
    from workers.queues import get_queue

    return set(get_queue("default").scheduled_job_registry.get_job_ids())


@pytest.fixture
def prefix(app):
    return app.config["RQ_QUEUE_PREFIX"]


def _reminders_to(smtp_server, email):
    return [
        m for m in smtp_server.messages if m["To"] == email and m["Subject"].startswith("Reminder")
    ]


def test_reminders_go_out_once_at_24h_and_1h(
    app, prefix, client, cast, auth_headers, create_session, smtp_server, run_jobs, future
):
    session = create_session(starts_at=future(days=3))
    starts = datetime.fromisoformat(session["starts_at"])
    ts = int(starts.timestamp())
    sid = session["id"]
    assert _scheduled(app) == {
        f"{prefix}-session-reminder-{sid}-1440-{ts}",
        f"{prefix}-session-reminder-{sid}-60-{ts}",
    }
    run_jobs()  # the invites
    assert _reminders_to(smtp_server, cast.alice.email) == []
    client.put(
        f"/api/v1/sessions/{sid}/rsvp", json={"response": "no"}, headers=auth_headers(cast.bob)
    )
    run_jobs(until=starts - timedelta(hours=24) + timedelta(seconds=1))
    day_before = _reminders_to(smtp_server, cast.alice.email)
    assert len(day_before) == 1
    assert "Pricing workshop" in day_before[0]["Subject"]
    assert _reminders_to(smtp_server, cast.bob.email) == []  # said no
    assert _scheduled(app) == {f"{prefix}-session-reminder-{sid}-60-{ts}"}

    # the same job run again (a retry) sends nothing new
    from training.sessions.jobs import send_session_reminder

    send_session_reminder(sid, 1440, ts)
    run_jobs()
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 1

    run_jobs(until=starts - timedelta(minutes=59))
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 2
    assert _scheduled(app) == set()


def test_reschedule_moves_and_cancel_drops_reminders(
    app, prefix, client, cast, auth_headers, create_session, smtp_server, run_jobs, future
):
    session = create_session(starts_at=future(days=3))
    sid = session["id"]
    old_ts = int(datetime.fromisoformat(session["starts_at"]).timestamp())
    headers = auth_headers(cast.facilitator)
    moved = client.patch(
        f"/api/v1/sessions/{sid}", json={"starts_at": future(days=5)}, headers=headers
    ).get_json()
    new_ts = int(datetime.fromisoformat(moved["starts_at"]).timestamp())
    assert _scheduled(app) == {
        f"{prefix}-session-reminder-{sid}-1440-{new_ts}",
        f"{prefix}-session-reminder-{sid}-60-{new_ts}",
    }
    # a stale job for the old time (e.g. Redis kept it) does nothing
    from training.sessions.jobs import send_session_reminder

    assert send_session_reminder(sid, 1440, old_ts) == 0

    client.patch(f"/api/v1/sessions/{sid}", json={"title": "Only the title"}, headers=headers)
    assert len(_scheduled(app)) == 2  # unchanged by a title edit

    client.delete(f"/api/v1/sessions/{sid}", json={"reason": "Speaker ill"}, headers=headers)
    assert _scheduled(app) == set()
    assert send_session_reminder(sid, 60, new_ts) == 0
    run_jobs(until=datetime.fromisoformat(moved["starts_at"]))
    assert _reminders_to(smtp_server, cast.alice.email) == []


def test_reminder_offsets_are_configurable_per_program(
    app, prefix, client, cast, auth_headers, create_session, future
):
    headers = auth_headers(cast.facilitator)
    r = client.put(
        f"/api/v1/programs/{cast.program.id}/session-settings",
        json={"reminder_minutes": [120]},
        headers=headers,
    )
    assert r.status_code == 200 and r.get_json()["reminder_minutes"] == [120]
    session = create_session(starts_at=future(days=2))
    ts = int(datetime.fromisoformat(session["starts_at"]).timestamp())
    assert _scheduled(app) == {f"{prefix}-session-reminder-{session['id']}-120-{ts}"}
    r = client.put(
        f"/api/v1/programs/{cast.program.id}/session-settings",
        json={"reminder_minutes": [0]},
        headers=headers,
    )
    assert r.status_code == 422
    r = client.put(
        f"/api/v1/programs/{cast.program.id}/session-settings",
        json={"reminder_minutes": [60]},
        headers=auth_headers(cast.alice),
    )
    assert r.status_code == 403


def test_sweep_reschedules_reminders_that_redis_lost(app, cast, create_session, future):
    from training.sessions.jobs import requeue_reminders
    from workers.queues import get_queue

    create_session(starts_at=future(days=3))
    registry = get_queue("default").scheduled_job_registry
    lost = set(registry.get_job_ids())
    assert len(lost) == 2
    for ident in lost:
        registry.remove(ident, delete_job=True)
    assert _scheduled(app) == set()
    assert requeue_reminders() == 2
    assert _scheduled(app) == lost
    assert requeue_reminders() == 0


def test_changing_the_offsets_moves_reminders_of_upcoming_sessions(
    app, prefix, client, cast, auth_headers, create_session, smtp_server, run_jobs, future
):
    from training.sessions.jobs import send_session_reminder

    session = create_session(starts_at=future(days=3))
    sid = session["id"]
    starts = datetime.fromisoformat(session["starts_at"])
    ts = int(starts.timestamp())
    run_jobs()  # the invites
    r = client.put(
        f"/api/v1/programs/{cast.program.id}/session-settings",
        json={"reminder_minutes": [120, 60]},
        headers=auth_headers(cast.facilitator),
    )
    assert r.status_code == 200
    assert _scheduled(app) == {
        f"{prefix}-session-reminder-{sid}-120-{ts}",
        f"{prefix}-session-reminder-{sid}-60-{ts}",
    }
    # a 24 h job that Redis still held from before does nothing now
    assert send_session_reminder(sid, 1440, ts) == 0
    run_jobs(until=starts - timedelta(hours=23))
    assert _reminders_to(smtp_server, cast.alice.email) == []
    run_jobs(until=starts - timedelta(minutes=119))
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 1
    run_jobs(until=starts - timedelta(minutes=59))
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 2
