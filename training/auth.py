"""How a request is authenticated: the login session, or ``Authorization: Bearer <token>``."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

from training.extensions import db, login_manager


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    from training.accounts.tokens import record_token_use

    app.teardown_request(record_token_use)


def bearer_request() -> bool:
    """Whether this request authenticates with ``Authorization: Bearer`` (then a cookie is
    ignored, CSRF does not apply, and a failure counts as a token guess)."""
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


@login_manager.user_loader
def load_user(user_id: str):
    """The user of the login session, unless the request brings a bearer token: then the
    token alone decides (an API client's cookie jar must not override its token)."""
    from training.accounts.models import User

    if bearer_request():
        return None
    uid, _, stamp = user_id.partition(":")
    if not (uid.isascii() and uid.isdigit() and stamp.isascii() and stamp.isdigit()):
        return None  # a malformed id, or one from before sessions carried the stamp
    user = db.session.get(User, int(uid)) if int(uid) < 2**31 else None
    if user is None or str(user.security_stamp or 0) != stamp:
        return None
    return user


@login_manager.request_loader
def load_user_from_bearer(req):
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    from training.accounts.tokens import user_for_token

    return user_for_token(token.strip())


@login_manager.unauthorized_handler
def unauthorized():
    from flask import redirect, url_for
    from werkzeug.exceptions import Unauthorized

    if request.path.startswith("/api/"):
        raise Unauthorized()
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
