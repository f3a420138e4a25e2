"""Sync jobs end to end: real database and Redis/RQ, Google answered by HttpMockSequence."""

from datetime import timedelta

import pytest

from tests.google.googlemock import EVENTS, MEET, calls, error, gevent, ok
from training.db import utcnow
from training.google.calendar_sync import event_id_for
from training.google.models import GoogleConnection, GoogleEventLink


@pytest.fixture
def program(make_program, make_member):
    program = make_program(title="Lean CoPA")
    make_member(program, "facilitator", email="fac@example.org", name="Fay")
    make_member(program, "participant", email="ana@acme.example.com", name="Ana")
    make_member(program, "participant", email="bob@rival.example.net", name="Bob")
    return program


def schedule(db, program, **kw):
    from training.sessions.operations import schedule_session
    from training.sessions.validation import SessionInput

    start = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    data = SessionInput(
        title=kw.get("title", "Kaizen basics"),
        starts_at=start,
        duration_minutes=90,
        join_url=kw.get("join_url"),
    )
    session = schedule_session(program, data)
    db.session.commit()
    return session


def google_job_names(app):
    from workers.queues import get_queue

    queue = get_queue("default")
    names = [job.func_name for job in queue.jobs]
    names += [
        queue.fetch_job(job_id).func_name for job_id in queue.scheduled_job_registry.get_job_ids()
    ]
    return [n for n in names if n.startswith("training.google.jobs")]


def test_without_connection_nothing_is_queued(app, db, program, no_real_http, run_jobs):
    from training.sessions.operations import cancel_session

    session = schedule(db, program)
    assert google_job_names(app) == []
    cancel_session(session, "Trainer ill")
    db.session.commit()
    assert google_job_names(app) == []
    run_jobs()  # Copa's own invites go out; nothing Google, no HTTP at all
    assert db.session.scalars(db.select(GoogleEventLink)).all() == []


def test_real_transport_is_built_from_stored_credentials(app, db, program, connected):
    """Without the test seam the client signs with the stored (decrypted) key; building the
    services needs no network (static discovery)."""
    from google.oauth2 import service_account
    from google_auth_httplib2 import AuthorizedHttp

    from training.google.operations import client_for

    conn = connected(program)
    client = client_for(conn)
    assert isinstance(client.credentials, service_account.Credentials)
    assert client.credentials._subject == "organizer@acme.example.com"
    assert client.calendar.events() is not None  # built offline from the bundled document
    assert isinstance(client._transport(), AuthorizedHttp)


def test_session_becomes_event_with_meet_link_as_join_url(
    app, db, program, connected, google_http, run_jobs
):
    conn = connected(program)
    session = schedule(db, program)
    assert "training.google.jobs.sync_session" in google_job_names(app)
    assert "training.google.jobs.import_recording" in google_job_names(app)  # after it ends
    event_id = event_id_for(conn.id_salt, f"session:{session.id}")
    google_http.add(ok(gevent(event_id)))

    run_jobs()

    (insert,) = calls(google_http)
    assert (insert.method, insert.path) == ("POST", EVENTS)
    assert insert.query == {"conferenceDataVersion": "1", "sendUpdates": "none"}
    assert [a["email"] for a in insert.body["attendees"]] == [
        "ana@acme.example.com",
        "bob@rival.example.net",
        "fac@example.org",
    ]
    assert insert.body["summary"] == "Kaizen basics"
    db.session.expire_all()
    assert db.session.get(type(session), session.id).join_url == MEET
    link = db.session.scalar(db.select(GoogleEventLink))
    assert (link.object_kind, link.object_id, link.event_id, link.etag) == (
        "session",
        session.id,
        event_id,
        '"1"',
    )
    conn = db.session.get(GoogleConnection, conn.id)
    assert conn.status == "ok" and conn.last_sync_at is not None


