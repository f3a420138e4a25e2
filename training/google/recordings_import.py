"""A session's Meet recording, from Google to Copa's recordings pipeline, in one module:
finding it, downloading it (resumably), the import's state, and the handoff.

Lookup order:

1. Meet REST API v2: ``conferenceRecords.list`` filtered by the meeting code (from the Meet
   link) and a start-time window, then ``conferenceRecords.recordings.list`` of each record;
   a recording in state ``FILE_GENERATED`` names its Drive file in ``driveDestination.file``.
   Recordings still ``STARTED``/``ENDED`` mean "not ready yet".
2. Fallback (Meet API disabled, or no record): a Drive search in the organizer's
   "Meet Recordings" folder for a video created in the session's window whose name carries
   the meeting code or the event title.  Nothing else is taken: a recording of another
   program's meeting must never be attached to this one.

Every list is paged with ``list_next``.  The download streams ``files.get_media`` through
``MediaIoBaseDownload`` in chunks into ``<dest>.part``; a later attempt continues from the
bytes already on disk, and the finished file is checked against Drive's size and md5.

The import of one session's recording is kept in GoogleRecordingImport (one row per session):

waiting ──found──▶ downloading ──downloaded──▶ imported (handed to the pipeline)
   │ not found yet: attempts += 1, try again in ``recording_retry_minutes``
   └ after ``recording_max_attempts``: not_found ("no recording found")

The download goes to MEDIA_ROOT/google-imports/ and resumes from the bytes already there when
a previous attempt failed half-way.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseDownload

from training.db import utcnow
from training.extensions import db

from . import client as _client
from .client import GoogleClient, error_status
from .models import GoogleConnection, GoogleRecordingImport

log = logging.getLogger(__name__)

FOUND, PENDING, NOT_FOUND = "found", "pending", "not_found"
FOLDER_NAME = "Meet Recordings"
FOLDER_MIME = "application/vnd.google-apps.folder"
FILE_FIELDS = "id,name,mimeType,size,md5Checksum,createdTime"
DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024
_MEET_CODE = re.compile(r"meet\.google\.com/([a-z]{3}-[a-z]{4}-[a-z]{3})", re.I)


class DownloadError(RuntimeError):
    pass


@dataclass(frozen=True)
class RecordingFile:
    file_id: str
    name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    md5: str | None = None
    source: str = "meet"  # meet | drive


@dataclass(frozen=True)
class Lookup:
    status: str  # found | pending | not_found
    file: RecordingFile | None = None


def meeting_code(meet_url: str | None) -> str | None:
    match = _MEET_CODE.search(meet_url or "")
    return match.group(1).lower() if match else None


def rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _drive_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _pages(collection, request, client: GoogleClient):
    """Yield each page's response, following ``list_next``."""
    while request is not None:
        response = client.execute(request)
        yield response
        request = collection.list_next(request, response)


class RecordingFinder:
    def __init__(
        self,
        client: GoogleClient,
        *,
        early: timedelta = timedelta(hours=1),
        late: timedelta = timedelta(hours=12),
        page_size: int = 50,
    ):
        self.client = client
        self.early, self.late, self.page_size = early, late, page_size

    def find(self, *, meet_url: str | None, title: str, starts_at: datetime, ends_at: datetime):
        code = meeting_code(meet_url)
        if code:
            try:
                lookup = self._from_meet(code, starts_at, ends_at)
            except HttpError as exc:
                if error_status(exc) not in (400, 403, 404):
                    raise
                lookup = Lookup(NOT_FOUND)  # Meet API not enabled/allowed: use Drive
            if lookup.status != NOT_FOUND:
                return lookup
        file = self._from_drive(code, title, starts_at, ends_at)
        return Lookup(FOUND, file) if file else Lookup(NOT_FOUND)

    # -- Meet REST API v2 ---------------------------------------------------------------------

    def _from_meet(self, code: str, starts_at: datetime, ends_at: datetime) -> Lookup:
        meet = self.client.meet
        records_api = meet.conferenceRecords()
        flt = (
            f'space.meeting_code = "{code}" AND start_time>="{rfc3339(starts_at - self.early)}"'
            f' AND start_time<="{rfc3339(ends_at)}"'
        )
        request = records_api.list(filter=flt, pageSize=self.page_size)
        ready, pending = [], False
        for page in _pages(records_api, request, self.client):
            for record in page.get("conferenceRecords", []):
                recordings_api = records_api.recordings()
                req = recordings_api.list(parent=record["name"], pageSize=self.page_size)
                for rpage in _pages(recordings_api, req, self.client):
                    for rec in rpage.get("recordings", []):
                        file_id = (rec.get("driveDestination") or {}).get("file")
                        if rec.get("state") == "FILE_GENERATED" and file_id:
                            ready.append((_duration(rec), file_id))
                        elif rec.get("state") in ("STARTED", "ENDED"):
                            pending = True
        if ready:
            _, file_id = max(ready, key=lambda item: item[0])
            return Lookup(FOUND, self.file_metadata(file_id, source="meet"))
        return Lookup(PENDING) if pending else Lookup(NOT_FOUND)

    def file_metadata(self, file_id: str, source: str = "meet") -> RecordingFile:
        meta = self.client.execute(
            self.client.drive.files().get(
                fileId=file_id, fields=FILE_FIELDS, supportsAllDrives=True
            )
        )
        return _recording_file(meta, source)

    # -- Drive fallback -------------------------------------------------------------------------

    def _from_drive(self, code, title, starts_at, ends_at) -> RecordingFile | None:
        files = self.client.drive.files()
        folder_q = (
            f"name = {_drive_literal(FOLDER_NAME)} and mimeType = '{FOLDER_MIME}'"
            " and 'me' in owners and trashed = false"
        )
        folders = []
        request = files.list(q=folder_q, fields="nextPageToken,files(id)")
        for page in _pages(files, request, self.client):
            folders += [f["id"] for f in page.get("files", [])]
        wanted = [w.casefold() for w in (code, title) if w]
        for folder_id in folders:
            q = (
                f"{_drive_literal(folder_id)} in parents and trashed = false"
                " and mimeType contains 'video/'"
                f" and createdTime >= '{rfc3339(starts_at - self.early)}'"
                f" and createdTime <= '{rfc3339(ends_at + self.late)}'"
            )
            request = files.list(
                q=q,
                orderBy="createdTime",
                pageSize=self.page_size,
                fields=f"nextPageToken,files({FILE_FIELDS})",
            )
            for page in _pages(files, request, self.client):
                for meta in page.get("files", []):
                    name = (meta.get("name") or "").casefold()
                    if any(w in name for w in wanted):
                        return _recording_file(meta, "drive")
        return None


