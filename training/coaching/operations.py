"""Booking operations: book, cancel, reschedule. They flush, never commit.

Every operation that reads a rule and then writes takes the participant's membership row lock
first (``SELECT … FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite), then the slot row,
always in that order, so two requests of one participant are serialised (the quota cannot be
overrun). Two participants racing for one slot are told apart by the partial unique index on
active bookings: the second INSERT fails and becomes 409 slot_taken.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from training.coaching import lifecycle
from training.coaching import rules as r
from training.coaching.models import Booking, CoachingNote, CoachingSettings, CoachingSlot
from training.db import begin_immediate, for_update, utcnow
from training.errors import DomainError
from training.extensions import db
from training.programs.models import Membership, Program
from training.programs.roles import PARTICIPANT

_UNSET = object()
MAX_NOTE = 4000  # characters of a preparation note (the API's schema says the same)


def rules_for(program: Program, settings=_UNSET) -> r.CoachingRules:
    """The program's rules; ``settings`` is its CoachingSettings row (or None) when known."""
    if settings is _UNSET:
        settings = db.session.get(CoachingSettings, program.id)
    base = {
        "quota": program.coaching_quota,
        "starts_on": program.starts_on,
        "ends_on": program.ends_on,
        "timezone": program.timezone,
    }
    if settings is None:
        return r.CoachingRules(**base)
    return r.CoachingRules(
        cutoff=timedelta(hours=settings.cutoff_hours),
        min_notice=timedelta(hours=settings.min_notice_hours),
        pacing_days=settings.pacing_days,
        late_cancel_counts=settings.late_cancel_counts,
        **base,
    )


def participant_bookings(program_id: int, participant_id: int) -> list[Booking]:
    return list(
        db.session.scalars(
            db.select(Booking)
            .where(Booking.program_id == program_id, Booking.participant_id == participant_id)
            .order_by(Booking.id)
            .options(joinedload(Booking.slot))
        )
    )


def lock_participant(program_id: int, participant_id: int) -> Membership:
    """Lock the participant's membership row; 422 not_a_participant when there is none."""
    membership = db.session.scalar(
        for_update(
            db.select(Membership).where(
                Membership.program_id == program_id,
                Membership.user_id == participant_id,
                Membership.role == PARTICIPANT,
            )
        )
    )
    if membership is None:
        raise r.RuleViolation(
            "not_a_participant", _("This person is not a participant of the program."), 422
        )
    return membership


def _lock_slot(slot_id: int) -> CoachingSlot:
    slot = db.session.scalar(
        for_update(db.select(CoachingSlot).where(CoachingSlot.id == slot_id)),
        execution_options={"populate_existing": True},
    )
    if slot is None:
        raise NotFound()
    return slot


