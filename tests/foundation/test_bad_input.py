"""Malformed input gets a clear 4xx, never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from tests.timehelp import days_ahead, iso

SOON = days_ahead(30)

BIG = 2**63 + 5


@pytest.fixture
def setting(make_program, make_member, auth_headers):
    program = make_program(title="Bad input")
    facilitator = make_member(program, "facilitator").user
    participant = make_member(program, "participant").user
    return program, auth_headers(facilitator), auth_headers(participant)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programs/{big}",
        "/api/v1/programs/{big}/members",
        "/api/v1/sessions/{big}",
        "/api/v1/bookings/{big}",
        "/api/v1/recordings/{big}",
        "/programs/{big}/coaching",
        "/sessions/{big}",
        "/api/v1/programs/2147483648",
    ],
)
def test_ids_beyond_the_database_integer_are_not_found(client, setting, path):
    _program, facilitator, _participant = setting
    r = client.get(path.format(big=BIG), headers=facilitator)
    assert r.status_code == 404


def test_ids_beyond_the_database_integer_in_a_body_are_a_422(client, setting):
    program, facilitator, _ = setting
    r = client.post(f"/api/v1/slots/{2**31 - 1}/booking", json={"participant_id": BIG},
                    headers=facilitator)  # fmt: skip
    assert r.status_code in (404, 422)
    r = client.post(
        f"/api/v1/programs/{program.id}/availability",
        json={"starts_at": iso(SOON, "09:00"), "ends_at": iso(SOON, "10:00"), "expert_id": BIG},
        headers=facilitator,
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "invalid_value"


def test_json_nested_fifty_thousand_deep_is_a_malformed_body(client, setting):
    program, facilitator, _ = setting
    body = "[" * 50_000 + "]" * 50_000
    r = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        data=body,
        content_type="application/json",
        headers=facilitator,
    )
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("value", ["²", "١٢", "-5", "12 34", ""])
def test_a_non_ascii_or_malformed_upload_length_is_a_400(client, setting, value, make_member):
    program, facilitator, _ = setting
    r = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={"title": "Upload target", "starts_at": iso(SOON, "09:00"), "duration_minutes": 60},
        headers=facilitator,
    )
    sid = r.get_json()["id"]
    r = client.post(
        f"/api/v1/sessions/{sid}/recordings",
        headers={**facilitator, "Tus-Resumable": "1.0.0", "Upload-Length": value},
    )
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "invalid_request"


def test_nul_bytes_in_text_are_refused_and_nothing_is_stored(client, setting, app, login, db):
    from training.accounts.models import User
    from training.sessions.models import TrainingSession

    program, facilitator, _ = setting
    r = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={"title": "Pri\x00cing", "starts_at": iso(SOON, "09:00"), "duration_minutes": 60},
        headers=facilitator,
    )
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "invalid_characters"
    r = client.post(
        f"/api/v1/programs/{program.id}/members",
        json={"email": "nul@example.org", "name": "Nu\x00l", "role": "participant",
              "company": "Ac\x00me"},
        headers=facilitator,
    )  # fmt: skip
    assert r.status_code == 422
    assert db.session.scalar(db.select(User).where(User.email == "nul@example.org")) is None
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 0
    r = client.get(f"/api/v1/programs/{program.id}/slots?state=o%00pen", headers=facilitator)
    assert r.status_code == 422


def test_begin_immediate_refuses_to_drop_writes_it_did_not_make(app, db, make_user):
    """Taking SQLite's write lock after writing would roll those writes back: refused."""
    from training.accounts.models import User
    from training.db import PendingWritesError, begin_immediate

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL takes row locks instead")
    user = make_user(name="Before")
    db.session.get(User, user.id)  # a read: begin_immediate may start over
    begin_immediate()
    db.session.commit()
    db.session.get(User, user.id).name = "Renamed"
    db.session.flush()
    with pytest.raises(PendingWritesError):
        begin_immediate()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Renamed"  # kept, not silently rolled back
