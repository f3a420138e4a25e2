"""Where a recording's files live (MEDIA_ROOT paths, the storage backend) and its settings."""

from __future__ import annotations

import os
from dataclasses import replace

from flask import current_app

from recordings.media import MediaSettings


def media_root() -> str:
    return os.path.abspath(current_app.config["MEDIA_ROOT"])


def upload_dir(recording_id: int) -> str:
    return os.path.join(media_root(), "uploads", str(recording_id))


def source_path(recording_id: int) -> str:
    return os.path.join(upload_dir(recording_id), "source")


def published_dir(recording_id: int) -> str:
    return os.path.join(media_root(), "recordings", str(recording_id))


def work_dir(recording_id: int) -> str:
    """Temp space of the recording's jobs: inside MEDIA_ROOT, so publishing is a rename."""
    return os.path.join(media_root(), ".work", str(recording_id))


def _flag(name: str, default: str) -> str:
    return str(current_app.config.get(name, os.environ.get(name, default)))


def media_settings() -> MediaSettings:
    """Pipeline settings: defaults, overridden by config or environment (COPA_RECORDINGS_*)."""
    settings = MediaSettings()
    return replace(
        settings,
        loudnorm=_flag("COPA_RECORDINGS_LOUDNORM", "0").lower() in ("1", "true", "yes"),
        video_preset=_flag("COPA_RECORDINGS_PRESET", settings.video_preset),
        chapter_min_seconds=float(
            _flag("COPA_RECORDINGS_CHAPTER_MIN_SECONDS", str(settings.chapter_min_seconds))
        ),
    )


def max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_BYTES", 20 * 1024**3))


def heartbeat_seconds() -> int:
    """A processing job refreshes its heartbeat this often; twice this without one = stalled."""
    return int(_flag("COPA_RECORDINGS_HEARTBEAT_SECONDS", "10"))


def get_storage():
    """The configured backend: the local MEDIA_ROOT folder, or S3 with ``COPA_STORAGE=s3``."""
    app = current_app
    backend = app.extensions.get("copa_storage")
    if backend is None:
        if _flag("COPA_STORAGE", "local").lower() == "s3":
            from recordings.storage.s3 import S3Storage

            backend = S3Storage(
                _flag("S3_BUCKET", ""),
                endpoint_url=_flag("S3_ENDPOINT_URL", "") or None,
                region=_flag("S3_REGION", "") or None,
            )
        else:
            from recordings.storage.local import LocalStorage

            backend = LocalStorage(media_root())
        app.extensions["copa_storage"] = backend
    return backend
