"""The booking picker's data: which local days have a bookable time, the times of one day, and
the links a booked session offers (an .ics file and Google Calendar's "add event" page).

The picker shows exactly what ``queries.bookable_slots`` returns (past the notice, inside the
program, not taken, not clashing): a time the picker offers can be booked, unless someone
takes it first, which the confirm step says beside the note it kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from training.calendar.event import CalendarEvent
from training.coaching.models import CoachingSlot
from training.timeutil import to_local


@dataclass
class Picker:
    """The slots one participant may book, grouped by day in their zone."""

    tz: str
    days: dict[date, list[CoachingSlot]] = field(default_factory=dict)

    @classmethod
    def of(cls, slots: list[CoachingSlot], tz: str, *, skip_slot_id: int | None = None):
        picker = cls(tz)
        for slot in sorted(slots, key=lambda s: (s.starts_at, s.id)):
            if slot.id == skip_slot_id:
                continue
            picker.days.setdefault(to_local(slot.starts_at, tz).date(), []).append(slot)
        return picker

    @property
    def first_day(self) -> date | None:
        return next(iter(self.days), None)

    @property
    def last_day(self) -> date | None:
        return next(reversed(self.days), None) if self.days else None

    def iso_days(self) -> list[str]:
        return [d.isoformat() for d in self.days]

    def slot(self, slot_id: int | None) -> CoachingSlot | None:
        for slots in self.days.values():
            for s in slots:
                if s.id == slot_id:
                    return s
        return None

    def soonest(self, n: int = 3) -> list[CoachingSlot]:
        return [s for slots in self.days.values() for s in slots][:n]


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%SZ")


def google_calendar_link(event: CalendarEvent) -> str:
    """Google Calendar's documented "add event" template URL for one event."""
    query = {
        "action": "TEMPLATE",
        "text": event.summary,
        "dates": f"{_stamp(event.starts_at)}/{_stamp(event.ends_at)}",
        "details": f"{event.description}\n{event.url}" if event.url else event.description,
        "ctz": event.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