def test_resync_patches_the_same_event(app, db, program, connected, google_http, run_jobs):
    from training.sessions.operations import update_session
    from training.sessions.validation import SessionInput

    conn = connected(program)
    session = schedule(db, program)
    event_id = event_id_for(conn.id_salt, f"session:{session.id}")
    google_http.add(ok(gevent(event_id)))
    run_jobs()

    update_session(session, SessionInput(title="Kaizen basics, part 1"))
    db.session.commit()
    google_http.add(ok(gevent(event_id, etag='"2"')))
    run_jobs()

    patch = calls(google_http)[-1]
    assert (patch.method, patch.path) == ("PATCH", f"{EVENTS}/{event_id}")
    assert patch.headers["if-match"] == '"1"'
    assert patch.body["summary"] == "Kaizen basics, part 1"
    assert [c.method for c in calls(google_http)] == ["POST", "PATCH"]  # never a 2nd insert
    assert db.session.scalar(db.select(GoogleEventLink)).etag == '"2"'


def test_cancelled_session_deletes_the_event(app, db, program, connected, google_http, run_jobs):
    from training.sessions.operations import cancel_session

    conn = connected(program, google_invites=True)
    session = schedule(db, program)
    event_id = event_id_for(conn.id_salt, f"session:{session.id}")
    google_http.add(ok(gevent(event_id)))
    run_jobs()

    cancel_session(session, "Trainer ill")
    db.session.commit()
    google_http.add(ok(status=204))
    run_jobs()

    delete = calls(google_http)[-1]
    assert (delete.method, delete.path) == ("DELETE", f"{EVENTS}/{event_id}")
    assert delete.query == {"sendUpdates": "all"}
    assert db.session.scalars(db.select(GoogleEventLink)).all() == []


def test_google_error_is_recorded_for_the_admin(app, db, program, connected, google_http, run_jobs):
    conn = connected(program)
    schedule(db, program)
    google_http.add(error(403, "forbiddenForServiceAccounts", "Service accounts cannot invite"))

    run_jobs()

    conn = db.session.get(GoogleConnection, conn.id)
    assert conn.status == "error"
    assert conn.last_error_reason == "forbiddenForServiceAccounts"
    assert "Service accounts cannot invite" in conn.last_error
    assert db.session.scalars(db.select(GoogleEventLink)).all() == []


def test_rate_limited_sync_backs_off_then_succeeds(
    app, db, program, connected, google_http, run_jobs, sleeps
):
    conn = connected(program)
    session = schedule(db, program)
    event_id = event_id_for(conn.id_salt, f"session:{session.id}")
    google_http.add(
        error(429, "rateLimitExceeded"), error(503, "backendError"), ok(gevent(event_id))
    )
    run_jobs()
    assert [c.method for c in calls(google_http)] == ["POST"] * 3
    assert len(sleeps) == 2
    assert db.session.get(GoogleConnection, conn.id).status == "ok"


def test_new_member_is_added_to_upcoming_events(
    app, db, program, connected, google_http, run_jobs, make_member
):
    conn = connected(program)
    session = schedule(db, program)
    event_id = event_id_for(conn.id_salt, f"session:{session.id}")
    google_http.add(ok(gevent(event_id)))
    run_jobs()

    from training import signals

    membership = make_member(program, "participant", email="cy@third.example.org", name="Cy")
    signals.member_added.send(None, membership=membership)
    db.session.commit()
    google_http.add(ok(gevent(event_id, etag='"2"')))
    run_jobs()

    patch = calls(google_http)[-1]
    assert patch.method == "PATCH"
    assert "cy@third.example.org" in [a["email"] for a in patch.body["attendees"]]


