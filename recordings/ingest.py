"""Receiving recordings: streamed to MEDIA_ROOT in chunks, resumable (tus 1.0 core)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flask_babel import gettext as _
from werkzeug.exceptions import ClientDisconnected

from recordings import operations as ops
from recordings import storage
from recordings.models import Recording
from training.errors import DomainError

CHUNK = 1024 * 1024


class UploadError(DomainError):
    """An upload was refused (its API answer also carries the tus headers)."""


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024
    return str(n)


def too_large() -> UploadError:
    limit = storage.max_upload_bytes()
    return UploadError(
        413,
        "too_large",
        _("The file is larger than the limit of %(limit)s.", limit=human_size(limit)),
    )


def check_length(length: int | None) -> None:
    if length is not None and length > storage.max_upload_bytes():
        raise too_large()


def append_stream(recording: Recording, stream, *, expected: int | None = None) -> int:
    """Append ``stream`` to the recording's source file, 1 MiB at a time; returns bytes added.

    Memory stays flat whatever the size. On a dropped connection what arrived is kept and the
    offset is recorded, so the client resumes from there. The size limit is enforced while
    reading, not only from headers.
    """
    path = storage.source_path(recording.id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    limit = min(storage.max_upload_bytes(), recording.upload_length or storage.max_upload_bytes())
    added = 0
    with open(path, "ab") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() != recording.upload_offset:  # a crash between write and commit
            fh.truncate(recording.upload_offset)
        try:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                if recording.upload_offset + added + len(chunk) > limit:
                    fh.truncate(recording.upload_offset)
                    if recording.upload_length is not None:
                        raise UploadError(
                            400, "too_much_data",
                            _("More data was sent than the announced upload length."),
                        )  # fmt: skip
                    raise too_large()
                fh.write(chunk)
                added += len(chunk)
        except ClientDisconnected:
            pass  # keep what arrived: the client resumes from the new offset
        fh.flush()
        os.fsync(fh.fileno())
    recording.upload_offset += added
    return added


def receive_whole(
    session, user, stream, *, filename: str, content_type: str, length: int | None
) -> Recording:
    """A complete upload in one request (raw body or multipart file)."""
    check_length(length)
    recording = ops.create_recording(session, user, filename=filename, content_type=content_type)
    try:
        append_stream(recording, stream)
        if length is not None and recording.upload_offset < length:
            raise UploadError(400, "incomplete", _("The upload was interrupted; please retry."))
        if recording.upload_offset == 0:
            raise UploadError(422, "empty", _("The file is empty."))
    except UploadError:
        shutil.rmtree(storage.upload_dir(recording.id), ignore_errors=True)  # row rolls back
        raise
    recording.upload_length = recording.upload_offset
    ops.queue_processing(recording)
    return recording


def ingest_file(
    session, path: Path, *, filename: str | None = None, content_type: str | None = None, user=None
) -> Recording:
    """Take over a file already on disk (e.g. a downloaded Meet recording) and queue it."""
    size = os.path.getsize(path)
    check_length(size)
    recording = ops.create_recording(
        session, user, filename=filename or Path(path).name, content_type=content_type or ""
    )
    dest = storage.source_path(recording.id)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.move(str(path), dest)
    recording.upload_length = recording.upload_offset = size
    ops.queue_processing(recording)
    return recording
