"""Coaching bookings as calendar events: e-mailed invites, reminders and feed entries.

One booking is one event (UID ``coaching-<id>@<host>``) whose SEQUENCE is the booking's
``sequence``: 0 when booked, +1 for each reschedule and for the cancellation. The participant and
the expert each get the REQUEST/CANCEL; the same CalendarEvent feeds both people's calendars.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from training.accounts.models import User
from training.calendar import Attendee, CalendarEvent, Organizer, invite_mail
from training.coaching.models import Booking, CoachingSlot
from training.db import utcnow
from training.extensions import db
from training.links import absolute_url
from training.mail.operations import queue_mail
from training.programs.models import Program
from workers.jobs import declared

BOOKING_MAILS = "training.coaching.jobs.send_booking_mails"  # by name: the jobs call back here
BOOKING_REMINDER = "training.coaching.jobs.send_booking_reminder"
REMINDER_BEFORE = timedelta(hours=24)
FEED_RETENTION = timedelta(days=30)


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "copa.localhost"


def booking_url(booking: Booking) -> str:
    return absolute_url("coaching.index", pid=booking.program_id)


def booking_event(booking: Booking, *, slot: CoachingSlot | None = None) -> CalendarEvent:
    """The booking as a CalendarEvent, on its current slot or, for the CANCEL sent to the
    expert it was moved away from, on the slot it had (that expert, that time)."""
    program = db.session.get(Program, booking.program_id)
    slot = slot or booking.slot
    expert = slot.expert
    participant = booking.participant
    return CalendarEvent(
        uid=f"coaching-{booking.id}@{_host()}",
        sequence=booking.sequence,
        summary=_(
            "Coaching: %(participant)s with %(expert)s",
            participant=participant.name,
            expert=expert.name,
        ),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        last_modified=booking.updated_at,
        created=booking.created_at,
        description=_("1:1 coaching session (%(program)s).", program=program.title),
        url=booking_url(booking),
        organizer=Organizer(expert.email, expert.name),
        attendees=(
            Attendee(participant.email, participant.name, "REQ-PARTICIPANT"),
            Attendee(expert.email, expert.name, "CHAIR"),
        ),
        status="CONFIRMED" if booking.active else "CANCELLED",
        timezone=program.timezone,
        categories=("Coaching",),
    )


def _local(dt: datetime, user: User, program: Program) -> str:
    """The time in the reader's zone and language, as the pages write it (HNE, not EST)."""
    from training.timeutil import when_in_words

    locale = user.locale or program.locale or "en"
    return when_in_words(dt, None, user.timezone or program.timezone, locale)


def _send(event: CalendarEvent, method: str, user: User, program: Program, booking: Booking):
    with force_locale(user.locale or program.locale or "en"):
        when = _local(event.starts_at, user, program)
        if method == "CANCEL":
            subject = _("Cancelled: coaching on %(when)s", when=when)
            text = _(
                "This coaching session is cancelled: %(summary)s, %(when)s.",
                summary=event.summary,
                when=when,
            )
        else:
            subject = _("Coaching on %(when)s", when=when)
            text = _(
                "%(summary)s\n%(when)s\n\nDetails: %(url)s",
                summary=event.summary,
                when=when,
                url=event.url,
            )
        mail = invite_mail(event, method, subject=subject, text=text)
    queue_mail(
        user.email,
        **mail.queue_kwargs(),
        dedupe_key=f"coaching-{booking.id}-{booking.sequence}-{method}-{user.id}",
    )


def mails_job_id(booking_id: int, sequence: int) -> str:
    return declared(BOOKING_MAILS).job_id(booking_id, sequence)


def reminder_job_id(booking_id: int, sequence: int) -> str:
    return declared(BOOKING_REMINDER).job_id(booking_id, sequence)


def invites_written(booking: Booking) -> bool:
    """Whether this version of the booking already has its invites in the outbox."""
    from training.mail.models import OutboxMessage

    prefix = f"coaching-{booking.id}-{booking.sequence}-"
    return (
        db.session.scalar(
            db.select(OutboxMessage.id).where(OutboxMessage.dedupe_key.startswith(prefix)).limit(1)
        )
        is not None
    )


