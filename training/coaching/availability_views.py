"""The expert's weekly availability editor: tick the weekdays, give their hours and the period,
see the slots it will create (grouped by week, clashes with the expert's own slots marked),
then publish them all at once. A refusal keeps every value typed and puts its reason beside
the field it is about. Times are the expert's own zone (the page says which).

Thin: the slots are ``weekly.plan_slots``; preview and publication ``availability``.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from babel.dates import format_date
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_login import current_user, login_required

from training.coaching import availability as av
from training.coaching.forms import WeekForm
from training.coaching.slotgen import AvailabilityError
from training.coaching.views import _tz, bp
from training.db import utcnow
from training.extensions import db
from training.policy import require
from training.timeutil import to_local

DEFAULT_PERIOD = timedelta(weeks=6)


def _defaults(program, today: date) -> dict:
    first = max(today + timedelta(days=1), program.starts_on or today)
    last = first + DEFAULT_PERIOD
    if program.ends_on and program.ends_on >= first:
        last = min(last, program.ends_on)
    return {"first_day": first, "last_day": last}


def _weeks(preview, tz: str):
    """[(monday, [(day, [(local start, local end, clashes)])])] for the preview."""
    rows = [(to_local(i.starts_at, tz), to_local(i.ends_at, tz), clash) for i, clash in preview]
    days = [(d, list(items)) for d, items in groupby(rows, key=lambda r: r[0].date())]
    return [
        (monday, list(group))
        for monday, group in groupby(days, key=lambda d: d[0] - timedelta(days=d[0].weekday()))
    ]


@bp.route("/programs/<int:pid>/coaching/availability/week", methods=["GET", "POST"])
@login_required
def week(pid: int):
    program = require("availability.manage_own", pid)
    tz = _tz(program)
    today = to_local(utcnow(), tz).date()
    form = WeekForm(data=_defaults(program, today) if request.method == "GET" else None)
    error: AvailabilityError | None = None
    preview = None
    if request.method == "POST" and form.validate():
        plan = form.plan()
        try:
            if request.form.get("action") == "publish":
                slots = av.publish_week(program, current_user.id, plan, tz)
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)d coaching slot published.",
                        "%(num)d coaching slots published.",
                        len(slots),
                    ),
                    "info",
                )
                return redirect(url_for("coaching.index", pid=pid) + "#expert")
            preview = av.preview_week(program, current_user.id, plan, tz)
        except AvailabilityError as exc:
            db.session.rollback()
            error = exc
            if exc.code == "overlap":  # show which ones: the preview marks them
                try:
                    preview = av.preview_week(program, current_user.id, plan, tz)
                except AvailabilityError:
                    preview = None
    locale = get_locale()
    status = 422 if request.method == "POST" and (error or form.errors) else 200
    return (
        render_template(
            "coaching/week.html",
            program=program,
            tz=tz,
            form=form,
            error=error,
            preview=preview,
            weeks=_weeks(preview, tz) if preview else [],
            clashes=sum(1 for _i, c in preview or [] if c),
            weekday_names=[
                format_date(date(2024, 1, 1) + timedelta(days=n), "EEEE", locale=locale)
                for n in range(7)
            ],
            day=lambda d: format_date(d, "EEE d MMM", locale=locale),
            long_day=lambda d: format_date(d, "long", locale=locale),
        ),
        status,
    )
