"""The program's Google page: status, last sync and errors for staff; no secret ever shown."""

import json

import pytest

from training.google.models import GoogleConnection


@pytest.fixture
def program(make_program):
    return make_program(title="Lean CoPA")


@pytest.fixture
def admin(make_user):
    return make_user(email="admin@example.org", name="Root", is_admin=True)


def page(client, program):
    return client.get(f"/programs/{program.id}/google")


def test_admin_sets_up_a_connection_without_seeing_the_key_again(
    app, db, client, login, admin, program, service_account_info
):
    login(client, admin)
    assert "not connected" in page(client, program).get_data(as_text=True)

    resp = client.post(
        f"/programs/{program.id}/google",
        data={
            "credentials_json": json.dumps(service_account_info),
            "organizer_email": "organizer@acme.example.com",
            "calendar_id": "primary",
            "invites_by_google": "y",
            "recording_max_attempts": "6",
            "recording_retry_minutes": "20",
        },
    )
    assert resp.status_code == 302

    conn = db.session.scalar(db.select(GoogleConnection))
    assert conn.kind == "service_account" and conn.recording_max_attempts == 6
    assert "PRIVATE KEY" not in conn.credentials_encrypted
    assert program.invite_sender == "google"

    html = page(client, program).get_data(as_text=True)
    assert service_account_info["client_email"] in html
    assert "organizer@acme.example.com" in html
    for secret in ("PRIVATE KEY", service_account_info["private_key_id"], "MII"):
        assert secret not in html
    assert 'data-invite-sender="google"' in html


def test_saving_again_without_credentials_keeps_them(
    app, db, client, login, admin, program, connected
):
    conn = connected(program)
    stored = conn.credentials_encrypted
    login(client, admin)
    resp = client.post(
        f"/programs/{program.id}/google",
        data={
            "organizer_email": "other@acme.example.com",
            "recording_max_attempts": "12",
            "recording_retry_minutes": "30",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    conn = db.session.scalar(db.select(GoogleConnection))
    assert conn.credentials_encrypted == stored and conn.organizer_email == "other@acme.example.com"
    assert program.invite_sender == "copa"


def test_unusable_credentials_are_refused_with_a_reason(
    app, db, client, login, admin, program, service_account_info
):
    login(client, admin)
    broken = dict(service_account_info)
    del broken["client_email"]
    resp = client.post(
        f"/programs/{program.id}/google",
        data={
            "credentials_json": json.dumps(broken),
            "organizer_email": "organizer@acme.example.com",
            "recording_max_attempts": "12",
            "recording_retry_minutes": "30",
        },
    )
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "lack: client_email" in html
    assert "PRIVATE KEY" not in html  # the pasted key is not echoed back into the form
    assert db.session.scalar(db.select(GoogleConnection)) is None


def test_errors_and_last_sync_are_shown_to_the_facilitator(
    app, db, client, login, program, connected, make_member
):
    from training.google.client import describe_error
    from training.google.operations import record_error

    conn = connected(program)
    import httplib2
    from googleapiclient.errors import HttpError

    body = {
        "error": {
            "code": 403,
            "message": "Calendar usage limits exceeded.",
            "errors": [{"reason": "quotaExceeded"}],
        }
    }
    record_error(
        program.id, HttpError(httplib2.Response({"status": "403"}), json.dumps(body).encode())
    )
    db.session.commit()
    assert "quotaExceeded" in describe_error(
        HttpError(httplib2.Response({"status": "403"}), json.dumps(body).encode())
    )

    facilitator = make_member(program, "facilitator").user
    login(client, facilitator)
    html = page(client, program).get_data(as_text=True)
    assert 'data-status="error"' in html
    assert "quotaExceeded" in html and "Calendar usage limits exceeded." in html
    assert "Change the connection" not in html  # only admins handle credentials
    resp = client.post(
        f"/programs/{program.id}/google",
        data={
            "organizer_email": "x@example.org",
            "recording_max_attempts": "1",
            "recording_retry_minutes": "1",
        },
    )
    assert resp.status_code == 403
    assert db.session.get(GoogleConnection, conn.id).organizer_email == "organizer@acme.example.com"


def test_participants_and_outsiders_cannot_see_it(
    app, client, login, program, make_member, make_user
):
    login(client, make_member(program, "participant").user)
    assert page(client, program).status_code == 403
    login(client, make_user())
    assert page(client, program).status_code == 404


def test_disconnect_gives_invites_back_to_copa(app, db, client, login, admin, program, connected):
    connected(program, google_invites=True)
    assert program.invite_sender == "google"
    login(client, admin)
    assert client.post(f"/programs/{program.id}/google/disconnect").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(GoogleConnection)) is None
    assert program.invite_sender == "copa"


def test_api_reports_status_to_staff_without_secrets(
    app, db, client, program, connected, make_member, auth_headers, service_account_info
):
    from training.google.operations import record_success

    conn = connected(program, google_invites=True)
    record_success(conn)
    db.session.commit()
    facilitator = make_member(program, "facilitator").user
    resp = client.get(f"/api/v1/programs/{program.id}/google", headers=auth_headers(facilitator))
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["connected"] is True and data["invite_sender"] == "google"
    assert data["account"] == service_account_info["client_email"]
    assert data["status"] == "ok" and data["last_sync_at"].endswith(("-05:00", "-04:00"))
    assert data["last_error"] is None
    assert "PRIVATE KEY" not in resp.get_data(as_text=True)

    expert = make_member(program, "expert").user  # the README's table: facilitator, expert
    resp = client.get(f"/api/v1/programs/{program.id}/google", headers=auth_headers(expert))
    assert resp.status_code == 200
    assert resp.get_json()["invite_sender"] == "google"
    assert "PRIVATE KEY" not in resp.get_data(as_text=True)

    participant = make_member(program, "participant").user
    resp = client.get(f"/api/v1/programs/{program.id}/google", headers=auth_headers(participant))
    assert resp.status_code == 403