def announce_change(
    booking: Booking,
    change: str,
    *,
    previous_slot_id: int | None = None,
    alternatives: list[CoachingSlot] | None = None,
) -> None:
    """In the request: one job, enqueued once the change commits (``coaching.jobs``).

    The job renders and queues the invites and schedules the reminder, so a booking request
    does no more than one Redis enqueue after its commit.
    """
    declared(BOOKING_MAILS).later(
        booking.id,
        booking.sequence,
        change,
        None,  # previous_expert_id: what jobs queued before previous_slot_id carried
        [s.id for s in alternatives or []],
        previous_slot_id,
    )


def send_booking_invites(
    booking: Booking,
    change: str,
    *,
    previous_slot: CoachingSlot | None = None,
    alternatives: list[CoachingSlot] | None = None,
) -> None:
    """REQUEST (booked, rescheduled) or CANCEL to the participant and the expert (and CANCEL to
    the previous expert, at the previous time, when a reschedule changed expert); after an
    expert cancellation, the e-mail proposing the held slots. Idempotent per booking version
    (outbox dedupe keys)."""
    program = db.session.get(Program, booking.program_id)
    if change == "expert_cancelled":
        send_alternatives(booking, alternatives or [], program)
    if _google_sends_invites(program):
        return  # Google Calendar e-mails the invites (training.google syncs the booking)
    event = booking_event(booking)
    method = "REQUEST" if booking.active else "CANCEL"
    for user in (booking.participant, booking.slot.expert):
        _send(event, method, user, program, booking)
    if previous_slot is not None and previous_slot.expert_id != booking.slot.expert_id:
        old_event = booking_event(booking, slot=previous_slot).replace(status="CANCELLED")
        _send(old_event, "CANCEL", previous_slot.expert, program, booking)


def _google_sends_invites(program: Program) -> bool:
    try:
        from training.google.operations import google_sends_invites
    except ImportError:  # the Google feature is optional
        return False
    return google_sends_invites(program)


def schedule_reminder(booking: Booking) -> None:
    at = booking.slot.starts_at - REMINDER_BEFORE
    if at <= utcnow():
        return
    declared(BOOKING_REMINDER).later(booking.id, booking.sequence, at=at)


def send_reminder_mails(booking: Booking) -> int:
    """Queue the reminder for both people (idempotent per booking version)."""
    program = db.session.get(Program, booking.program_id)
    sent = 0
    for user in (booking.participant, booking.slot.expert):
        with force_locale(user.locale or program.locale or "en"):
            when = _local(booking.slot.starts_at, user, program)
            subject = _("Reminder: coaching tomorrow, %(when)s", when=when)
            text = _(
                "Your coaching session is on %(when)s.\n\nDetails: %(url)s",
                when=when,
                url=booking_url(booking),
            )
        queue_mail(
            user.email,
            subject,
            text,
            dedupe_key=f"coaching-reminder-{booking.id}-{booking.sequence}-{user.id}",
        )
        sent += 1
    return sent


def send_alternatives(booking: Booking, slots: list[CoachingSlot], program: Program) -> None:
    user = booking.participant
    with force_locale(user.locale or program.locale or "en"):
        lines = [f"- {_local(s.starts_at, user, program)}" for s in slots]
        if lines:
            text = _(
                "%(expert)s had to cancel your coaching session. These slots are held for you "
                "for 48 hours:\n%(slots)s\n\nBook one here: %(url)s",
                expert=booking.slot.expert.name,
                slots="\n".join(lines),
                url=booking_url(booking),
            )
        else:
            text = _(
                "%(expert)s had to cancel your coaching session. Your session is credited back; "
                "book another one here: %(url)s",
                expert=booking.slot.expert.name,
                url=booking_url(booking),
            )
        subject = _("Your coaching session was cancelled: pick another time")
    queue_mail(
        user.email,
        subject,
        text,
        dedupe_key=f"coaching-alternatives-{booking.id}-{booking.sequence}",
    )


def feed_events_for(user_id: int, now: datetime | None = None) -> list[CalendarEvent]:
    """The user's coaching events (as participant or as expert) for their personal feed."""
    now = now or utcnow()
    since = now - FEED_RETENTION
    stmt = (
        db.select(Booking)
        .join(CoachingSlot, CoachingSlot.id == Booking.slot_id)
        .where(
            (Booking.participant_id == user_id) | (CoachingSlot.expert_id == user_id),
            CoachingSlot.ends_at >= since,
        )
        .order_by(CoachingSlot.starts_at)
    )
    return [booking_event(b) for b in db.session.scalars(stmt)]
