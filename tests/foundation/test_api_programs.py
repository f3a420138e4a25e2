"""Programs and members through the API: the contract's shapes, errors and confidentiality."""

import pytest


@pytest.fixture
def admin(make_user):
    return make_user(is_admin=True, name="Admin")


def test_admin_creates_program_with_defaults(client, admin, auth_headers):
    r = client.post("/api/v1/programs", json={"title": "CoPA RH"}, headers=auth_headers(admin))
    assert r.status_code == 201
    body = r.get_json()
    assert body["title"] == "CoPA RH"
    assert body["timezone"] == "America/Toronto"
    assert body["coaching_quota"] == 5
    assert body["planned_sessions"] == 10
    assert body["starts_on"] is None and body["ends_on"] is None


@pytest.mark.parametrize(
    "payload,status,code",
    [
        ({"title": "X", "timezone": "Mars/Olympus"}, 422, "invalid_value"),
        ({"title": "X", "colour": "red"}, 400, "invalid_request"),
        ({}, 400, "invalid_request"),
        ({"title": "X", "starts_on": "2026-05-01", "ends_on": "2026-04-01"}, 422, "invalid_dates"),
        ({"title": "X", "coaching_quota": -1}, 422, "invalid_value"),
    ],
)
def test_bad_program_input_is_refused_and_nothing_is_written(
    client, admin, auth_headers, db, payload, status, code
):
    from training.programs.models import Program

    r = client.post("/api/v1/programs", json=payload, headers=auth_headers(admin))
    assert r.status_code == status
    assert r.get_json()["error"]["code"] == code
    assert r.get_json()["error"]["message"]
    assert db.session.scalar(db.select(db.func.count(Program.id))) == 0


def test_malformed_json_gets_400(client, admin, auth_headers):
    r = client.post(
        "/api/v1/programs",
        data="{not json",
        content_type="application/json",
        headers=auth_headers(admin),
    )
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "malformed_json"


def test_non_admin_cannot_create_program(client, make_user, auth_headers):
    r = client.post("/api/v1/programs", json={"title": "X"}, headers=auth_headers(make_user()))
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "forbidden"


