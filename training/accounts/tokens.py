"""API bearer tokens (stored hashed) and signed, single-use links (invitation, reset)."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from training.accounts.models import ApiToken, User
from training.db import utcnow
from training.extensions import db

TOKEN_PREFIX = "copa_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User, label: str | None = None) -> str:
    """Create a token for ``user``; the clear value exists only in the return value."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=hash_token(token), label=label))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The token's user, in one query (this runs on every API request)."""
    return db.session.scalar(
        db.select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    )


def revoke_api_token(token_id: int, user: User) -> bool:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


# --- one-time links -------------------------------------------------------------------------
# The payload carries the user's security_stamp; setting a password bumps it, so a link works
# once and every older link dies with it.


class LinkError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" | "invalid" | "used"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"copa-{purpose}")


def make_link_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"uid": user.id, "stamp": user.security_stamp})


def read_link_token(token: str, purpose: str, max_age_hours: int) -> User:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age_hours * 3600)
    except SignatureExpired as exc:
        raise LinkError("expired") from exc
    except BadSignature as exc:
        raise LinkError("invalid") from exc
    user = db.session.get(User, data.get("uid"))
    if user is None:
        raise LinkError("invalid")
    if user.security_stamp != data.get("stamp"):
        raise LinkError("used")
    return user
