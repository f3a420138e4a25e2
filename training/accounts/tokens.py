"""API bearer tokens (stored hashed) and signed, single-use links (invitation, reset)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g
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


TOUCH_EVERY = timedelta(minutes=1)


def user_for_token(token: str) -> User | None:
    """The token's user, in one query (this runs on every API request).

    Its ``last_used_at`` is refreshed at most once a minute, after the request (see
    :func:`record_token_use`), so reads stay reads.
    """
    row = db.session.execute(
        db.select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    user, token_id, last_used = row
    if last_used is None or last_used < utcnow() - TOUCH_EVERY:
        g.copa_token_used = token_id
    return user


def record_token_use(_exc=None) -> None:
    """Teardown: note when the request's token was used, in a transaction of its own once the
    request's session is closed (a GET stays read-only; a failed request still counts)."""
    token_id = g.pop("copa_token_used", None)
    if token_id is None:
        return
    db.session.remove()
    now = utcnow()
    try:
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(ApiToken)
                .where(
                    ApiToken.id == token_id,
                    sa.or_(
                        ApiToken.last_used_at.is_(None),
                        ApiToken.last_used_at < now - TOUCH_EVERY,
                    ),
                )
                .values(last_used_at=now)
            )
    except sa.exc.SQLAlchemyError:
        current_app.logger.warning("could not record an API token's use", exc_info=True)


def active_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            db.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_api_token(token_id: int, user: User) -> bool:
    """Revoke one of ``user``'s own tokens; False when it is not theirs or already revoked
    (the caller answers 404 either way: another user's ids are not confirmed)."""
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
