"""Training sessions as CalendarEvents (for invites, reminders and feeds)."""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app

from training.accounts.models import User
from training.calendar import Attendee, CalendarEvent, Organizer
from training.extensions import db
from training.links import absolute_url
from training.programs.models import Membership, Program
from training.programs.roles import FACILITATOR
from training.sessions.models import TrainingSession

ROLE_TO_ICAL = {
    "facilitator": "CHAIR",
    "expert": "REQ-PARTICIPANT",
    "participant": "REQ-PARTICIPANT",
}


def host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "copa.localhost"


def session_uid(session_id: int) -> str:
    return f"session-{session_id}@{host()}"


def session_url(session_id: int) -> str:
    return absolute_url("sessions.show", sid=session_id)


class SessionLinks:
    """UID and page URL builders computed once (url_for per row is slow for 500-event feeds)."""

    def __init__(self):
        marker = 987654321
        self.url_template = session_url(marker).replace(str(marker), "{}")
        self.uid_template = "session-{}@" + host()

    def url(self, session_id: int) -> str:
        return self.url_template.format(session_id)

    def uid(self, session_id: int) -> str:
        return self.uid_template.format(session_id)


def organizer_for(program: Program) -> Organizer:
    """The program's first facilitator, or Copa's sender address when there is none."""
    user = db.session.scalar(
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.program_id == program.id, Membership.role == FACILITATOR)
        .order_by(Membership.id)
        .limit(1)
    )
    if user is not None:
        return Organizer(user.email, user.name)
    name, email = parseaddr(current_app.config["MAIL_FROM"])
    return Organizer(email, name or program.title)


def session_event(
    session: TrainingSession,
    program: Program,
    *,
    organizer: Organizer | None = None,
    attendee: Attendee | None = None,
    links: SessionLinks | None = None,
) -> CalendarEvent:
    """The session as an event; with an attendee for an e-mailed invite, without for feeds.

    ``session`` and ``program`` may be ORM objects or rows with the same attribute names.
    """
    links = links or SessionLinks()
    return CalendarEvent(
        uid=links.uid(session.id),
        sequence=session.sequence,
        summary=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        last_modified=session.updated_at,
        created=session.created_at,
        description=session.description or "",
        url=links.url(session.id),
        join_url=session.join_url,
        organizer=organizer,
        attendees=(attendee,) if attendee else (),
        status="CANCELLED" if session.status == "cancelled" else "CONFIRMED",
        timezone=program.timezone,
        categories=(program.title,),
    )


def attendee_for(user: User, roles: set[str]) -> Attendee:
    role = "CHAIR" if FACILITATOR in roles else "REQ-PARTICIPANT"
    return Attendee(user.email, user.name, role)
