"""A user sees and revokes their own API tokens (issue 11, item 7): the API and the
preferences page list them without the secret; a revoked token answers 401 from then on."""

import re
from datetime import timedelta


def _issue(db, user, label):
    from training.accounts.tokens import issue_api_token

    token = issue_api_token(user, label=label)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}, token


def test_list_shows_own_tokens_without_the_secret(client, db, make_user):
    ana, bo = make_user(timezone="America/Toronto"), make_user()
    laptop, secret = _issue(db, ana, "laptop")
    _issue(db, ana, "calendar sync")
    _issue(db, bo, "bo's script")

    r = client.get("/api/v1/me/tokens", headers=laptop)
    assert r.status_code == 200
    tokens = r.json["tokens"]
    assert sorted(t["label"] for t in tokens) == ["calendar sync", "laptop"]
    assert set(tokens[0]) == {"id", "label", "created_at", "last_used_at"}
    assert secret not in r.get_data(as_text=True)
    assert all(re.search(r"[+-]0[45]:00$", t["created_at"]) for t in tokens)  # Toronto time
    assert all(t["last_used_at"] is None for t in tokens)  # read before this call is noted

    again = {t["label"]: t for t in client.get("/api/v1/me/tokens", headers=laptop).json["tokens"]}
    assert again["laptop"]["last_used_at"] is not None  # the first call was noted
    assert again["calendar sync"]["last_used_at"] is None


def test_revoked_token_answers_401_from_then_on(client, db, make_user):
    ana = make_user()
    laptop, _ = _issue(db, ana, "laptop")
    leaked, _ = _issue(db, ana, "leaked")
    leaked_id = next(
        t["id"]
        for t in client.get("/api/v1/me/tokens", headers=laptop).json["tokens"]
        if t["label"] == "leaked"
    )
    assert client.delete(f"/api/v1/me/tokens/{leaked_id}", headers=laptop).status_code == 204
    assert client.get("/api/v1/me", headers=leaked).status_code == 401
    assert client.get("/api/v1/me", headers=laptop).status_code == 200
    labels = [t["label"] for t in client.get("/api/v1/me/tokens", headers=laptop).json["tokens"]]
    assert labels == ["laptop"]
    # revoking twice: it is gone
    assert client.delete(f"/api/v1/me/tokens/{leaked_id}", headers=laptop).status_code == 404


def test_another_users_token_cannot_be_revoked_or_seen(client, db, make_user):
    ana, bo = make_user(), make_user()
    ana_headers, _ = _issue(db, ana, "ana")
    bo_headers, _ = _issue(db, bo, "bo")
    bo_id = client.get("/api/v1/me/tokens", headers=bo_headers).json["tokens"][0]["id"]

    r = client.delete(f"/api/v1/me/tokens/{bo_id}", headers=ana_headers)
    assert r.status_code == 404  # the same answer as an id that does not exist
    assert client.delete("/api/v1/me/tokens/999999", headers=ana_headers).status_code == 404
    assert client.get("/api/v1/me", headers=bo_headers).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(client, db, make_user):
    from training.accounts.models import ApiToken
    from training.db import utcnow

    headers, _ = _issue(db, make_user(), "laptop")
    client.get("/api/v1/me", headers=headers)
    row = db.session.scalars(db.select(ApiToken)).one()
    first = row.last_used_at
    assert first is not None and utcnow() - first < timedelta(seconds=30)

    client.get("/api/v1/me", headers=headers)
    db.session.refresh(row)
    assert row.last_used_at == first  # within the minute: not rewritten

    row.last_used_at = first - timedelta(minutes=5)
    db.session.commit()
    client.get("/api/v1/me", headers=headers)
    db.session.refresh(row)
    assert row.last_used_at > first - timedelta(minutes=5)


def test_preferences_page_lists_and_revokes_tokens(client, db, login, make_user):
    ana = make_user()
    headers, secret = _issue(db, ana, "calendar sync")
    login(client, ana)
    page = client.get("/preferences").get_data(as_text=True)
    assert "calendar sync" in page and secret not in page
    assert "+00:00" not in page  # dates are written for people, in their zone
    token_id = re.search(r'data-token-id="(\d+)"', page).group(1)

    r = client.post(f"/preferences/tokens/{token_id}/revoke")
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "The token is revoked" in page
    assert "calendar sync" not in page
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_revoke_form_needs_its_csrf_token(app, client, db, login, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    ana = make_user()
    headers, _ = _issue(db, ana, "laptop")
    login(client, ana)
    token_id = re.search(
        r'data-token-id="(\d+)"', client.get("/preferences").get_data(as_text=True)
    ).group(1)
    r = client.post(f"/preferences/tokens/{token_id}/revoke")
    assert r.status_code == 400
    assert client.get("/api/v1/me", headers=headers).status_code == 200
