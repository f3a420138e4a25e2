"""What a browser is told and asked: security headers (Flask-Talisman) and CSRF on the API.

Headers: a Content-Security-Policy without inline script or style (every script is a static
file), no framing (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), ``nosniff``, a
Referrer-Policy, and the Secure flag on the session cookie when ``BASE_URL`` is https. HTTPS
itself is the reverse proxy's job: nothing is redirected here (tests and loopback scrapers of
``/metrics`` speak plain http), and Talisman sends HSTS on requests that came over https.

CSRF: HTML forms are checked by Flask-WTF's ``CSRFProtect``. The API blueprint is exempt from
that form check; instead, a state-changing API call that the *session cookie* authenticates
must carry the same token in the ``X-CSRFToken`` header (the pages' JavaScript reads it from
``<meta name="csrf-token">``). Calls with ``Authorization: Bearer`` are not affected: a cookie
is ignored on them (``training.auth``), and no other site can make a browser send that header.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_talisman import Talisman
from flask_wtf.csrf import ValidationError, validate_csrf

from training.auth import bearer_request
from training.errors import DomainError

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:", "blob:"],
    # hls.js plays through MediaSource (blob: media) and runs its demuxer in a blob: worker
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    "connect-src": "'self'",
    # FullCalendar's stylesheet carries its small icon font inline (a data: URI)
    "font-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

REFERRER_POLICY = "strict-origin-when-cross-origin"

# a member's uploaded file: nothing in it runs, loads or frames anything
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def serves_uploaded_files(view):
    """Mark a view answering a member's uploaded file with :data:`FILE_POLICY` (Talisman reads
    the mark per request)."""
    view.talisman_view_options = {
        "content_security_policy": FILE_POLICY,
        "content_security_policy_nonce_in": [],
    }
    return view


def serves_https(config) -> bool:
    return str(config.get("BASE_URL", "")).lower().startswith("https://")


def talisman_options(config) -> dict:
    """Flask-Talisman's settings for an app with this configuration."""
    secure = serves_https(config)
    return {
        "force_https": False,
        "frame_options": "DENY",
        "content_security_policy": CONTENT_SECURITY_POLICY,
        # FullCalendar injects its stylesheet as a <style> element carrying the nonce of
        # <meta name="csp-nonce"> (base.html); no other inline style is allowed.
        "content_security_policy_nonce_in": ["style-src"],
        "referrer_policy": REFERRER_POLICY,
        "session_cookie_secure": secure,
        "session_cookie_http_only": True,
        "session_cookie_samesite": config.get("SESSION_COOKIE_SAMESITE", "Lax"),
        "x_content_type_options": True,
    }


def check_api_csrf() -> None:
    """Refuse a state-changing API call authenticated by the session cookie without the
    CSRF header (the token of ``<meta name="csrf-token">``)."""
    if request.blueprint is None or request.blueprint.split(".")[0] != "api":
        return
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method not in config["WTF_CSRF_METHODS"] or bearer_request():
        return
    if not current_user.is_authenticated:
        return  # nothing authenticates it: the view answers 401
    token = next(
        (request.headers[h] for h in config["WTF_CSRF_HEADERS"] if h in request.headers), None
    )
    try:
        validate_csrf(token)
    except ValidationError:
        raise DomainError(
            403,
            "csrf_failed",
            _(
                "This request is missing a valid CSRF token: reload the page and try again "
                "(API clients: send a bearer token)."
            ),
        ) from None


def init_app(app: Flask) -> None:
    app.before_request(check_api_csrf)


def init_headers(app: Flask) -> None:
    """Send the security headers on every answer and mark the session cookie Secure when
    the site is served over https."""
    options = talisman_options(app.config)
    app.config["SESSION_COOKIE_SECURE"] = options["session_cookie_secure"]
    # One Talisman per app: it keeps its settings on itself.
    app.extensions["talisman"] = Talisman(app, **options)
