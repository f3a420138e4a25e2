"""Throttling of guesses (Flask-Limiter on the Redis Copa already runs).

Only *failures* count: a wrong password (401 from ``POST /login``) and an API call whose bearer
token is unknown or revoked (401). Within a moving 15-minute window:

- 10 failed logins for one account lock that account (the right password too answers 429),
  while other accounts signing in from the same office keep working;
- 50 failures from one client address (an office shares one) block that address's logins and
  its unknown bearer tokens; valid tokens are never throttled.

A refused request answers 429 with ``Retry-After`` (seconds). The client address is the TCP
peer unless ``COPA_TRUSTED_PROXIES`` says how many reverse proxies in front of Copa append to
``X-Forwarded-For`` (then werkzeug's ProxyFix reads it): without a trusted proxy, anyone could
send that header and pick a fresh address per guess.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from training.auth import bearer_request
from training.errors import DomainError

WINDOW = "15 minutes"
ACCOUNT_FAILURES = f"10 per {WINDOW}"
ADDRESS_FAILURES = f"50 per {WINDOW}"


def client_address() -> str:
    return request.remote_addr or "unknown"


def login_account() -> str:
    """The account a login attempt is for (empty: the limit is skipped, the form answers)."""
    return (request.form.get("email") or "").strip().lower()[:320]


def _failed(response) -> bool:
    return response.status_code == 401


def _bearer_needs_no_throttle() -> bool:
    # Cookie calls and valid tokens are exempt: only unknown tokens are guesses.
    return not bearer_request() or current_user.is_authenticated


limiter = Limiter(
    key_func=client_address,
    strategy="moving-window",
    in_memory_fallback_enabled=True,  # Redis down: keep throttling, per process
    swallow_errors=True,
)

login_limits = [
    limiter.limit(
        ACCOUNT_FAILURES,
        key_func=login_account,
        methods=["POST"],
        deduct_when=_failed,
        scope="login-account",
    ),
    limiter.limit(
        ADDRESS_FAILURES,
        methods=["POST"],
        deduct_when=_failed,
        scope="login-address",
    ),
]


def throttle_logins(view):
    for decorate in login_limits:
        view = decorate(view)
    return view


def throttle_bearer_guesses(blueprint) -> None:
    limiter.limit(
        ADDRESS_FAILURES,
        deduct_when=_failed,
        exempt_when=_bearer_needs_no_throttle,
        scope="bearer-address",
    )(blueprint)


def _retry_after() -> int:
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, int(limit.reset_at - time.time()))


def _too_many(exc: RateLimitExceeded):
    from flask import flash, jsonify, render_template

    from training.extensions import db

    db.session.rollback()
    wait = _retry_after()
    refusal = DomainError(
        429,
        "too_many_attempts",
        _(
            "Too many failed attempts. Try again in %(minutes)d min.",
            minutes=max(1, -(-wait // 60)),
        ),
        retry_after=wait,
    )
    if request.path.startswith("/api/"):
        response = jsonify(refusal.to_json())
    elif request.endpoint == "accounts.login":
        from training.accounts.forms import LoginForm

        flash(refusal.message, "error")
        response = current_app.make_response(
            render_template("accounts/login.html", form=LoginForm())
        )
    else:
        response = current_app.make_response(
            render_template("errors/error.html", error=None, refusal=refusal)
        )
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("COPA_TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config.get("RQ_QUEUE_PREFIX", "copa"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many)


def reset_keys(app: Flask | None = None) -> int:
    """Forget every counter of this app (tests; an admin lifting a lock by hand)."""
    app = app or current_app
    from workers.queues import get_redis

    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    keys = list(get_redis().scan_iter(f"LIMITS:LIMITER/{prefix}/*", count=500))
    if keys:
        get_redis().delete(*keys)
    return len(keys)
