"""CSRF on the API: a state-changing call that the session cookie authenticates needs the
X-CSRFToken header (the token of the page's <meta name="csrf-token">); bearer calls do not."""

import re

import pytest
from werkzeug.routing import IntegerConverter

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the fixture restores the test default afterwards
    return app


def _meta_token(client) -> str:
    html = client.get("/me/calendar").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def _feed_url(client, **kw):
    return client.get("/api/v1/me/calendar", **kw).json["webcal_url"]


def test_cookie_call_without_the_csrf_header_is_refused(csrf_on, client, login, make_user):
    login(client, make_user())
    before = _feed_url(client)
    r = client.post("/api/v1/me/calendar/rotate")
    assert r.status_code == 403
    assert r.json["error"]["code"] == "csrf_failed"
    assert r.json["error"]["message"]
    assert _feed_url(client) == before  # the feed was not rotated

    forged = client.post("/api/v1/me/calendar/rotate", headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 403 and forged.json["error"]["code"] == "csrf_failed"


def test_cookie_call_with_the_page_token_goes_through(csrf_on, client, login, make_user):
    login(client, make_user())
    before = _feed_url(client)
    token = _meta_token(client)
    r = client.post("/api/v1/me/calendar/rotate", headers={"X-CSRFToken": token})
    assert r.status_code == 200, r.json
    assert r.json["webcal_url"] != before


def test_refusal_is_translated(csrf_on, client, login, make_user):
    login(client, make_user(locale="fr_CA"))
    r = client.post("/api/v1/me/calendar/rotate")
    assert r.status_code == 403
    assert "jeton" in r.json["error"]["message"]


def test_bearer_calls_need_no_csrf_header(csrf_on, client, auth_headers, make_user):
    headers = auth_headers(make_user())
    before = _feed_url(client, headers=headers)
    r = client.post("/api/v1/me/calendar/rotate", headers=headers)
    assert r.status_code == 200
    assert r.json["webcal_url"] != before


def test_reads_and_anonymous_calls_are_unchanged(csrf_on, client, login, make_user):
    assert client.post("/api/v1/me/calendar/rotate").status_code == 401  # not 403
    login(client, make_user())
    assert client.get("/api/v1/me/calendar").status_code == 200


def _fill(rule) -> str:
    path = rule.rule
    for arg in rule.arguments:
        numeric = isinstance(rule._converters[arg], IntegerConverter)
        path = re.sub(rf"<[^>]*\b{arg}>", "1" if numeric else "x", path)
    return path


def test_every_state_changing_api_route_requires_the_header(csrf_on, client, login, make_user):
    """The check sits in front of every API view: none can be forgotten."""
    login(client, make_user(is_admin=True))
    rules = [r for r in csrf_on.url_map.iter_rules() if r.endpoint.startswith("api.")]
    checked = 0
    for rule in rules:
        for method in sorted(set(rule.methods) & set(STATE_CHANGING)):
            r = client.open(_fill(rule), method=method, json={})
            assert r.status_code == 403, (method, rule.rule, r.status_code)
            assert r.json["error"]["code"] == "csrf_failed", (method, rule.rule)
            checked += 1
    assert checked >= 25  # bookings, slots, sessions, recordings (tus PATCH), tokens, feeds…
