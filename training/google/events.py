"""Copa objects as Google events: training sessions (all program members invited) and
coaching bookings (participant + expert), plus the Meet link becoming the join URL."""

from __future__ import annotations

import sqlalchemy as sa

from training.accounts.models import User
from training.db import utcnow
from training.extensions import db
from training.links import absolute_url
from training.programs.models import Membership, Program
from workers.jobs import declared

from .calendar_sync import EventSpec
from .operations import connection_for, link_for, sync_object
from .recordings_import import meeting_code

OWN_CHANGE = "google_own_change"


SYNC_SESSION = "training.google.jobs.sync_session"  # by name: the jobs call back here
SYNC_BOOKING = "training.google.jobs.sync_booking"


def program_emails(program_id: int) -> tuple[str, ...]:
    rows = db.session.scalars(
        db.select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.program_id == program_id)
        .distinct()
    )
    return tuple(sorted(rows))


def _with_meet(join_url: str | None, previous_meet: str | None) -> bool:
    """Google makes the meeting unless the organiser gave another join link (Zoom, Teams, or
    a Meet room of their own)."""
    return not join_url or join_url == previous_meet


def session_spec(session, program: Program) -> EventSpec | None:
    if session.status == "cancelled":
        return None
    row = link_for("session", session.id)
    with_meet = _with_meet(session.join_url, row.meet_url if row else None)
    url = absolute_url("programs.overview", pid=program.id)
    description = "\n\n".join(part for part in (session.description or "", url) if part)
    return EventSpec(
        key=f"session:{session.id}",
        summary=session.title,
        start=session.starts_at,
        end=session.ends_at,
        timezone=program.timezone,
        attendees=program_emails(program.id),
        description=description,
        location="" if with_meet else (session.join_url or ""),
        with_meet=with_meet,
    )


def sync_session(session) -> str:
    program = db.session.get(Program, session.program_id)
    if connection_for(program.id) is None:
        return "not_configured"
    spec = session_spec(session, program)
    link = sync_object(program, "session", session.id, spec)
    if link is None:
        return "deleted"
    if spec.with_meet and link.meet_url and session.join_url != link.meet_url:
        set_join_url(session, link.meet_url)
    if link.conference_status == "pending":
        _resync_later("session", session.id)
    return "synced"


def set_join_url(session, url: str) -> None:
    """The Meet link becomes the session's join URL, through the sessions feature's own
    update: the SEQUENCE goes up and, when Copa sends the invites, members get the updated
    invite with the link. Our own signal receiver skips this change (Google has it already).
    """
    from training.sessions.operations import update_session
    from training.sessions.validation import SessionInput

    db.session.info[OWN_CHANGE] = ("session", session.id)
    try:
        update_session(session, SessionInput(join_url=url))
    finally:
        db.session.info.pop(OWN_CHANGE, None)


def is_own_change(kind: str, object_id: int) -> bool:
    return db.session.info.get(OWN_CHANGE) == (kind, object_id)


def meet_url_for_session(session) -> str | None:
    row = link_for("session", session.id)
    if row is not None and row.meet_url:
        return row.meet_url
    return session.join_url if meeting_code(session.join_url) else None


def booking_spec(booking) -> EventSpec | None:
    from training.coaching.invites import booking_event

    if not booking.active:
        return None
    event = booking_event(booking)
    row = link_for("booking", booking.id)
    return EventSpec(
        key=f"booking:{booking.id}",
        summary=event.summary,
        start=event.starts_at,
        end=event.ends_at,
        timezone=event.timezone,
        attendees=tuple(a.email for a in event.attendees),
        description="\n\n".join(p for p in (event.description, event.url) if p),
        with_meet=_with_meet(None, row.meet_url if row else None),
    )


def sync_booking(booking) -> str:
    program = db.session.get(Program, booking.program_id)
    if connection_for(program.id) is None:
        return "not_configured"
    link = sync_object(program, "booking", booking.id, booking_spec(booking))
    if link is None:
        return "deleted"
    if link.conference_status == "pending":
        _resync_later("booking", booking.id)
    return "synced"


def _resync_later(kind: str, object_id: int, seconds: int = 60) -> None:
    from datetime import timedelta

    func = declared(SYNC_SESSION) if kind == "session" else declared(SYNC_BOOKING)
    func.later(object_id, at=utcnow() + timedelta(seconds=seconds))


def queue_program_sync(program_id: int) -> int:
    """Queue a sync of the program's upcoming sessions and active bookings."""
    from training.coaching.models import Booking, CoachingSlot
    from training.sessions.models import TrainingSession

    if connection_for(program_id) is None:
        return 0
    now = utcnow()
    session_ids = db.session.scalars(
        db.select(TrainingSession.id).where(
            TrainingSession.program_id == program_id, TrainingSession.ends_at >= now
        )
    ).all()
    booking_ids = db.session.scalars(
        db.select(Booking.id)
        .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
        .where(Booking.program_id == program_id, CoachingSlot.ends_at >= now)
        .where(sa.or_(Booking.status.in_(_active_statuses()), _has_link(Booking.id)))
    ).all()
    for sid in session_ids:
        declared(SYNC_SESSION).later(sid)
    for bid in booking_ids:
        declared(SYNC_BOOKING).later(bid)
    return len(session_ids) + len(booking_ids)


def _active_statuses():
    from training.coaching.rules import ACTIVE_STATUSES

    return ACTIVE_STATUSES


def _has_link(booking_id_column):
    from .models import GoogleEventLink

    return sa.exists().where(
        GoogleEventLink.object_kind == "booking", GoogleEventLink.object_id == booking_id_column
    )