def _duration(recording: dict) -> float:
    try:
        start = datetime.fromisoformat(recording["startTime"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(recording["endTime"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return (end - start).total_seconds()


def _recording_file(meta: dict, source: str) -> RecordingFile:
    size = meta.get("size")
    return RecordingFile(
        file_id=meta["id"],
        name=meta.get("name"),
        mime_type=meta.get("mimeType"),
        size=int(size) if size not in (None, "") else None,
        md5=meta.get("md5Checksum"),
        source=source,
    )


def download(
    client: GoogleClient,
    file: RecordingFile,
    dest: Path,
    *,
    chunksize: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Stream ``file`` to ``dest`` via ``dest.part``, resuming from the bytes already there."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    if file.size is not None and offset > file.size:
        part.unlink()
        offset = 0
    if file.size == 0:
        part.touch()
    elif file.size is None or offset < file.size:
        request = client.drive.files().get_media(fileId=file.file_id, supportsAllDrives=True)
        with open(part, "ab") as fd:
            downloader = MediaIoBaseDownload(fd, request, chunksize=chunksize)
            # MediaIoBaseDownload has no public start offset; its Range header is computed
            # from _progress, so resuming means starting the counter at the bytes on disk.
            downloader._progress = offset
            downloader._sleep = _client._sleep_hook
            done = False
            while not done:
                status, done = downloader.next_chunk(num_retries=client.num_retries)
                fd.flush()
                if progress:
                    progress(status.resumable_progress, status.total_size)
    _verify(part, file)
    os.replace(part, dest)
    return dest


def _verify(path: Path, file: RecordingFile) -> None:
    size = path.stat().st_size
    if file.size is not None and size != file.size:
        path.unlink()
        raise DownloadError(f"downloaded {size} bytes, Drive says {file.size}; starting over")
    if file.md5:
        digest = hashlib.md5(usedforsecurity=False)
        with open(path, "rb") as fd:
            for block in iter(lambda: fd.read(1024 * 1024), b""):
                digest.update(block)
        if digest.hexdigest() != file.md5:
            path.unlink()
            raise DownloadError("downloaded file does not match Drive's md5 checksum")


# --- the import of one session's recording ------------------------------------------------


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
    recording_id = ingest(session, path, filename=file.name, mime_type=file.mime_type)
    return recording_id


def restart(row: GoogleRecordingImport) -> None:
    """Look again (after "no recording found" or a failed download), from attempt 0; a
    partly downloaded file is kept and resumed."""
    row.status = "downloading" if row.file_id else "waiting"
    row.attempts, row.last_error, row.next_attempt_at = 0, None, None
    db.session.flush()


# --- handing the file to Copa's recordings pipeline ---------------------------------------


class PipelineUnavailable(RuntimeError):
    pass


def ingest(session, path: Path, *, filename: str | None, mime_type: str | None) -> int:
    """Register ``path`` as the session's recording and queue its processing; returns the
    Recording id. The pipeline takes the file over (moves it into MEDIA_ROOT)."""
    try:
        from recordings import ingest as recordings_ingest
    except ImportError as exc:
        raise PipelineUnavailable("the recordings feature is not installed") from exc
    recording = recordings_ingest.ingest_file(
        session, Path(path), filename=filename, content_type=mime_type
    )
    return recording.id
