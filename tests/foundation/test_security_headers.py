"""Security headers (issue 11, item 8): every answer carries a CSP without inline code, refuses
framing and sniffing, and the session cookie is Secure when Copa is served over https."""

import re

import pytest


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


@pytest.mark.parametrize("path", ["/login", "/", "/api/v1/me", "/healthz"])
def test_every_answer_carries_the_headers(client, login, make_user, path):
    login(client, make_user())
    r = client.get(path)
    assert r.status_code < 500
    csp = _csp(r)
    assert csp["script-src"] == "'self'"
    # styles: our files, plus the one <style> FullCalendar injects, which must carry this
    # answer's nonce (a fresh one each time, announced in <meta name="csp-nonce">)
    style = csp["style-src"].split()
    assert style[0] == "'self'" and len(style) == 2
    assert re.fullmatch(r"'nonce-[A-Za-z0-9_\-+/=]{16,}'", style[1])
    if r.status_code == 200 and r.mimetype == "text/html":
        nonce = style[1][len("'nonce-") : -1]
        assert f'<meta name="csp-nonce" content="{nonce}">' in r.get_data(as_text=True)
        assert (
            client.get(path).headers["Content-Security-Policy"]
            != r.headers["Content-Security-Policy"]
        )
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_hold_no_inline_script_or_style(client, login, make_program, make_member):
    program = make_program()
    login(client, make_member(program, "facilitator").user)
    for path in (
        f"/programs/{program.id}",
        f"/programs/{program.id}/sessions",
        f"/programs/{program.id}/coaching",
        f"/programs/{program.id}/members",
        "/me/calendar",
        "/preferences",
    ):
        html = client.get(path).get_data(as_text=True)
        # a <script> without src=, a style= attribute or an on…= handler would be blocked
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_plain_http_cookie_is_not_secure(client, make_user):
    make_user(email="ana@example.org", password="correct horse battery")
    r = client.post(
        "/login", data={"email": "ana@example.org", "password": "correct horse battery"}
    )
    assert r.status_code == 302
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_https_site_marks_the_session_cookie_secure(other_app, make_user):
    https_app = other_app(BASE_URL="https://copa.example.org")
    make_user(email="bo@example.org", password="correct horse battery")
    with https_app.test_client() as c:
        r = c.post(
            "/login",
            data={"email": "bo@example.org", "password": "correct horse battery"},
            base_url="https://copa.example.org",
        )
        assert r.status_code == 302
        assert "Secure" in r.headers["Set-Cookie"]
        assert "max-age" in r.headers["Strict-Transport-Security"]
