"""Attendance and the three kinds of coaching notes, with their confidentiality rules.

preparation: written by the participant; seen by the participant and the booking's expert.
private:     written by the booking's expert; seen by its author only, even after the booking
             moves to another expert (a reschedule) or the author stops coaching it.
shared:      written by the booking's expert; seen by the expert and the participant.
Nobody else (facilitator, other experts, other participants, admins) sees any note text: the
facilitator's views get counts and dates only (see queries.overview_rows).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from training.coaching import lifecycle
from training.coaching import rules as r
from training.coaching.models import Booking, CoachingNote
from training.db import utcnow
from training.extensions import db

WRITERS = {"preparation": "participant", "private": "expert", "shared": "expert"}
READERS = {
    "participant": ("preparation", "shared"),
    "expert": ("preparation", "private", "shared"),
}


def relation(booking: Booking, user_id: int) -> str | None:
    """'participant', 'expert' or None: how ``user_id`` relates to this booking."""
    if booking.participant_id == user_id:
        return "participant"
    if booking.slot.expert_id == user_id:
        return "expert"
    return None


def visible_notes(booking: Booking, user_id: int) -> list[CoachingNote]:
    """The notes ``user_id`` may read: a private note is its author's alone, whoever coaches
    the booking now; the other kinds follow the viewer's current relation to the booking."""
    kinds = READERS.get(relation(booking, user_id) or "", ())
    return [
        n
        for n in booking.notes
        if (n.author_id == user_id if n.kind == "private" else n.kind in kinds)
    ]


def authored_private_notes(booking: Booking, user_id: int) -> bool:
    """Whether ``user_id`` wrote a private note here (a former coach keeps reading their own)."""
    return any(n.kind == "private" and n.author_id == user_id for n in booking.notes)


def add_note(booking: Booking, kind: str, body: str, *, author_id: int) -> CoachingNote:
    if kind not in WRITERS:
        raise r.RuleViolation("invalid_value", _("Unknown kind of note."), 422)
    if relation(booking, author_id) != WRITERS[kind]:
        raise r.RuleViolation("forbidden", _("You cannot write this kind of note here."), 403)
    body = (body or "").strip()
    if not body:
        raise r.RuleViolation("invalid_value", _("The note is empty."), 422)
    note = CoachingNote(booking_id=booking.id, author_id=author_id, kind=kind, body=body)
    db.session.add(note)
    db.session.flush()
    db.session.refresh(booking, ["notes"])
    return note


def mark_attendance(booking: Booking, status: str, *, now: datetime | None = None) -> Booking:
    """The expert marks a booking attended or no-show, once the session has started."""
    now = now or utcnow()
    if status not in lifecycle.ATTENDANCE_STATES:
        raise r.RuleViolation("invalid_value", _("Attendance is 'attended' or 'no_show'."), 422)
    if booking.status not in r.ACTIVE_STATUSES:
        raise r.RuleViolation("not_active", _("This booking was cancelled."), 409)
    if booking.slot.starts_at > now:
        raise r.RuleViolation("too_early", _("Attendance is marked once the session starts."), 422)
    lifecycle.mark_attendance(booking, status, now)
    db.session.flush()
    return booking
