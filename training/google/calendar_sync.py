"""Mirror Copa events (training sessions, coaching bookings) onto the organizer's calendar.

Plain data in (:class:`EventSpec`), plain data out (:class:`EventLink`: event id, etag, Meet
link); the caller stores the link.  Rules:

* Event ids are deterministic: ``copa`` + base32hex(sha256(salt, key, generation)).  A sync
  whose result was lost (crash before commit) inserts the same id again, gets 409, fetches the
  event and adopts it, so nothing is ever duplicated.
* The Meet link comes from ``conferenceData.createRequest`` (``conferenceDataVersion=1``)
  with a requestId derived from the event id, so a retried insert never makes two meetings.
  While Google answers ``pending``, the event is polled until the link is there.
* Updates are PATCHes with ``If-Match: <etag>``; 412 means someone else changed the event:
  refetch for the fresh etag and patch again (Copa's data wins).  404/410 mean the event was
  deleted on Google's side: re-create it under the next generation's id.
* ``sendUpdates`` is ``all`` only when Google sends the invites, else ``none``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from googleapiclient.errors import HttpError

from . import client as _client
from .client import GoogleClient, error_status

MAX_GENERATIONS = 20
MAX_PRECONDITION_RETRIES = 3
PROPERTY_KEY = "copaKey"


class CalendarSyncError(RuntimeError):
    pass


@dataclass(frozen=True)
class EventSpec:
    """What the Google event should look like."""

    key: str  # stable Copa identity, e.g. "session:12" or "booking:7"
    summary: str
    start: datetime  # aware
    end: datetime  # aware
    timezone: str
    attendees: tuple[str, ...] = ()
    description: str = ""
    location: str = ""
    with_meet: bool = True


@dataclass
class EventLink:
    """What Copa keeps about the Google event."""

    event_id: str
    etag: str | None = None
    generation: int = 0
    meet_url: str | None = None
    html_link: str | None = None
    conference_status: str | None = None  # success | pending | failure | None (no Meet)


def event_id_for(salt: str, key: str, generation: int = 0) -> str:
    """A valid Google event id (base32hex, 5-1024 chars), the same for the same inputs."""
    digest = hashlib.sha256(f"{salt}\0{key}\0{generation}".encode()).digest()
    return "copa" + base64.b32hexencode(digest[:20]).decode().lower().rstrip("=")


def event_body(spec: EventSpec) -> dict:
    tz = ZoneInfo(spec.timezone)
    attendees = sorted({email.strip().lower() for email in spec.attendees if email})
    body = {
        "summary": spec.summary,
        "description": spec.description,
        "start": {"dateTime": spec.start.astimezone(tz).isoformat(), "timeZone": spec.timezone},
        "end": {"dateTime": spec.end.astimezone(tz).isoformat(), "timeZone": spec.timezone},
        "attendees": [{"email": email} for email in attendees],
        # Participants often come from competing companies: keep the guest list private.
        "guestsCanSeeOtherGuests": False,
        "guestsCanInviteOthers": False,
        "extendedProperties": {"private": {PROPERTY_KEY: spec.key}},
        "status": "confirmed",
    }
    if spec.location:
        body["location"] = spec.location
    return body


def meet_url_of(event: dict) -> str | None:
    if event.get("hangoutLink"):
        return event["hangoutLink"]
    for entry in (event.get("conferenceData") or {}).get("entryPoints") or []:
        if entry.get("entryPointType") == "video" and entry.get("uri"):
            return entry["uri"]
    return None


def conference_status_of(event: dict) -> str | None:
    data = event.get("conferenceData") or {}
    status = ((data.get("createRequest") or {}).get("status") or {}).get("statusCode")
    if status:
        return status
    return "success" if meet_url_of(event) else None


class CalendarSync:
    def __init__(
        self,
        client: GoogleClient,
        *,
        salt: str,
        calendar_id: str = "primary",
        google_sends_invites: bool = False,
        conference_poll_attempts: int = 8,
        conference_poll_interval: float = 1.0,
    ):
        self.client = client
        self.salt = salt
        self.calendar_id = calendar_id
        self.send_updates = "all" if google_sends_invites else "none"
        self.poll_attempts = conference_poll_attempts
        self.poll_interval = conference_poll_interval

    @property
    def events(self):
        return self.client.calendar.events()

    # -- public operations -----------------------------------------------------------------

    def upsert(self, spec: EventSpec, link: EventLink | None = None) -> EventLink:
        """Create the event or bring it up to date; returns the link to store."""
        if link is None or not link.event_id:
            return self._insert(spec, link.generation if link else 0)
        return self._patch(spec, link)

    def delete(self, link: EventLink) -> None:
        """Delete the event (attendees told only if Google sends invites); gone is fine."""
        try:
            self.client.execute(
                self.events.delete(
                    calendarId=self.calendar_id,
                    eventId=link.event_id,
                    sendUpdates=self.send_updates,
                )
            )
        except HttpError as exc:
            if error_status(exc) not in (404, 410):
                raise

    # -- internals ---------------------------------------------------------------------------

    def _create_request(self, event_id: str) -> dict:
        return {
            "createRequest": {
                "requestId": f"{event_id}-meet",
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        }

    def _get(self, event_id: str) -> dict | None:
        try:
            event = self.client.execute(
                self.events.get(calendarId=self.calendar_id, eventId=event_id)
            )
        except HttpError as exc:
            if error_status(exc) in (404, 410):
                return None
            raise
        return None if event.get("status") == "cancelled" else event

    def _insert(self, spec: EventSpec, generation: int) -> EventLink:
        for gen in range(generation, generation + MAX_GENERATIONS):
            event_id = event_id_for(self.salt, spec.key, gen)
            body = event_body(spec) | {"id": event_id}
            if spec.with_meet:
                body["conferenceData"] = self._create_request(event_id)
            request = self.events.insert(
                calendarId=self.calendar_id,
                body=body,
                conferenceDataVersion=1,
                sendUpdates=self.send_updates,
            )
            try:
                event = self.client.execute(request)
            except HttpError as exc:
                if error_status(exc) != 409:
                    raise
                # The id is taken: our own event whose link was lost, or one deleted in Google.
                existing = self._get(event_id)
                if existing is None:
                    continue  # deleted ids cannot be reused: next generation
                return self._patch(spec, EventLink(event_id, existing.get("etag"), gen), existing)
            return self._finish(spec, event, gen)
        raise CalendarSyncError(f"no free event id for {spec.key} after {MAX_GENERATIONS} tries")

    def _patch(self, spec: EventSpec, link: EventLink, current: dict | None = None) -> EventLink:
        etag = link.etag
        has_meet = bool(link.meet_url or (current and meet_url_of(current)))
        for _attempt in range(MAX_PRECONDITION_RETRIES + 1):
            body = event_body(spec)
            kwargs = {}
            if spec.with_meet and not has_meet:
                body["conferenceData"] = self._create_request(link.event_id)
                kwargs["conferenceDataVersion"] = 1
            elif not spec.with_meet and has_meet:  # another join link now: drop the Meet
                body["conferenceData"] = None
                kwargs["conferenceDataVersion"] = 1
            request = self.events.patch(
                calendarId=self.calendar_id,
                eventId=link.event_id,
                body=body,
                sendUpdates=self.send_updates,
                **kwargs,
            )
            try:
                event = self.client.execute(request, if_match=etag)
            except HttpError as exc:
                status = error_status(exc)
                if status in (404, 410):
                    return self._insert(spec, link.generation + 1)
                if status != 412:
                    raise
                current = self._get(link.event_id)  # changed elsewhere: refetch, then retry
                if current is None:
                    return self._insert(spec, link.generation + 1)
                etag = current.get("etag")
                has_meet = has_meet or bool(meet_url_of(current))
                continue
            if event.get("status") == "cancelled":
                return self._insert(spec, link.generation + 1)
            return self._finish(spec, event, link.generation, fallback_meet=link.meet_url)
        raise CalendarSyncError(f"event {link.event_id} keeps changing (412)")

    def _finish(
        self, spec: EventSpec, event: dict, generation: int, fallback_meet: str | None = None
    ) -> EventLink:
        status = conference_status_of(event) if spec.with_meet else None
        attempt, delay = 0, self.poll_interval
        while status == "pending" and attempt < self.poll_attempts:
            _client.sleep(delay)
            attempt, delay = attempt + 1, min(delay * 2, 30.0)
            fresh = self._get(event["id"])
            if fresh is None:
                break
            event, status = fresh, conference_status_of(fresh)
        meet_url = meet_url_of(event) or (fallback_meet if spec.with_meet else None)
        if meet_url and status in (None, "pending"):
            status = "success"
        return EventLink(
            event_id=event["id"],
            etag=event.get("etag"),
            generation=generation,
            meet_url=meet_url,
            html_link=event.get("htmlLink"),
            conference_status=status,
        )
