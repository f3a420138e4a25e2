"""GET /api/v1/me/calendar and POST /api/v1/me/calendar/rotate."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required

from training.api import api
from training.calendar.feeds import feed_links, rotate_feed
from training.calendar.views import program_feeds_for
from training.extensions import db


def _answer():
    body = {**feed_links(current_user), "program_feeds": program_feeds_for(current_user)}
    db.session.commit()
    return jsonify(body)


@api.get("/me/calendar")
@login_required
def api_my_calendar():
    return _answer()


@api.post("/me/calendar/rotate")
@login_required
def api_rotate_calendar():
    rotate_feed(current_user)
    return _answer()
