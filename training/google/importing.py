"""Import a training session's Meet recording into Copa's recording pipeline.

State lives in GoogleRecordingImport (one row per session):

waiting ──found──▶ downloading ──downloaded──▶ imported (handed to the pipeline)
   │ not found yet: attempts += 1, try again in ``recording_retry_minutes``
   └ after ``recording_max_attempts``: not_found ("no recording found")

The download goes to MEDIA_ROOT/google-imports/ and resumes from the bytes already there when
a previous attempt failed half-way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app

from training.db import utcnow
from training.extensions import db

from .models import GoogleConnection, GoogleRecordingImport
from .recordings_import import FOUND, RecordingFile, RecordingFinder, download

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str  # imported | retry | not_found | skipped
    retry_at: datetime | None = None
    detail: str = ""


def import_row(program_id: int, session_id: int) -> GoogleRecordingImport:
    row = db.session.scalar(
        db.select(GoogleRecordingImport).where(GoogleRecordingImport.session_id == session_id)
    )
    if row is None:
        row = GoogleRecordingImport(program_id=program_id, session_id=session_id)
        db.session.add(row)
        db.session.flush()
    return row


def import_path(session_id: int, file_id: str) -> Path:
    safe = "".join(c for c in file_id if c.isalnum() or c in "-_")[:100]
    return Path(current_app.config["MEDIA_ROOT"]) / "google-imports" / f"s{session_id}-{safe}.mp4"


def find_recording(
    conn: GoogleConnection,
    client,
    row: GoogleRecordingImport,
    *,
    meet_url,
    title,
    starts_at,
    ends_at,
) -> Outcome | RecordingFile:
    """The Drive file to download, or the Outcome of a lookup that found nothing (yet)."""
    if row.file_id:
        return RecordingFinder(client).file_metadata(row.file_id, source=row.source or "meet")
    lookup = RecordingFinder(client).find(
        meet_url=meet_url, title=title, starts_at=starts_at, ends_at=ends_at
    )
    if lookup.status == FOUND:
        file = lookup.file
        row.file_id, row.file_name, row.source = file.file_id, file.name, file.source
        row.size_bytes, row.status = file.size, "downloading"
        db.session.flush()
        return file
    row.attempts += 1
    if row.attempts >= conn.recording_max_attempts:
        row.status, row.next_attempt_at = "not_found", None
        row.last_error = f"No recording found after {row.attempts} attempts."
        db.session.flush()
        return Outcome("not_found", detail=row.last_error)
    row.next_attempt_at = utcnow() + timedelta(minutes=conn.recording_retry_minutes)
    row.last_error = (
        "The recording is still being processed by Google."
        if lookup.status == "pending"
        else "Not found yet."
    )
    db.session.flush()
    return Outcome("retry", row.next_attempt_at, row.last_error)


def fetch(client, row: GoogleRecordingImport, file: RecordingFile) -> Path:
    """Download (or finish downloading) ``file``; returns the complete local file."""
    chunk = current_app.config.get("GOOGLE_DOWNLOAD_CHUNK_BYTES", 8 * 1024 * 1024)
    return download(client, file, import_path(row.session_id, file.file_id), chunksize=chunk)


def hand_to_pipeline(session, path: Path, file: RecordingFile) -> int | None:
    """Give the downloaded file to the recordings pipeline, as an upload would. Returns the
    Recording id. The file is moved (or copied) by the pipeline; ours is removed after."""
    from training.google import pipeline

    recording_id = pipeline.ingest(session, path, filename=file.name, mime_type=file.mime_type)
    return recording_id


def restart(row: GoogleRecordingImport) -> None:
    """Look again (after "no recording found" or a failed download), from attempt 0; a
    partly downloaded file is kept and resumed."""
    row.status = "downloading" if row.file_id else "waiting"
    row.attempts, row.last_error, row.next_attempt_at = 0, None, None
    db.session.flush()
