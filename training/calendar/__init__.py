"""Calendar data for Copa: iCalendar invites (iTIP over e-mail) and per-user feeds.

The shared interface is :class:`training.calendar.event.CalendarEvent`, a frozen, generic
description of one event (no ORM objects). Features turn their own rows into CalendarEvents
(training sessions here, coaching bookings in ``training.coaching``) and hand them to the pure
functions below, which return bytes:

* ``render_invite(event, "REQUEST" | "CANCEL") -> bytes``: one VEVENT with METHOD, ORGANIZER,
  ATTENDEE (CN, ROLE, PARTSTAT=NEEDS-ACTION, RSVP=TRUE), DTSTAMP, UTC times (or TZID with its
  VTIMEZONE placed before the VEVENT when ``use_tzid=True``).
* ``render_feed(events, name) -> bytes``: a subscription calendar (no METHOD, REFRESH-INTERVAL,
  X-PUBLISHED-TTL); cancelled events stay 30 days with STATUS:CANCELLED.
* ``feed_etag(events, name) -> str``: a strong ETag computed from the feed's content.
* ``register_feed_source(name, events_fn, fingerprint=None)``: add events (e.g. coaching
  bookings) to every user's personal feed (see ``training.calendar.sources``).
* ``invite_mail(...)`` / ``build_invite_email(...)``: the parts that ``queue_mail`` takes
  (subject, text, html, ics, ics_method) and the equivalent MIME message
  (multipart/alternative: text/plain, text/html, text/calendar; method=...).

DTSTAMP is never "now": it is the event's ``last_modified``, so the same stored data always
renders the same bytes (stable ETags; a client can compare two copies).

Build an event::

    CalendarEvent(
        uid="session-42@copa.example", sequence=3, summary="Pricing workshop",
        starts_at=aware_utc_start, ends_at=aware_utc_end, last_modified=row.updated_at,
        created=row.created_at, description="...", url="https://copa.example/sessions/42",
        join_url="https://meet.example/abc", organizer=Organizer("anne@x.org", "Anne"),
        attendees=(Attendee("bob@y.com", "Bob", "REQ-PARTICIPANT"),), status="CONFIRMED",
        timezone="America/Toronto",
    )
"""

from training.calendar.event import Attendee, CalendarEvent, Organizer
from training.calendar.ical import feed_etag, feed_events, render_feed, render_invite
from training.calendar.mail import InviteMail, build_invite_email, invite_mail
from training.calendar.sources import register_feed_source

__all__ = [
    "Attendee",
    "CalendarEvent",
    "InviteMail",
    "Organizer",
    "build_invite_email",
    "feed_etag",
    "feed_events",
    "invite_mail",
    "render_feed",
    "register_feed_source",
    "render_invite",
]


def init_app(app):
    """Feature hook: the feed endpoints, the "my calendar" page and the API calls."""
    from training.calendar import api, views  # noqa: F401  (routes register on import)

    app.register_blueprint(views.bp)