def test_meet_link_still_pending_is_fetched_by_a_later_sync(
    app, db, program, connected, google_http, run_jobs, sleeps
):
    from workers.queues import get_queue

    app.config["GOOGLE_CONFERENCE_POLLS"] = 1
    conn = connected(program)
    session = schedule(db, program)
    session_id = session.id
    event_id = event_id_for(conn.id_salt, f"session:{session_id}")
    pending = gevent(event_id, meet=None)
    pending["conferenceData"] = {"createRequest": {"status": {"statusCode": "pending"}}}
    google_http.add(ok(pending), ok(pending))
    run_jobs()

    assert [c.method for c in calls(google_http)] == ["POST", "GET"] and sleeps == [1.0]
    link = db.session.scalar(db.select(GoogleEventLink))
    assert link.conference_status == "pending" and link.meet_url is None
    scheduled = get_queue("default").scheduled_job_registry.get_job_ids()
    funcs = [get_queue("default").fetch_job(j).func_name for j in scheduled]
    assert "training.google.jobs.sync_session" in funcs

    # a minute later: the patch (still asking for the meeting) comes back with the link
    google_http.add(ok(gevent(event_id, etag='"2"')))
    run_jobs(until=utcnow() + timedelta(minutes=2))
    patch = calls(google_http)[2]
    assert patch.method == "PATCH" and patch.query["conferenceDataVersion"] == "1"
    assert patch.body["conferenceData"]["createRequest"]["requestId"] == f"{event_id}-meet"
    db.session.rollback()
    assert db.session.get(type(session), session_id).join_url == MEET


def test_lost_link_is_recovered_without_a_duplicate(
    app, db, program, connected, google_http, run_jobs
):
    """The first sync created the event but its result was never stored (crash)."""
    from training.google.jobs import sync_session

    conn = connected(program)
    session = schedule(db, program)
    session_id = session.id
    event_id = event_id_for(conn.id_salt, f"session:{session_id}")
    db.session.rollback()
    get_queue_jobs = google_job_names(app)
    assert "training.google.jobs.sync_session" in get_queue_jobs
    google_http.add(
        error(409, "duplicate"), ok(gevent(event_id, '"7"')), ok(gevent(event_id, '"8"'))
    )

    assert sync_session(session_id) == "synced"

    assert [(c.method, c.path) for c in calls(google_http)] == [
        ("POST", EVENTS),
        ("GET", f"{EVENTS}/{event_id}"),
        ("PATCH", f"{EVENTS}/{event_id}"),
    ]
    link = db.session.scalar(db.select(GoogleEventLink))
    assert (link.event_id, link.etag) == (event_id, '"8"')


def test_refused_delegation_is_explained_on_the_admin_page(
    app,
    db,
    program,
    connected,
    run_jobs,
    monkeypatch,
    service_account_info,
    client,
    login,
    make_user,
    no_real_http,
):
    """Real token exchange (signed JWT for the organizer) answered with unauthorized_client."""
    import json

    from googleapiclient.http import HttpMockSequence

    from training.google import operations
    from training.google.client import GoogleClient

    token_http = HttpMockSequence(
        [
            (
                {"status": "401"},
                json.dumps(
                    {
                        "error": "unauthorized_client",
                        "error_description": "Client is unauthorized to retrieve access "
                        "tokens using this method.",
                    }
                ),
            )
        ]
    )
    monkeypatch.setattr(
        operations,
        "client_for",
        lambda conn: GoogleClient.from_info(
            service_account_info, conn.organizer_email, http=token_http, num_retries=0
        ),
    )
    conn = connected(program)
    schedule(db, program)
    run_jobs()

    (token_call,) = token_http.request_sequence
    assert token_call[0] == "https://oauth2.googleapis.com/token"
    conn = db.session.get(GoogleConnection, conn.id)
    assert (conn.status, conn.last_error_reason) == ("error", "unauthorized_client")

    login(client, make_user(is_admin=True))
    html = client.get(f"/programs/{program.id}/google").get_data(as_text=True)
    assert "unauthorized_client" in html and "Domain-wide delegation is not granted" in html
    assert "PRIVATE KEY" not in html and "PRIVATE KEY" not in (conn.last_error or "")
