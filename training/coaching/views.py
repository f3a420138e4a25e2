"""Coaching pages: one page per program whose sections depend on the viewer's roles.

Participant: "3 of 5 coaching sessions used", open slots grouped by day in their own zone,
book / cancel / reschedule. Expert: availability editor, upcoming bookings, attendance, notes.
Facilitator: a row per participant (counts and dates only) and coaching use per company.
"""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_date
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from training.coaching import access, planning
from training.coaching import availability as av
from training.coaching import notes as notes_ops
from training.coaching import operations as ops
from training.coaching import queries as q
from training.coaching.models import Booking, CoachingSlot
from training.coaching.picker import Picker
from training.coaching.rules import RuleViolation
from training.coaching.slotgen import AvailabilityError
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.policy import can, program_member_or_404, require, roles_in
from training.programs.roles import EXPERT, PARTICIPANT
from training.timeutil import parse_local_datetime, to_local

bp = Blueprint("coaching", __name__)


def _back(pid: int):
    return redirect(url_for("coaching.index", pid=pid))


def _tz(program) -> str:
    return current_user.timezone or program.timezone


@bp.get("/programs/<int:pid>/coaching")
@login_required
def index(pid: int):
    program = program_member_or_404(pid)
    tz = _tz(program)
    locale = get_locale()

    def when(dt, fmt="medium"):
        """A UTC instant as the viewer's date (in their language) and 24 h time."""
        local = to_local(dt, tz)
        return f"{format_date(local.date(), fmt, locale=locale)} {local:%H:%M}"

    ctx = {
        "program": program,
        "tz": tz,
        "local": lambda dt: to_local(dt, tz),
        "now": utcnow(),
        "when": when,
        "day": lambda d: format_date(d, "full", locale=locale),
        "horizon": utcnow() + timedelta(days=28),
    }
    if PARTICIPANT in roles_in(pid):  # an admin who is not a participant books for nobody
        info = q.usage(program, current_user.id)
        slots = q.bookable_slots(program, current_user.id, ctx["now"])
        ctx["usage"] = info
        picker = Picker.of(slots, tz)
        ctx["soonest"] = picker.soonest(3)
        ctx["open_days"] = len(picker.days)
        if request.args.get("propose"):
            ctx["proposal"] = planning.propose_for(program, current_user)
        ctx["blocks"] = planning.weekly_blocks(pid, current_user.id)
    if EXPERT in roles_in(pid):  # likewise, an admin coaches nobody
        mine = [b for b in q.expert_bookings(pid, current_user.id) if b.active]
        upcoming = [b for b in mine if b.slot.ends_at > ctx["now"]]
        past = [b for b in mine if b.slot.ends_at <= ctx["now"]]
        ctx["expert_bookings"] = upcoming + past[::-1]  # next first, then most recent first
        ctx["my_slots"] = [
            (s, state)
            for s, state in q.slot_states(pid, current_user.id)
            if s.expert_id == current_user.id and s.ends_at > ctx["now"]
        ]
    if can("coaching.overview", pid):
        rows = q.overview_rows(program)
        ctx["overview"] = rows
        ctx["companies"] = q.company_usage(rows, program.coaching_quota)
        if request.args.get("plan"):
            names = {row["participant_id"]: row["name"] for row in rows}
            plans = planning.propose_for_behind(program)
            slots = {
                s.id: s
                for s in db.session.scalars(
                    db.select(CoachingSlot).where(
                        CoachingSlot.id.in_([o.id for plan in plans.values() for o in plan])
                    )
                )
            }
            ctx["batch_plan"] = [
                (pid_, names.get(pid_, "?"), [slots[o.id] for o in plan])
                for pid_, plan in sorted(plans.items(), key=lambda kv: names.get(kv[0], ""))
            ]
    ctx["visible_notes"] = lambda b: notes_ops.visible_notes(b, current_user.id)
    return render_template("coaching/index.html", **ctx)


def _run(pid: int, func, success: str, on_refusal=None):
    try:
        func()
        db.session.commit()
        flash(success, "info")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        if on_refusal is not None:
            on_refusal()
    return _back(pid)


def _own_booking(pid: int, bid: int) -> Booking:
    booking, relation = access.booking_in_reach(bid, pid)
    access.require_relation(relation, "participant", access.FACILITATOR)
    return booking


@bp.post("/programs/<int:pid>/coaching/bookings/<int:bid>/cancel")
@login_required
def cancel(pid: int, bid: int):
    booking = _own_booking(pid, bid)
    override = bool(request.form.get("override")) and can("coaching.override_cutoff", pid)
    return _run(
        pid,
        lambda: ops.cancel_booking(booking, actor_id=current_user.id, override=override),
        _("Cancelled."),
    )