def _relock_slot(slot: CoachingSlot) -> None:
    """Lock a loaded slot's row and re-read the columns a booking depends on (status, hold);
    its relationships (program, expert) stay loaded."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    db.session.refresh(
        slot, ["status", "hold_user_id", "hold_until"], with_for_update=True if postgres else None
    )


def lock_booking(booking: Booking) -> Booking:
    """Re-read the booking under a row lock (PostgreSQL), so its status is current."""
    return db.session.scalar(
        for_update(db.select(Booking).where(Booking.id == booking.id)),
        execution_options={"populate_existing": True},
    )


def active_booking_for_slot(slot_id: int, exclude_id: int | None = None) -> Booking | None:
    stmt = db.select(Booking).where(
        Booking.slot_id == slot_id, Booking.status.in_(r.ACTIVE_STATUSES)
    )
    if exclude_id is not None:
        stmt = stmt.where(Booking.id != exclude_id)
    return db.session.scalar(stmt, execution_options={"populate_existing": True})


def _slot_taken() -> r.RuleViolation:
    return r.RuleViolation("slot_taken", _("This slot is no longer available."), 409)


def _check_slot_bookable(slot: CoachingSlot, participant_id: int, now: datetime):
    if slot.status != "open" or slot.held_for_other(participant_id, now):
        raise _slot_taken()


def slot_for_booking(slot_id: int):
    """One query for what a booking request needs before any lock: the slot (with its program
    and expert in the identity map), the program's settings row (or None) and the slot's active
    booking (or None). None when the slot does not exist."""
    row = db.session.execute(
        db.select(CoachingSlot, CoachingSettings, Booking)
        .outerjoin(CoachingSettings, CoachingSettings.program_id == CoachingSlot.program_id)
        .outerjoin(
            Booking,
            (Booking.slot_id == CoachingSlot.id) & Booking.status.in_(r.ACTIVE_STATUSES),
        )
        .where(CoachingSlot.id == slot_id)
        .options(joinedload(CoachingSlot.program), joinedload(CoachingSlot.expert))
    ).first()
    return None if row is None else tuple(row)


def _is_active_slot_clash(exc: sa.exc.IntegrityError) -> bool:
    text = str(exc.orig)
    return "uq_coaching_bookings_active_slot" in text or "coaching_bookings.slot_id" in text


def book_slot(
    slot_id: int,
    participant_id: int,
    *,
    actor_id: int,
    note: str | None = None,
    now: datetime | None = None,
    preloaded=None,
) -> tuple[Booking, bool]:
    """Book ``slot_id`` for the participant. Returns (booking, created).

    Booking a slot the participant already holds returns that booking with created=False (a
    double click or a retried request books once). ``preloaded`` is what
    :func:`slot_for_booking` returned, when the caller already has it.

    Concurrency: the participant's membership row is locked first (the quota is read and
    written under that lock), then the slot (a withdrawal holds the same lock). Two people
    racing for one slot meet at the partial unique index: the loser's INSERT fails and the
    transaction is rolled back with 409 slot_taken.
    """
    if note and len(note) > MAX_NOTE:
        raise DomainError(
            422,
            "note_too_long",
            _("Keep the note under %(num)s characters.", num=format_number(MAX_NOTE)),
            field="note",
        )
    now = now or utcnow()
    found = preloaded or slot_for_booking(slot_id)
    if found is None:
        raise NotFound()
    slot, settings, existing = found
    program_id = slot.program_id
    # Fast path without locks: a slot someone already holds is refused (or, for its holder,
    # returned) from committed data, so losers of a race don't queue for the locks.
    if existing is not None:
        if existing.participant_id == participant_id:
            return existing, False
        raise _slot_taken()
    begin_immediate()  # SQLite: the write lock now (restarts the transaction)
    lock_participant(program_id, participant_id)
    _relock_slot(slot)
    mine = participant_bookings(program_id, participant_id)
    for b in mine:
        if b.active and b.slot_id == slot.id:
            return b, False  # a double click that came through the fast path at the same time
    _check_slot_bookable(slot, participant_id, now)
    program = db.session.get(Program, program_id)
    rules = rules_for(program, settings)
    r.check_booking(
        rules,
        slot.starts_at,
        slot.ends_at,
        now,
        r.used_sessions((b.status for b in mine), rules),
        [b.slot.starts_at for b in mine if b.active],
    )
    booking = Booking(
        program_id=program_id,
        slot_id=slot.id,
        participant_id=participant_id,
        booked_by_id=actor_id,
        status=r.BOOKED,
        sequence=0,
        created_at=now,
        updated_at=now,
        notes=[],
    )
    if note and note.strip():
        prep = CoachingNote(author_id=actor_id, kind="preparation", body=note.strip())
        booking.notes.append(prep)
    if slot.hold_user_id == participant_id:
        slot.hold_user_id, slot.hold_until = None, None
    try:
        with db.session.begin_nested():  # a clash undoes this insert only, not the caller's work
            db.session.add(booking)
    except sa.exc.IntegrityError as exc:
        if _is_active_slot_clash(exc):
            raise _slot_taken() from None
        raise
    _after_change(booking, "created")
    return booking, True


def cancel_booking(
    booking: Booking, *, actor_id: int, override: bool = False, now: datetime | None = None
) -> Booking:
    """Cancel by the participant or the facilitator; inside the cutoff only with ``override``
    (then it is a late cancellation, which counts toward the quota when the program says so)."""
    now = now or utcnow()
    begin_immediate()
    lock_participant(booking.program_id, booking.participant_id)
    lock_booking(booking)
    if booking.status != r.BOOKED:
        raise r.RuleViolation("not_cancellable", _("This booking is not active any more."), 409)
    program = db.session.get(Program, booking.program_id)
    status = r.cancellation_status(
        rules_for(program), booking.slot.starts_at, now, override=override
    )
    lifecycle.cancel(booking, status, now)
    db.session.flush()
    _after_change(booking, "cancelled")
    return booking


def reschedule_booking(
    booking: Booking,
    new_slot_id: int,
    *,
    actor_id: int,
    override: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Move the booking to another slot in one transaction; the quota doesn't change.

    Moving away from a session inside the cancel cutoff needs the facilitator's override.
    """
    now = now or utcnow()
    begin_immediate()
    lock_participant(booking.program_id, booking.participant_id)
    lock_booking(booking)
    if booking.status != r.BOOKED:
        raise r.RuleViolation("not_cancellable", _("This booking is not active any more."), 409)
    old_slot = booking.slot
    if new_slot_id == old_slot.id:
        return booking
    program = db.session.get(Program, booking.program_id)
    rules = rules_for(program)
    r.cancellation_status(rules, old_slot.starts_at, now, override=override)
    slot = _lock_slot(new_slot_id)
    if slot.program_id != booking.program_id:
        raise NotFound()
    if active_booking_for_slot(slot.id) is not None:
        raise _slot_taken()
    _check_slot_bookable(slot, booking.participant_id, now)
    mine = participant_bookings(booking.program_id, booking.participant_id)
    r.check_booking(
        rules,
        slot.starts_at,
        slot.ends_at,
        now,
        0,
        [b.slot.starts_at for b in mine if b.active and b.id != booking.id],
        rescheduling=True,
    )
    try:
        with db.session.begin_nested():
            lifecycle.move_to_slot(booking, slot.id, now)
    except sa.exc.IntegrityError:
        raise _slot_taken() from None
    if slot.hold_user_id == booking.participant_id:
        slot.hold_user_id, slot.hold_until = None, None
    db.session.flush()
    db.session.refresh(booking, ["slot"])
    _after_change(booking, "rescheduled", previous_slot_id=old_slot.id)
    return booking


