"""Throttling (issue 11, item 6): failed logins and unknown bearer tokens are counted in Redis;
past the limit Copa answers 429 with Retry-After, for that account or address only."""

PASSWORD = "correct horse battery"


def _login(client, email, password, **kw):
    return client.post("/login", data={"email": email, "password": password}, **kw)


def test_ten_failures_lock_the_account_even_for_the_right_password(client, make_user):
    make_user(email="ana@example.org", password=PASSWORD)
    make_user(email="bo@example.org", password=PASSWORD)
    for _ in range(10):
        assert _login(client, "ana@example.org", "wrong guess").status_code == 401

    locked = _login(client, "Ana@Example.org ", PASSWORD)  # the same account, however typed
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60
    page = locked.get_data(as_text=True)
    assert "Too many failed attempts" in page
    assert 'value="Ana@Example.org' in page  # the address typed is kept in the form
    assert "_user_id" not in (locked.headers.get("Set-Cookie") or "")

    # the lock is on that account: a colleague at the same address signs in
    assert _login(client, "bo@example.org", PASSWORD).status_code == 302


def test_nine_failures_then_the_right_password_works(client, make_user):
    make_user(email="cy@example.org", password=PASSWORD)
    for _ in range(9):
        assert _login(client, "cy@example.org", "wrong guess").status_code == 401
    assert _login(client, "cy@example.org", PASSWORD).status_code == 302


def test_refusal_is_translated(client, make_user):
    make_user(email="di@example.org", password=PASSWORD)
    for _ in range(10):
        _login(client, "di@example.org", "mauvais", headers={"Accept-Language": "fr-CA"})
    r = _login(client, "di@example.org", PASSWORD, headers={"Accept-Language": "fr-CA"})
    assert r.status_code == 429
    assert "Trop de tentatives" in r.get_data(as_text=True)


def test_fifty_failures_from_one_address_block_its_logins(client, make_user):
    make_user(email="eve@example.org", password=PASSWORD)
    for i in range(50):  # five guesses on each of ten accounts: no account reaches its limit
        assert _login(client, f"guess{i % 10}@example.org", "wrong").status_code == 401
    r = _login(client, "eve@example.org", PASSWORD)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0


def test_unknown_bearer_tokens_are_throttled_per_address(client, auth_headers, make_user):
    valid = auth_headers(make_user())
    for i in range(50):
        r = client.get("/api/v1/me", headers={"Authorization": f"Bearer copa_guess{i}"})
        assert r.status_code == 401
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer copa_guess-again"})
    assert r.status_code == 429
    assert r.json["error"]["code"] == "too_many_attempts"
    assert 1 <= r.json["error"]["retry_after"] <= 15 * 60
    assert int(r.headers["Retry-After"]) == r.json["error"]["retry_after"]
    # a real token from the same address is not a guess: it keeps working
    assert client.get("/api/v1/me", headers=valid).status_code == 200


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client):
    for i in range(50):
        client.get(
            "/api/v1/me",
            headers={"Authorization": "Bearer copa_x", "X-Forwarded-For": f"198.51.100.{i}"},
        )
    r = client.get(
        "/api/v1/me",
        headers={"Authorization": "Bearer copa_x", "X-Forwarded-For": "198.51.100.250"},
    )
    assert r.status_code == 429  # a forged header does not buy a fresh address


def test_behind_a_trusted_proxy_each_client_address_counts_apart(other_app):
    bad = {"Authorization": "Bearer copa_x"}
    with other_app(COPA_TRUSTED_PROXIES=1).test_client() as c:
        for _ in range(50):
            r = c.get("/api/v1/me", headers={**bad, "X-Forwarded-For": "203.0.113.5"})
            assert r.status_code == 401
        blocked = c.get("/api/v1/me", headers={**bad, "X-Forwarded-For": "203.0.113.5"})
        other = c.get("/api/v1/me", headers={**bad, "X-Forwarded-For": "203.0.113.6"})
    assert blocked.status_code == 429
    assert other.status_code == 401