def test_no_token_gets_401_json(client):
    r = client.post("/api/v1/programs", json={"title": "X"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


def test_revoked_or_unknown_token_is_refused(client):
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer copa_nope"})
    assert r.status_code == 401


def test_facilitator_adds_member_and_new_user_is_invited(
    client, make_program, make_member, auth_headers, db
):
    from training.mail.models import OutboxMessage

    program = make_program()
    facilitator = make_member(program, "facilitator").user
    r = client.post(
        f"/api/v1/programs/{program.id}/members",
        json={
            "email": "Lea.Roy@Example.ORG",
            "name": "Léa Roy",
            "role": "participant",
            "company": "Nordik Web",
        },
        headers=auth_headers(facilitator),
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["email"] == "lea.roy@example.org"
    assert body["role"] == "participant" and body["company"] == "Nordik Web"
    assert set(body) >= {"id", "user_id", "email", "role", "company"}
    mails = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.to_email for m in mails] == ["lea.roy@example.org"]
    assert "/set-password/" in mails[0].text_body


@pytest.mark.parametrize(
    "payload,status",
    [
        ({"email": "not-an-email", "name": "A", "role": "participant"}, 422),
        ({"email": "a@example.org", "name": "A", "role": "king"}, 422),
        ({"email": "a@example.org", "name": "Eve\r\nBcc: x", "role": "participant"}, 422),
        ({"email": "a@example.org", "role": "participant"}, 400),
        ({"email": "a@example.org", "name": "A", "role": "participant", "x": 1}, 400),
    ],
)
def test_bad_member_input(client, make_program, make_member, auth_headers, db, payload, status):
    from training.accounts.models import User

    program = make_program()
    facilitator = make_member(program, "facilitator").user
    before = db.session.scalar(db.select(db.func.count(User.id)))
    r = client.post(
        f"/api/v1/programs/{program.id}/members", json=payload, headers=auth_headers(facilitator)
    )
    assert r.status_code == status
    assert "error" in r.get_json()
    assert db.session.scalar(db.select(db.func.count(User.id))) == before


def test_duplicate_member_gets_409(client, make_program, make_member, auth_headers):
    program = make_program()
    facilitator = make_member(program, "facilitator").user
    payload = {"email": "dup@example.org", "name": "Dup", "role": "participant"}
    headers = auth_headers(facilitator)
    assert (
        client.post(
            f"/api/v1/programs/{program.id}/members", json=payload, headers=headers
        ).status_code
        == 201
    )
    r = client.post(f"/api/v1/programs/{program.id}/members", json=payload, headers=headers)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "duplicate_member"


def test_participant_cannot_add_members(client, make_program, make_member, auth_headers):
    program = make_program()
    participant = make_member(program, "participant").user
    r = client.post(
        f"/api/v1/programs/{program.id}/members",
        json={"email": "x@example.org", "name": "X", "role": "participant"},
        headers=auth_headers(participant),
    )
    assert r.status_code == 403


def test_outsider_sees_nothing_of_a_program(
    client, make_program, make_member, make_user, auth_headers
):
    program = make_program(title="Secret CoPA")
    make_member(program, "participant", name="Competitor A")
    outsider = make_user()
    other = make_program(title="Other")
    make_member(other, "participant", user=outsider)
    headers = auth_headers(outsider)
    for path in (f"/api/v1/programs/{program.id}", f"/api/v1/programs/{program.id}/members"):
        r = client.get(path, headers=headers)
        assert r.status_code == 404
        assert "Secret" not in r.get_data(as_text=True)
    listed = client.get("/api/v1/programs", headers=headers).get_json()["programs"]
    assert [p["title"] for p in listed] == ["Other"]


def test_admin_issues_token_that_works(client, make_user, auth_headers):
    admin = make_user(is_admin=True)
    bob = make_user(name="Bob")
    r = client.post(f"/api/v1/users/{bob.id}/tokens", headers=auth_headers(admin))
    assert r.status_code == 201
    token = r.get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["name"] == "Bob"


def test_tokens_are_stored_hashed(make_user, auth_headers, db):
    from training.accounts.models import ApiToken

    headers = auth_headers(make_user())
    token = headers["Authorization"].split()[1]
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_unknown_api_route_is_json_404(client, make_user, auth_headers):
    r = client.get("/api/v1/nothing-here", headers=auth_headers(make_user()))
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_bearer_token_wins_over_the_login_session(client, make_user, auth_headers, login):
    alice, bob = make_user(name="Alice"), make_user(name="Bob")
    login(client, alice)
    assert client.get("/api/v1/me").get_json()["name"] == "Alice"
    assert client.get("/api/v1/me", headers=auth_headers(bob)).get_json()["name"] == "Bob"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer copa_wrong"})
    assert bad.status_code == 401


def test_participants_get_names_and_companies_never_addresses(
    client, make_program, make_member, auth_headers, app, login
):
    program = make_program()
    facilitator = make_member(program, "facilitator").user
    expert = make_member(program, "expert").user
    alice = make_member(program, "participant", name="Alice", company="Acme").user
    bob = make_member(program, "participant", name="Bob", company="Bolt").user
    url = f"/api/v1/programs/{program.id}/members"

    seen = client.get(url, headers=auth_headers(alice)).get_json()["members"]
    assert {m["name"] for m in seen} >= {"Alice", "Bob"}
    assert {m["company"] for m in seen} >= {"Acme", "Bolt"}
    assert all("email" not in m for m in seen)
    assert bob.email not in client.get(url, headers=auth_headers(alice)).get_data(as_text=True)
    page = login(app.test_client(), alice).get(f"/programs/{program.id}/members")
    assert page.status_code == 200 and bob.email not in page.get_data(as_text=True)

    for staff in (facilitator, expert):
        listed = client.get(url, headers=auth_headers(staff)).get_json()["members"]
        assert {m["email"] for m in listed} >= {alice.email, bob.email}
    page = login(app.test_client(), facilitator).get(f"/programs/{program.id}/members")
    assert bob.email in page.get_data(as_text=True)
