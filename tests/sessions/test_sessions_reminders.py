"""Reminders 24 h and 1 h before, found each minute by one query: once each, moved with the
session, none after a cancellation, configurable per program, caught up after a downtime."""

from __future__ import annotations

from datetime import datetime, timedelta


def _reminders_to(smtp_server, email):
    return [
        m for m in smtp_server.messages if m["To"] == email and m["Subject"].startswith("Reminder")
    ]


def _sweep(run_jobs, at: datetime) -> int:
    """The periodic job, run at ``at`` (as rq cron would at that minute), then the mail."""
    from training.extensions import db
    from training.sessions.reminders import send_due_reminders

    count = send_due_reminders(now=at)
    db.session.commit()
    run_jobs()
    return count


def test_reminders_go_out_once_at_24h_and_1h(
    client, cast, auth_headers, create_session, smtp_server, run_jobs, future
):
    session = create_session(starts_at=future(days=3))
    starts = datetime.fromisoformat(session["starts_at"])
    sid = session["id"]
    run_jobs()  # the invites
    client.put(
        f"/api/v1/sessions/{sid}/rsvp", json={"response": "no"}, headers=auth_headers(cast.bob)
    )
    assert _sweep(run_jobs, starts - timedelta(hours=25)) == 0  # not yet
    assert _reminders_to(smtp_server, cast.alice.email) == []

    assert _sweep(run_jobs, starts - timedelta(hours=24) + timedelta(seconds=30)) > 0
    day_before = _reminders_to(smtp_server, cast.alice.email)
    assert len(day_before) == 1
    assert "Pricing workshop" in day_before[0]["Subject"]
    assert _reminders_to(smtp_server, cast.bob.email) == []  # said no

    # the next minutes (or a second worker) find it sent: nothing new
    assert _sweep(run_jobs, starts - timedelta(hours=23, minutes=59)) == 0
    assert _sweep(run_jobs, starts - timedelta(hours=2)) == 0
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 1

    assert _sweep(run_jobs, starts - timedelta(minutes=59)) > 0
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 2
    assert _sweep(run_jobs, starts - timedelta(minutes=1)) == 0
    assert _sweep(run_jobs, starts + timedelta(minutes=1)) == 0  # started: no more


def test_reschedule_moves_and_cancel_drops_reminders(
    client, cast, auth_headers, create_session, smtp_server, run_jobs, future
):
    session = create_session(starts_at=future(days=3))
    sid = session["id"]
    old_start = datetime.fromisoformat(session["starts_at"])
    headers = auth_headers(cast.facilitator)
    moved = client.patch(
        f"/api/v1/sessions/{sid}", json={"starts_at": future(days=5)}, headers=headers
    ).get_json()
    new_start = datetime.fromisoformat(moved["starts_at"])
    run_jobs()
    # the old time's reminder is not due any more; the new one is, at its own time
    assert _sweep(run_jobs, old_start - timedelta(minutes=59)) == 0
    assert _sweep(run_jobs, new_start - timedelta(minutes=59)) > 0
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 1

    other = create_session(starts_at=future(days=4), title="Cancelled one")
    client.delete(
        f"/api/v1/sessions/{other['id']}", json={"reason": "Speaker ill"}, headers=headers
    )
    other_start = datetime.fromisoformat(other["starts_at"])
    assert _sweep(run_jobs, other_start - timedelta(minutes=59)) == 0
    assert not any(
        "Cancelled one" in m["Subject"] for m in _reminders_to(smtp_server, cast.alice.email)
    )


def test_reminder_offsets_are_configurable_per_program(
    client, cast, auth_headers, create_session, future, run_jobs, smtp_server
):
    headers = auth_headers(cast.facilitator)
    r = client.put(
        f"/api/v1/programs/{cast.program.id}/session-settings",
        json={"reminder_minutes": [120]},
        headers=headers,
    )
    assert r.status_code == 200 and r.get_json()["reminder_minutes"] == [120]
    session = create_session(starts_at=future(days=2))
    starts = datetime.fromisoformat(session["starts_at"])
    run_jobs()
    assert _sweep(run_jobs, starts - timedelta(hours=24)) == 0  # 24 h is not an offset now
    assert _sweep(run_jobs, starts - timedelta(minutes=119)) > 0
    assert _sweep(run_jobs, starts - timedelta(minutes=59)) == 0  # nor 1 h
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 1
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


def test_after_a_downtime_only_the_reminder_still_due_goes_out(
    cast, create_session, smtp_server, run_jobs, future
):
    """The worker was down through the 24 h reminder; back 30 minutes before the start, it
    sends the 1 h reminder once, not both."""
    session = create_session(starts_at=future(days=3))
    starts = datetime.fromisoformat(session["starts_at"])
    run_jobs()
    assert _sweep(run_jobs, starts - timedelta(minutes=30)) > 0
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 1
    assert _sweep(run_jobs, starts - timedelta(minutes=29)) == 0


def test_a_session_created_inside_the_window_gets_no_reminder_for_times_already_past(
    db, cast, create_session, smtp_server, run_jobs, future
):
    from training.sessions.models import TrainingSession

    session = create_session(starts_at=future(days=3))
    starts = datetime.fromisoformat(session["starts_at"])
    run_jobs()
    row = db.session.get(TrainingSession, session["id"])
    row.created_at = starts - timedelta(hours=2)  # as if scheduled two hours before it starts
    db.session.commit()
    # the 24 h reminder's time came before the session existed: the invite was the news
    assert _sweep(run_jobs, starts - timedelta(minutes=90)) == 0
    assert _sweep(run_jobs, starts - timedelta(minutes=59)) > 0  # the 1 h one still comes
    assert len(_reminders_to(smtp_server, cast.alice.email)) == 1


def test_the_periodic_job_is_declared_every_minute():
    import workers.cron  # noqa: F401  (loads the features' jobs)
    from training.sessions.jobs import send_due_reminders
    from workers.jobs import periodic

    assert send_due_reminders in periodic()
    assert send_due_reminders.options.every == 60
