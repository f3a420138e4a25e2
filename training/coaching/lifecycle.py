"""A booking's states and the only ways it moves between them (one place, for every caller:
participant and facilitator cancellations, the expert withdrawing a slot, a leaver's
bookings, rescheduling, attendance).

    booked ──▶ cancelled | late_cancelled | expert_cancelled      (the invite's SEQUENCE + 1)
    booked ──▶ booked on another slot (rescheduled)               (SEQUENCE + 1)
    booked ──▶ attended | no_show ──▶ attended | no_show          (a correction)

The rules that decide *whether* a move is allowed now (cutoff, quota, notice) are in
:mod:`training.coaching.rules`; this module only keeps the states consistent.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from training.coaching import rules as r

CANCELLED_STATES = frozenset({r.CANCELLED, r.LATE_CANCELLED, r.EXPERT_CANCELLED})
ATTENDANCE_STATES = frozenset({r.ATTENDED, r.NO_SHOW})
MOVES: dict[str, frozenset[str]] = {
    r.BOOKED: CANCELLED_STATES | ATTENDANCE_STATES | {r.BOOKED},
    r.ATTENDED: ATTENDANCE_STATES,
    r.NO_SHOW: ATTENDANCE_STATES,
    r.CANCELLED: frozenset(),
    r.LATE_CANCELLED: frozenset(),
    r.EXPERT_CANCELLED: frozenset(),
}


def _require(booking, to: str) -> None:
    if to not in MOVES[booking.status]:
        if booking.status in CANCELLED_STATES:
            raise r.RuleViolation("not_active", _("This booking was cancelled."), 409)
        raise r.RuleViolation("not_cancellable", _("This booking is not active any more."), 409)


def cancel(booking, status: str, now: datetime) -> None:
    if status not in CANCELLED_STATES:
        raise ValueError(f"{status!r} is not a cancellation")
    _require(booking, status)
    booking.status = status
    booking.cancelled_at = now
    booking.sequence += 1
    booking.updated_at = now


def move_to_slot(booking, slot_id: int, now: datetime) -> None:
    _require(booking, r.BOOKED)
    booking.slot_id = slot_id
    booking.sequence += 1
    booking.updated_at = now


def mark_attendance(booking, status: str, now: datetime) -> None:
    if status not in ATTENDANCE_STATES:
        raise r.RuleViolation("invalid_value", _("Attendance is 'attended' or 'no_show'."), 422)
    _require(booking, status)
    booking.status = status
    booking.updated_at = now
