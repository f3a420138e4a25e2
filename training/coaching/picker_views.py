"""The booking picker, in the steps Cal.com taught people: a month whose days with open times
are marked, the times of the chosen day (in the viewer's zone, with the expert's name), a
confirm step with the preparation note, and a success screen with an .ics file and a Google
Calendar link. Rescheduling walks the same steps. Without JavaScript the month is a list of
days; each step is a plain page, so the back button and a shared link work.

Thin: what may be booked is ``queries.bookable_slots``; the booking itself ``operations``.
"""

from __future__ import annotations

from babel.dates import format_date
from flask import Response, abort, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from training.calendar.ical import render_event_file
from training.coaching import access
from training.coaching import operations as ops
from training.coaching import queries as q
from training.coaching.invites import booking_event
from training.coaching.picker import Picker, google_calendar_link, parse_day
from training.coaching.views import _own_booking, _tz, bp
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.policy import program_member_or_404, require
from training.timeutil import to_local, when_in_words


def _moving(pid: int):
    """The booking being rescheduled (``?move=<id>``, the participant's own), or None."""
    bid = request.values.get("move", type=int)
    if not bid:
        return None
    booking = _own_booking(pid, bid)
    if not booking.active or booking.slot.ends_at <= utcnow():
        abort(404)
    return booking


def _render(program, moving=None, *, slot_id=None, day=None, error=None, note="", status=200):
    tz = _tz(program)
    now = utcnow()
    usage = q.usage(program, current_user.id)
    picker = Picker.of(
        q.bookable_slots(program, current_user.id, now),
        tz,
        skip_slot_id=moving.slot_id if moving else None,
    )
    chosen = picker.slot(slot_id) if slot_id else None
    gone = bool(slot_id) and chosen is None and error is None
    if chosen is not None:
        day = day or to_local(chosen.starts_at, tz).date()
    if day not in picker.days:
        day = None
    if error is not None and chosen is None and note.strip():
        session["coaching_note"] = note[: ops.MAX_NOTE]  # the time is gone; the note waits
    elif chosen is not None and not note:
        note = session.pop("coaching_note", "")
    locale = str(get_locale())
    return (
        render_template(
            "coaching/book.html",
            program=program,
            tz=tz,
            usage=usage,
            picker=picker,
            day=day,
            chosen=chosen,
            gone=gone,
            moving=moving,
            error=error,
            note=note,
            words=lambda s: when_in_words(s.starts_at, s.ends_at, tz, locale),
            day_label=lambda d: format_date(d, "full", locale=locale),
            hm=lambda dt: to_local(dt, tz).strftime("%H:%M"),
            locale=locale,
        ),
        status,
    )


@bp.get("/programs/<int:pid>/coaching/book")
@login_required
def picker(pid: int):
    program = program_member_or_404(pid)
    require("coaching.book_self", pid)
    return _render(
        program,
        _moving(pid),
        slot_id=request.args.get("slot", type=int),
        day=parse_day(request.args.get("day")),
    )


@bp.post("/programs/<int:pid>/coaching/slots/<int:sid>/book")
@login_required
def book(pid: int, sid: int):
    """The confirm step's form: book ``sid`` (or move ``move`` to it). A refusal shows the
    confirm step again, with the reason beside the note and the note as typed."""
    program = program_member_or_404(pid)
    require("coaching.book_self", pid)
    moving = _moving(pid)
    access.slot_in_reach(sid, pid)
    note = request.form.get("note", "")
    try:
        if moving is not None:
            ops.reschedule_booking(moving, sid, actor_id=current_user.id)
            booking = moving
        else:
            booking, _created = ops.book_slot(
                sid, current_user.id, actor_id=current_user.id, note=note.strip() or None
            )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _render(
            program,
            moving,
            slot_id=sid,
            error=exc,
            note=note,
            status=exc.status,
        )
    return redirect(
        url_for("coaching.booked", pid=pid, bid=booking.id, moved=1 if moving else None)
    )


@bp.get("/programs/<int:pid>/coaching/bookings/<int:bid>")
@login_required
def booked(pid: int, bid: int):
    """The success screen: when, with whom, and the ways into the participant's calendar."""
    program = program_member_or_404(pid)
    booking = _own_booking(pid, bid)
    tz = _tz(program)
    event = booking_event(booking)
    return render_template(
        "coaching/booked.html",
        program=program,
        booking=booking,
        tz=tz,
        when=when_in_words(booking.slot.starts_at, booking.slot.ends_at, tz, str(get_locale())),
        google_url=google_calendar_link(event),
        moved=bool(request.args.get("moved")),
        usage=q.usage(program, booking.participant_id),
    )


@bp.get("/programs/<int:pid>/coaching/bookings/<int:bid>/event.ics")
@login_required
def booking_ics(pid: int, bid: int):
    program_member_or_404(pid)
    booking, _relation = access.booking_in_reach(bid, pid)
    if current_user.id not in (booking.participant_id, booking.slot.expert_id):
        abort(404)
    return Response(
        render_event_file(booking_event(booking)),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="coaching-{booking.id}.ics"'},
    )
