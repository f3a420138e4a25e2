"""Who reaches a coaching booking or slot: one answer for the API and the pages.

Whoever may not see a booking or a slot gets 404, whether it belongs to another program or to
another participant of the same program, so an id never tells an outsider that it exists.
Someone who sees it but may not do what they asked gets 403 (``require_relation``).
"""

from __future__ import annotations

from flask_login import current_user
from werkzeug.exceptions import Forbidden, NotFound

from training.coaching import notes
from training.coaching.models import Booking, CoachingSlot
from training.extensions import db
from training.policy import can, program_member_or_404

# How a viewer relates to a booking, beyond notes.relation's participant/expert.
FACILITATOR = "facilitator"
FORMER_EXPERT = "former_expert"  # wrote a private note, then the booking moved to another expert


def booking_in_reach(bid: int, program_id: int | None = None) -> tuple[Booking, str]:
    """The booking and the current user's relation to it; 404 when they may not see it (or it
    is not in ``program_id``, for routes under a program's path)."""
    booking = db.session.get(Booking, bid)
    if booking is None or (program_id is not None and booking.program_id != program_id):
        raise NotFound()
    program_member_or_404(booking.program_id)
    user_id = current_user.id
    relation = notes.relation(booking, user_id)
    if relation is None and can("coaching.overview", booking.program_id):
        relation = FACILITATOR
    if relation is None and notes.authored_private_notes(booking, user_id):
        relation = FORMER_EXPERT
    if relation is None:
        raise NotFound()
    return booking, relation


def require_relation(relation: str, *allowed: str) -> None:
    if relation not in allowed:
        raise Forbidden()


def slot_in_reach(sid: int, program_id: int | None = None) -> CoachingSlot:
    """A slot of one of the current user's programs (``program_id`` when given); 404 else."""
    slot = db.session.get(CoachingSlot, sid)
    if slot is None or (program_id is not None and slot.program_id != program_id):
        raise NotFound()
    program_member_or_404(slot.program_id)
    return slot


def may_withdraw(slot: CoachingSlot) -> None:
    if not (slot.expert_id == current_user.id or can("availability.manage_any", slot.program_id)):
        raise Forbidden()
