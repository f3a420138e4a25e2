"""Coaching endpoints of the JSON API (README.md, "HTTP API"). Thin: parse, authorise, call, commit.

Every ``participant_id`` and ``expert_id`` here, in bodies and in answers, is a user id (the
``user_id`` of a member, not the membership ``id``).
"""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import Field
from werkzeug.exceptions import NotFound

from training.api import ApiError, api, parse_json
from training.api.schemas import Strict
from training.coaching import access
from training.coaching import availability as av
from training.coaching import notes as notes_ops
from training.coaching import operations as ops
from training.coaching import queries as q
from training.coaching.models import CoachingSlot
from training.db import utcnow
from training.extensions import db
from training.policy import can, program_member_or_404, require
from training.timeutil import parse_local_datetime


def _tz(program) -> str:
    return current_user.timezone or program.timezone


class AvailabilityIn(Strict):
    starts_at: str
    ends_at: str
    slot_minutes: int = Field(60, ge=5, le=480)
    buffer_minutes: int = Field(0, ge=0, le=240)
    expert_id: int | None = None
    repeat_weekly_until: date | None = None


@api.post("/programs/<int:pid>/availability")
@login_required
def publish_availability(pid: int):
    """``expert_id`` is the expert's user id (as in the slots returned); omitted: the caller."""
    program = program_member_or_404(pid)
    body = parse_json(AvailabilityIn)
    expert_id = body.expert_id or current_user.id
    if expert_id == current_user.id and not can("availability.manage_any", pid):
        require("availability.manage_own", pid)
    elif expert_id != current_user.id:
        require("availability.manage_any", pid)
    try:
        starts = parse_local_datetime(body.starts_at, program.timezone)
        ends = parse_local_datetime(body.ends_at, program.timezone)
    except ValueError:
        raise ApiError(
            422,
            "invalid_value",
            _("starts_at and ends_at must be ISO 8601 date-times, e.g. 2027-03-09T09:00."),
        ) from None
    slots = av.publish_availability(
        program,
        expert_id,
        starts,
        ends,
        slot_minutes=body.slot_minutes,
        buffer_minutes=body.buffer_minutes,
        repeat_until=body.repeat_weekly_until,
    )
    db.session.commit()
    tz = _tz(program)
    return jsonify(slots=[q.slot_dict(s, tz, "open", current_user.id) for s in slots]), 201


@api.get("/programs/<int:pid>/slots")
@login_required
def list_slots(pid: int):
    program = require("program.view", pid)
    wanted = request.args.get("status")
    expert = request.args.get("expert_id", type=int)
    tz = _tz(program)
    now = utcnow()
    viewer_id = current_user.id
    if wanted == "open":
        return jsonify(slots=q.open_slot_dicts(pid, viewer_id, tz, now=now, expert_id=expert))
    out = [
        q.slot_dict(slot, tz, state, viewer_id, now)
        for slot, state in q.slot_states(pid, viewer_id, now)
        if (wanted is None or state == wanted) and (expert is None or slot.expert_id == expert)
    ]
    return jsonify(slots=out)


def _slots(ids: list[int]) -> list[CoachingSlot]:
    found = db.session.scalars(db.select(CoachingSlot).where(CoachingSlot.id.in_(ids)))
    by_id = {s.id: s for s in found}
    return [by_id[i] for i in ids]


@api.delete("/slots/<int:slot_id>")
@login_required
def withdraw_slot(slot_id: int):
    slot = access.slot_in_reach(slot_id)
    access.may_withdraw(slot)
    booking = av.withdraw_slot(slot, actor_id=current_user.id)
    db.session.commit()
    return jsonify(status="withdrawn", cancelled_booking_id=booking.id if booking else None)


class BookingIn(Strict):
    participant_id: int | None = None
    note: str | None = Field(None, max_length=ops.MAX_NOTE)


@api.post("/slots/<int:slot_id>/booking")
@login_required
def book(slot_id: int):
    """``participant_id`` is a user id (the ``user_id`` of ``POST /programs/{pid}/members``),
    like the ``participant_id`` of the booking returned; omitted: the caller."""
    body = parse_json(BookingIn) if request.content_length else BookingIn()
    found = ops.slot_for_booking(slot_id)  # slot, program, settings, active booking: one query
    if found is None:
        raise NotFound()
    slot = found[0]
    participant_id = body.participant_id or current_user.id
    action = (
        "coaching.book_self" if participant_id == current_user.id else "coaching.book_for_others"
    )
    program = require(action, slot.program_id)
    user_id, tz = current_user.id, _tz(program)
    booking, created = ops.book_slot(
        slot_id, participant_id, actor_id=user_id, note=body.note, preloaded=found
    )
    answer = q.booking_dict(booking, tz, user_id)  # before commit expires what it reads
    db.session.commit()
    return jsonify(answer), 201 if created else 200


@api.get("/bookings/<int:bid>")
@login_required
def get_booking(bid: int):
    booking, _rel = access.booking_in_reach(bid)
    return jsonify(q.booking_dict(booking, _tz(booking.slot.program), current_user.id))


def _override() -> bool:
    flag = request.args.get("override", "")
    if request.is_json and isinstance(request.get_json(silent=True), dict):
        flag = flag or str(request.get_json(silent=True).get("override", ""))
    return flag.lower() in ("1", "true", "yes")


@api.delete("/bookings/<int:bid>")
@login_required
def cancel(bid: int):
    booking, relation = access.booking_in_reach(bid)
    access.require_relation(relation, "participant", access.FACILITATOR)
    override = _override() and can("coaching.override_cutoff", booking.program_id)
    ops.cancel_booking(booking, actor_id=current_user.id, override=override)
    db.session.commit()
    return jsonify(status="cancelled", booking_status=booking.status)


class RescheduleIn(Strict):
    slot_id: int
    override: bool = False


@api.post("/bookings/<int:bid>/reschedule")
@login_required
def reschedule(bid: int):
    booking, relation = access.booking_in_reach(bid)
    access.require_relation(relation, "participant", access.FACILITATOR)
    body = parse_json(RescheduleIn)
    override = body.override and can("coaching.override_cutoff", booking.program_id)
    user_id = current_user.id
    ops.reschedule_booking(booking, body.slot_id, actor_id=user_id, override=override)
    db.session.commit()
    return jsonify(q.booking_dict(booking, _tz(booking.slot.program), user_id))


class AttendanceIn(Strict):
    status: str


@api.post("/bookings/<int:bid>/attendance")
@login_required
def attendance(bid: int):
    booking, relation = access.booking_in_reach(bid)
    access.require_relation(relation, "expert")
    notes_ops.mark_attendance(booking, parse_json(AttendanceIn).status)
    db.session.commit()
    return jsonify(id=booking.id, status=booking.status)


class NoteIn(Strict):
    kind: str
    body: str = Field(max_length=20000)


@api.post("/bookings/<int:bid>/notes")
@login_required
def add_note(bid: int):
    booking, _rel = access.booking_in_reach(bid)
    body = parse_json(NoteIn)
    note = notes_ops.add_note(booking, body.kind, body.body, author_id=current_user.id)
    db.session.commit()
    return jsonify(id=note.id, kind=note.kind), 201


@api.get("/programs/<int:pid>/coaching/me")
@login_required
def coaching_me(pid: int):
    program = require("coaching.book_self", pid)
    info = q.usage(program, current_user.id)
    tz = _tz(program)
    return jsonify(
        quota=info["quota"],
        used=info["used"],
        remaining=info["remaining"],
        bookings=[q.booking_dict(b, tz, current_user.id) for b in info["bookings"]],
    )