def _after_change(booking: Booking, change: str, **extra) -> None:
    """Invites (a job after commit), reminder and the booking_changed signal for one change."""
    from training import signals
    from training.coaching.invites import announce_change

    announce_change(booking, change, **extra)
    signals.booking_changed.send(None, booking=booking, change=change)


def cancel_bookings_of_leaver(program_id: int, participant_id: int, *, now: datetime | None = None):
    """A participant leaves the program: their upcoming bookings are cancelled (the slots open
    again for the others, the expert and the leaver get the CANCEL). Past ones stay as history.

    Runs inside the removal's transaction (a signal handler): no ``begin_immediate`` here, which
    would roll back what the other handlers queued; the removal route takes the write lock."""
    now = now or utcnow()
    lock_participant(program_id, participant_id)
    upcoming = db.session.scalars(
        for_update(
            db.select(Booking)
            .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
            .where(
                Booking.program_id == program_id,
                Booking.participant_id == participant_id,
                Booking.status == r.BOOKED,
                CoachingSlot.starts_at > now,
            )
        )
    ).all()
    for booking in upcoming:
        lifecycle.cancel(booking, r.CANCELLED, now)
        db.session.flush()
        _after_change(booking, "cancelled")
    return upcoming


def on_member_removed(sender, membership, **_kw) -> None:
    if membership.role == PARTICIPANT:
        cancel_bookings_of_leaver(membership.program_id, membership.user_id)
