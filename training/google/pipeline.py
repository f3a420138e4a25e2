"""Hand a downloaded Meet recording to Copa's recording pipeline, as an upload would."""

from __future__ import annotations

from pathlib import Path


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
