"""CalendarEvent: the generic, ORM-free description of one calendar event.

Everything that ends up in an invite or a feed is built from these. Instances are frozen and
hashable, so the rendered VEVENT of an unchanged event can be cached by value.

Fields
------
uid            stable, globally unique id (e.g. ``"session-42@copa.example"``); never changes.
sequence       iTIP SEQUENCE: 0 when created, +1 for each significant change and for the
               cancellation. Stored with the source row.
summary        the title.
starts_at, ends_at
               timezone-aware datetimes (normalised to UTC here); ``ends_at > starts_at``.
last_modified  when the source row last changed (aware). Used for LAST-MODIFIED *and* DTSTAMP,
               so rendering is a pure function of stored data.
created        when the source row was created (aware) or None.
description    free text; the join URL and the page URL are appended when rendering.
url            the event's page in Copa (URL property).
join_url       the video-conference link; also the LOCATION when ``location`` is empty.
location       free text location.
organizer      ``Organizer(email, name)`` or None.
attendees      tuple of ``Attendee(email, name, role)``; role is an RFC 5545 ROLE
               (REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR, NON-PARTICIPANT).
status         "CONFIRMED" or "CANCELLED".
timezone       IANA zone name used to display times (and for TZID when asked for).
categories     tuple of category names (e.g. ``("Training",)``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

STATUSES = ("CONFIRMED", "CANCELLED")
ROLES = ("REQ-PARTICIPANT", "OPT-PARTICIPANT", "CHAIR", "NON-PARTICIPANT")


class Organizer(NamedTuple):
    email: str
    name: str = ""


class Attendee(NamedTuple):
    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    last_modified: datetime
    created: datetime | None = None
    description: str = ""
    url: str | None = None
    join_url: str | None = None
    location: str | None = None
    organizer: Organizer | None = None
    attendees: tuple[Attendee, ...] = field(default=())
    status: str = "CONFIRMED"
    timezone: str = "UTC"
    categories: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        if not self.uid:
            raise ValueError("uid is required")
        if self.sequence < 0:
            raise ValueError("sequence must be >= 0")
        for name in ("starts_at", "ends_at", "last_modified"):
            setattr_(self, name, _utc(getattr(self, name), name))
        if self.created is not None:
            setattr_(self, "created", _utc(self.created, "created"))
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        if self.organizer is not None and not isinstance(self.organizer, Organizer):
            setattr_(self, "organizer", Organizer(*self.organizer))
        attendees = tuple(a if isinstance(a, Attendee) else Attendee(*a) for a in self.attendees)
        for attendee in attendees:
            if attendee.role not in ROLES:
                raise ValueError(f"attendee role must be one of {ROLES}")
        setattr_(self, "attendees", attendees)
        setattr_(self, "categories", tuple(self.categories))

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"

    def replace(self, **changes) -> CalendarEvent:
        """A copy with some fields changed (e.g. one attendee per e-mail)."""
        return dataclasses.replace(self, **changes)

    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    def local_end(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.timezone))
