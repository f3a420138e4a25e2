"""A login cookie ends with a sign-out or a password reset, even where it was copied."""

from __future__ import annotations


def _signed_in(app, user, password):
    client = app.test_client()
    r = client.post("/login", data={"email": user.email, "password": password})
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    return client


def _captured(app, client):
    """A second client holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def _programs_page(client):
    return client.get("/", follow_redirects=False)


def test_a_cookie_copied_before_sign_out_stops_working(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = False
    user = make_user(password="correct horse battery")
    client = _signed_in(app, user, "correct horse battery")
    thief = _captured(app, client)
    assert _programs_page(thief).status_code == 200
    assert client.post("/logout").status_code == 302
    assert _programs_page(thief).status_code == 302  # back to the sign-in page
    assert "/login" in _programs_page(thief).headers["Location"]


def test_a_cookie_copied_before_a_password_reset_stops_working(app, make_user, db):
    from training.accounts.operations import set_password

    app.config["WTF_CSRF_ENABLED"] = False
    user = make_user(password="correct horse battery")
    thief = _captured(app, _signed_in(app, user, "correct horse battery"))
    set_password(user, "another long passphrase")
    db.session.commit()
    assert "/login" in _programs_page(thief).headers["Location"]
    # The new password opens a fresh session.
    assert _programs_page(_signed_in(app, user, "another long passphrase")).status_code == 200
