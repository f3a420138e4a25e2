"""Account endpoints of the JSON API."""

from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user, login_required

from training.accounts.models import User
from training.accounts.tokens import active_tokens, issue_api_token, revoke_api_token
from training.api import api
from training.extensions import db
from training.i18n import select_timezone
from training.policy import require_admin
from training.timeutil import isoformat


@api.get("/me")
@login_required
def me():
    return jsonify(
        id=current_user.id,
        email=current_user.email,
        name=current_user.name,
        is_admin=current_user.is_admin,
        locale=current_user.locale,
        timezone=current_user.timezone,
    )


@api.post("/users/<int:uid>/tokens")
@login_required
def create_token(uid: int):
    require_admin()
    user = db.get_or_404(User, uid)
    token = issue_api_token(user, label="api")
    db.session.commit()
    return jsonify(token=token), 201


def token_json(token) -> dict:
    """What its owner may know of a token: never the secret (only its hash is stored)."""
    return {
        "id": token.id,
        "label": token.label,
        "created_at": isoformat(token.created_at, select_timezone()),
        "last_used_at": isoformat(token.last_used_at, select_timezone()),
    }


@api.get("/me/tokens")
@login_required
def my_tokens():
    return jsonify(tokens=[token_json(t) for t in active_tokens(current_user)])


@api.delete("/me/tokens/<int:token_id>")
@login_required
def revoke_my_token(token_id: int):
    if not revoke_api_token(token_id, current_user):
        abort(404)
    db.session.commit()
    return "", 204
