"""Account endpoints of the JSON API."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required

from training.accounts.models import User
from training.accounts.tokens import issue_api_token
from training.api import api
from training.extensions import db
from training.policy import require_admin


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