@bp.post("/programs/<int:pid>/coaching/availability")
@login_required
def publish(pid: int):
    program = require("availability.manage_own", pid)
    tz = _tz(program)  # the zone the page shows times in, so the one the expert typed in

    def go():
        form = request.form
        try:
            starts = parse_local_datetime(form["starts_at"], tz)
            ends = parse_local_datetime(form["ends_at"], tz)
            slot_minutes = int(form.get("slot_minutes") or 60)
            buffer_minutes = int(form.get("buffer_minutes") or 0)
            repeat = form.get("repeat_until")
            repeat_until = date.fromisoformat(repeat) if repeat else None
        except (KeyError, ValueError):
            raise AvailabilityError("invalid_value", _("Check the dates and numbers.")) from None
        if not (5 <= slot_minutes <= 480 and 0 <= buffer_minutes <= 240):  # as the API
            raise AvailabilityError("invalid_value", _("Check the dates and numbers."))
        av.publish_availability(
            program,
            current_user.id,
            starts,
            ends,
            slot_minutes=slot_minutes,
            buffer_minutes=buffer_minutes,
            repeat_until=repeat_until,
            tz_name=tz,
        )

    return _run(pid, go, _("Availability published."))


@bp.post("/programs/<int:pid>/coaching/slots/<int:sid>/withdraw")
@login_required
def withdraw(pid: int, sid: int):
    slot = access.slot_in_reach(sid, pid)
    access.may_withdraw(slot)
    return _run(pid, lambda: av.withdraw_slot(slot, actor_id=current_user.id), _("Withdrawn."))


def _coached_booking(pid: int, bid: int) -> tuple[Booking, str]:
    return access.booking_in_reach(bid, pid)


@bp.post("/programs/<int:pid>/coaching/bookings/<int:bid>/attendance")
@login_required
def attendance(pid: int, bid: int):
    booking, relation = _coached_booking(pid, bid)
    access.require_relation(relation, "expert")
    status = request.form.get("status", "")
    return _run(pid, lambda: notes_ops.mark_attendance(booking, status), _("Saved."))


@bp.post("/programs/<int:pid>/coaching/bookings/<int:bid>/notes")
@login_required
def note(pid: int, bid: int):
    booking, _relation = _coached_booking(pid, bid)
    kind, body = request.form.get("kind", ""), request.form.get("body", "")
    return _run(
        pid,
        lambda: notes_ops.add_note(booking, kind, body, author_id=current_user.id),
        _("Note saved."),
    )


@bp.post("/programs/<int:pid>/coaching/proposal/accept")
@login_required
def accept_proposal(pid: int):
    """Book the proposed slots the participant ticked; each stands on its own."""
    require("coaching.book_self", pid)
    user_id = current_user.id
    picks = [(user_id, slot_id) for slot_id in request.form.getlist("slot_id", type=int)]
    return _book_picks(pid, picks, actor_id=user_id)


def _book_picks(pid: int, picks: list[tuple[int, int]], *, actor_id: int):
    """Book each (participant id, slot id) of this program on its own; say how many worked."""
    booked = failed = 0
    for participant_id, slot_id in picks:
        slot = db.session.get(CoachingSlot, slot_id)
        if slot is None or slot.program_id != pid:
            continue
        try:
            ops.book_slot(slot_id, participant_id, actor_id=actor_id)
            db.session.commit()
            booked += 1
        except RuleViolation:
            db.session.rollback()
            failed += 1
    flash(_("%(n)s sessions booked.", n=booked), "info")
    if failed:
        flash(_("%(n)s proposed slots could not be booked any more.", n=failed), "error")
    return _back(pid)


@bp.post("/programs/<int:pid>/coaching/unavailability")
@login_required
def unavailability(pid: int):
    """Add (weekday, start, end) or remove (remove=index) a weekly time the user can't make."""
    from datetime import time

    from training.coaching.proposer import WeeklyBlock

    require("coaching.book_self", pid)
    blocks = planning.weekly_blocks(pid, current_user.id)
    remove = request.form.get("remove", type=int)
    if remove is not None and 0 <= remove < len(blocks):
        del blocks[remove]
    else:
        try:
            block = WeeklyBlock(
                int(request.form["weekday"]),
                time.fromisoformat(request.form["start"]),
                time.fromisoformat(request.form["end"]),
            )
        except (KeyError, ValueError):
            flash(_("Check the day and times."), "error")
            return _back(pid)
        if not 0 <= block.weekday <= 6 or block.end <= block.start:
            flash(_("Check the day and times."), "error")
            return _back(pid)
        blocks.append(block)
    planning.set_weekly_blocks(pid, current_user.id, blocks)
    db.session.commit()
    return _back(pid)


@bp.post("/programs/<int:pid>/coaching/plan/accept")
@login_required
def accept_plan(pid: int):
    """The facilitator books the ticked part of the batch plan on the participants' behalf."""
    require("coaching.book_for_others", pid)
    picks = []
    for pick in request.form.getlist("pick"):
        participant_s, _sep, slot_s = pick.partition(":")
        if participant_s.isdigit() and slot_s.isdigit():
            picks.append((int(participant_s), int(slot_s)))
    return _book_picks(pid, picks, actor_id=current_user.id)
