"""Feed endpoints (secret URLs, no login), the "my calendar" page and its events (JSON)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from training.calendar.feeds import (
    Feed,
    feed_links,
    program_feed_links,
    rotate_feed,
    user_feed,
    user_for_feed_token,
)
from training.calendar.sources import program_feed_for
from training.calendar.widget import in_range, parse_range, personal_events
from training.errors import json_view
from training.extensions import db
from training.policy import can
from training.programs.models import Program
from training.programs.operations import programs_of

bp = Blueprint("calendar", __name__)


def serve_feed(feed: Feed, locale: str) -> Response:
    """text/calendar with a content ETag; 304 when If-None-Match already has it."""
    with force_locale(locale):
        etag = feed.etag()
        if request.if_none_match.contains_weak(etag):
            response = Response(status=304)
        else:
            response = Response(feed.render(), mimetype="text/calendar")
            response.charset = "utf-8"
            response.headers["Content-Disposition"] = 'inline; filename="copa.ics"'
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/calendar/<token>.ics", endpoint="user_feed")
def user_feed_view(token: str):
    user = user_for_feed_token(token)
    if user is None:
        abort(404)
    return serve_feed(user_feed(user), user.locale or "en")


@bp.get("/calendar/<token>/programs/<int:pid>.ics", endpoint="program_feed")
def program_feed_view(token: str, pid: int):
    user = user_for_feed_token(token)
    program = db.session.get(Program, pid)
    if user is None or program is None or not can("program.feed", pid, user):
        abort(404)
    feed = program_feed_for(program)
    if feed is None:
        abort(404)
    return serve_feed(feed, user.locale or program.locale or "en")


def program_feeds_for(user) -> list[dict]:
    return [
        {"program_id": p.id, "title": p.title, **program_feed_links(user, p.id)}
        for p in programs_of(user)
        if can("program.feed", p.id, user)
    ]


@bp.get("/me/calendar")
@login_required
def mine():
    links = feed_links(current_user)
    program_feeds = program_feeds_for(current_user)
    db.session.commit()  # the feed row is created on first visit
    return render_template("calendar/mine.html", links=links, program_feeds=program_feeds)


@bp.get("/me/calendar/events")
@login_required
@json_view
def my_events():
    """The calendar's events for ``?start=…&end=…``: exactly what the user's personal feed
    holds (their programs' sessions, their coaching as participant or expert)."""
    start, end = parse_range(request.args, str(get_timezone()))
    return jsonify(in_range(personal_events(current_user.id), start, end))


@bp.post("/me/calendar/rotate")
@login_required
def rotate():
    rotate_feed(current_user)
    db.session.commit()
    flash(_("Your calendar address changed. Subscribe again with the new one."), "success")
    return redirect(url_for("calendar.mine"))
