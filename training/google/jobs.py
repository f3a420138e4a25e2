"""Google Workspace jobs: calendar sync of sessions and bookings, Meet recording import.

Jobs take ids, read the current state and make Google match it, so running one twice (or out
of order) is harmless.  Google errors that survive the client's backoff retries are written to
the program's connection (the admin page shows them) and re-raised for RQ's own Retry.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from rq import Retry, get_current_job

from training.db import utcnow
from training.extensions import db
from training.google.client import GOOGLE_FAILURES
from training.google.credentials import CredentialsError
from workers.jobs import job

log = logging.getLogger(__name__)

SYNC_RETRY = [30, 120, 600, 1800, 3600]
IMPORT_RETRY = [300, 900, 3600]
# The three sync jobs: retried with backoff for hours, kept a week when they fail for good.
SYNC = {
    "queue": "default",
    "timeout": 300,
    "retry": Retry(max=len(SYNC_RETRY), interval=SYNC_RETRY),
    "failure_ttl": 7 * 24 * 3600,
}


def _failed(program_id: int, exc: Exception) -> None:
    """Roll back the job's work, keep the error on the connection, commit that."""
    from training.google.client import describe_error
    from training.google.operations import record_error

    db.session.rollback()
    record_error(program_id, exc)
    db.session.commit()
    log.warning("google job for program %s failed: %s", program_id, describe_error(exc))


def _sync(model, object_id: int, sync) -> str:
    """Run one Google sync for a row; record Google's reason on the program when it fails."""
    row = db.session.get(model, object_id)
    if row is None:
        return "missing"
    program_id = row.program_id
    try:
        outcome = sync(row)
    except (*GOOGLE_FAILURES, CredentialsError) as exc:
        _failed(program_id, exc)
        raise
    db.session.commit()
    return outcome


@job(**SYNC)
def sync_session(session_id: int) -> str:
    """Create, update or delete the session's Google event; store the Meet link as join URL."""
    from training.google import events
    from training.sessions.models import TrainingSession

    return _sync(TrainingSession, session_id, events.sync_session)


@job(**SYNC)
def sync_booking(booking_id: int) -> str:
    from training.coaching.models import Booking
    from training.google import events

    return _sync(Booking, booking_id, events.sync_booking)


@job(**SYNC, id=lambda program_id: ("google-sync-program", program_id))
def sync_program(program_id: int) -> int:
    """Queue a sync of every upcoming session and booking of the program (members changed,
    connection set up, or the admin asked)."""
    from training.google import events

    count = events.queue_program_sync(program_id)
    db.session.commit()
    return count


@job(
    queue="default",
    timeout=4 * 3600,
    retry=Retry(max=len(IMPORT_RETRY), interval=IMPORT_RETRY),
    failure_ttl=14 * 24 * 3600,
    # the last part names the attempt: the end time, "try<n>", "sweep<n>" or "retry"
    id=lambda session_id: ("google-import", session_id),
)
def import_recording(session_id: int) -> str:
    """Find the session's Meet recording, download it, hand it to the recording pipeline."""
    from training.google import events
    from training.google import recordings_import as importing
    from training.google.operations import client_for, connection_for
    from training.google.recordings_import import DownloadError
    from training.sessions.models import TrainingSession

    session = db.session.get(TrainingSession, session_id)
    if session is None or session.status == "cancelled":
        return "skipped"
    conn = connection_for(session.program_id)
    if conn is None:
        return "not_configured"
    if utcnow() < session.ends_at:  # rescheduled later: the new end time has its own job
        return "not_ended"
    row = importing.import_row(session.program_id, session.id)
    if row.status in ("imported", "not_found"):
        return row.status
    program_id = session.program_id
    try:
        client = client_for(conn)
        found = importing.find_recording(
            conn,
            client,
            row,
            meet_url=events.meet_url_for_session(session),
            title=session.title,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        )
        if isinstance(found, importing.Outcome):
            if found.status == "retry":
                import_recording.later(session.id, at=found.retry_at, suffix=f"try{row.attempts}")
            db.session.commit()
            return found.status
        db.session.commit()  # remember the file id before the long download
        path = importing.fetch(client, row, found)
        row.recording_id = importing.hand_to_pipeline(session, path, found)
        row.status, row.last_error, row.next_attempt_at = "imported", None, None
        db.session.commit()
    except (*GOOGLE_FAILURES, CredentialsError, DownloadError, OSError) as exc:
        _failed(program_id, exc)
        _import_error(session_id, exc)
        raise
    return "imported"


def _import_error(session_id: int, exc: Exception) -> None:
    from training.google.client import describe_error
    from training.google.models import GoogleRecordingImport

    row = db.session.scalar(
        db.select(GoogleRecordingImport).where(GoogleRecordingImport.session_id == session_id)
    )
    if row is not None:
        job = get_current_job()
        if job is None or not job.retries_left:
            row.status = "failed"  # RQ gives up: the admin page says so
        row.last_error = describe_error(exc)
        db.session.commit()


def schedule_import(session, delay: timedelta) -> None:
    """Queue the import to run ``delay`` after the session ends (once per end time)."""
    import_recording.later(
        session.id, at=session.ends_at + delay, suffix=int(session.ends_at.timestamp())
    )


SWEEP_LOOKBACK = timedelta(days=7)
SWEEP_GRACE = timedelta(minutes=10)


@job(queue="default", timeout=300, every=900)
def sweep() -> int:
    """Periodic safety net (Redis lost its scheduled jobs, a worker died): queue the recording
    import of every recently ended session whose import never ran or is overdue. Returns the
    number queued; a program without a Google connection is never looked at."""
    from flask import current_app

    from training.google.models import GoogleConnection, GoogleRecordingImport
    from training.sessions.models import TrainingSession

    now = utcnow()
    delay = timedelta(minutes=current_app.config.get("GOOGLE_IMPORT_DELAY_MINUTES", 20))
    rows = db.session.execute(
        db.select(TrainingSession.id, GoogleRecordingImport.attempts)
        .join(GoogleConnection, GoogleConnection.program_id == TrainingSession.program_id)
        .outerjoin(GoogleRecordingImport, GoogleRecordingImport.session_id == TrainingSession.id)
        .where(
            GoogleConnection.enabled.is_(True),
            TrainingSession.status == "scheduled",
            TrainingSession.ends_at <= now - delay - SWEEP_GRACE,
            TrainingSession.ends_at >= now - SWEEP_LOOKBACK,
            db.or_(
                GoogleRecordingImport.id.is_(None),
                db.and_(
                    GoogleRecordingImport.status == "waiting",
                    GoogleRecordingImport.next_attempt_at <= now - SWEEP_GRACE,
                ),
            ),
        )
    ).all()
    for session_id, attempts in rows:
        import_recording.later(session_id, suffix=f"sweep{attempts or 0}")
    db.session.commit()  # enqueues them
    return len(rows)
