"""Google connection per program, and syncing Copa objects to Google Calendar.

Business rules only: these functions flush, never commit.  The RQ jobs in training/google/jobs.py
call them and commit; on a Google error the job records it with :func:`record_error`.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from training.db import utcnow
from training.extensions import db
from training.programs.models import Program

from .calendar_sync import CalendarSync, EventLink, EventSpec
from .client import DEFAULT_NUM_RETRIES, GoogleClient, describe_error, reason_of
from .credentials import CredentialsError, build_credentials, parse_credentials_json, summarize
from .models import GoogleConnection, GoogleEventLink
from .secrets import decrypt_json, encrypt_json

# -- connection ---------------------------------------------------------------------------------


def connection_for(program_id: int) -> GoogleConnection | None:
    """The program's enabled connection, or None (then nothing Google happens at all)."""
    return db.session.scalar(
        db.select(GoogleConnection).where(
            GoogleConnection.program_id == program_id, GoogleConnection.enabled.is_(True)
        )
    )


def google_sends_invites(program: Program) -> bool:
    """True when Google Calendar, not Copa, e-mails this program's invites."""
    return program.invite_sender == "google" and connection_for(program.id) is not None


def connect(
    program: Program,
    *,
    organizer_email: str,
    credentials_json: str | None = None,
    calendar_id: str = "primary",
    invites_by_google: bool | None = None,
    recording_max_attempts: int | None = None,
    recording_retry_minutes: int | None = None,
) -> GoogleConnection:
    """Create or update the program's connection (credentials kept when none are given).

    Raises CredentialsError (a ValueError whose message holds no secret) on bad input.
    """
    conn = db.session.scalar(
        db.select(GoogleConnection).where(GoogleConnection.program_id == program.id)
    )
    if credentials_json:
        info = parse_credentials_json(credentials_json)
        build_credentials(info, organizer_email)  # validates the key and subject, offline
    elif conn is None:
        raise CredentialsError(_("Paste the service-account key or OAuth user credentials."))
    else:
        info = None
    if conn is None:
        conn = GoogleConnection(program_id=program.id, status="pending")
        db.session.add(conn)
    if info is not None:
        summary = summarize(info, organizer_email)
        conn.kind, conn.account = summary.kind, summary.account
        conn.credentials_encrypted = encrypt_json(info, current_app.config["SECRET_KEY"])
        conn.status, conn.last_error, conn.last_error_reason = "pending", None, None
    conn.organizer_email = organizer_email.strip()
    conn.calendar_id = (calendar_id or "primary").strip()
    conn.enabled = True
    if recording_max_attempts is not None:
        conn.recording_max_attempts = recording_max_attempts
    if recording_retry_minutes is not None:
        conn.recording_retry_minutes = recording_retry_minutes
    if invites_by_google is not None:
        program.invite_sender = "google" if invites_by_google else "copa"
    db.session.flush()
    return conn


def disconnect(program: Program) -> None:
    """Forget the credentials; Copa sends the invites again. Event links are kept."""
    conn = db.session.scalar(
        db.select(GoogleConnection).where(GoogleConnection.program_id == program.id)
    )
    if conn is not None:
        db.session.delete(conn)
    program.invite_sender = "copa"
    db.session.flush()


def client_for(conn: GoogleConnection) -> GoogleClient:
    """A client for the connection's organizer. ``GOOGLE_HTTP_FACTORY(conn)`` (tests) supplies
    a ready transport; otherwise google-auth signs requests with the stored credentials."""
    retries = current_app.config.get("GOOGLE_NUM_RETRIES", DEFAULT_NUM_RETRIES)
    factory = current_app.config.get("GOOGLE_HTTP_FACTORY")
    if factory is not None:
        return GoogleClient(http=factory(conn), num_retries=retries)
    try:
        info = decrypt_json(conn.credentials_encrypted, current_app.config["SECRET_KEY"])
    except ValueError as exc:  # SECRET_KEY changed since the credentials were saved
        raise CredentialsError(
            _(
                "The stored Google credentials cannot be read (was SECRET_KEY changed?): "
                "paste them again."
            )
        ) from exc
    return GoogleClient.from_info(info, conn.organizer_email, num_retries=retries)


def calendar_for(conn: GoogleConnection, program: Program) -> CalendarSync:
    return CalendarSync(
        client_for(conn),
        salt=conn.id_salt,
        calendar_id=conn.calendar_id,
        google_sends_invites=program.invite_sender == "google",
        conference_poll_attempts=current_app.config.get("GOOGLE_CONFERENCE_POLLS", 8),
    )


def record_success(conn: GoogleConnection) -> None:
    conn.status, conn.last_sync_at = "ok", utcnow()
    conn.last_error = conn.last_error_reason = None
    db.session.flush()


def record_error(program_id: int, exc: Exception) -> None:
    """Keep the Google reason for the admin page (secret-free)."""
    conn = db.session.scalar(
        db.select(GoogleConnection).where(GoogleConnection.program_id == program_id)
    )
    if conn is None:
        return
    conn.status = "error"
    conn.last_error = describe_error(exc)
    conn.last_error_reason = reason_of(exc)
    conn.last_error_at = utcnow()
    db.session.flush()


# -- event links ----------------------------------------------------------------------------


def link_for(kind: str, object_id: int) -> GoogleEventLink | None:
    return db.session.scalar(
        db.select(GoogleEventLink).where(
            GoogleEventLink.object_kind == kind, GoogleEventLink.object_id == object_id
        )
    )


def as_event_link(row: GoogleEventLink | None) -> EventLink | None:
    if row is None:
        return None
    return EventLink(row.event_id, row.etag, row.generation, row.meet_url, row.html_link)


def store_link(program_id: int, kind: str, object_id: int, link: EventLink) -> GoogleEventLink:
    row = link_for(kind, object_id)
    if row is None:
        row = GoogleEventLink(program_id=program_id, object_kind=kind, object_id=object_id)
        db.session.add(row)
    row.event_id, row.etag, row.generation = link.event_id, link.etag, link.generation
    row.meet_url, row.html_link = link.meet_url, link.html_link
    row.conference_status, row.synced_at = link.conference_status, utcnow()
    db.session.flush()
    return row


def sync_object(
    program: Program, kind: str, object_id: int, spec: EventSpec | None
) -> EventLink | None:
    """Upsert the object's event (``spec``) or delete it (``spec`` None: cancelled/gone).

    Returns the new link, or None when nothing is (any longer) on Google's calendar.
    """
    conn = connection_for(program.id)
    if conn is None:
        return None
    calendar = calendar_for(conn, program)
    row = link_for(kind, object_id)
    if spec is None:
        if row is not None:
            calendar.delete(as_event_link(row))
            db.session.delete(row)
        record_success(conn)
        return None
    link = calendar.upsert(spec, as_event_link(row))
    store_link(program.id, kind, object_id, link)
    record_success(conn)
    return link
