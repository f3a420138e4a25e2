"""JSON shapes of recordings (README.md, "HTTP API")."""

from __future__ import annotations

from flask_babel import gettext as _

from recordings.lifecycle import RecordingStatus
from recordings.messages import error_message
from recordings.urls import media_url


def chapter_titles(recording) -> list[dict]:
    return [
        {
            "start_seconds": c["start_seconds"],
            "title": c.get("title") or _("Chapter %(n)d", n=i + 1),
        }
        for i, c in enumerate(recording.chapters)
    ]


def recording_json(recording, user) -> dict:
    status = (
        recording.status
        if recording.status != RecordingStatus.UPLOADING
        else RecordingStatus.QUEUED
    )
    return {
        "id": recording.id,
        "session_id": recording.session_id,
        "status": status,
        "upload": recording.status == RecordingStatus.UPLOADING,
        "progress": recording.progress,
        "error": error_message(recording.error_code)
        if recording.status == RecordingStatus.FAILED
        else None,
        "error_code": recording.error_code if recording.status == RecordingStatus.FAILED else None,
        "duration_seconds": recording.duration_seconds,
        "size_bytes": recording.size_bytes,
        "filename": recording.filename,
        "playable": recording.is_playable,
        "hls_url": media_url(recording, user, recording.hls_path),
        "mp4_url": media_url(recording, user, recording.mp4_path),
        "poster_url": media_url(recording, user, recording.poster_path),
        "thumbnails_vtt_url": media_url(recording, user, recording.thumbnails_path),
        "chapters": chapter_titles(recording),
        "silences": recording.silences,
        "renditions": [
            {"width": r.width, "height": r.height, "bandwidth": r.bandwidth, "kind": r.kind}
            for r in recording.renditions
        ],
        "captions": [{"language": c.language, "label": c.label} for c in recording.captions],
        "media": recording.media_info,
    }
