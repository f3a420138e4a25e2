"""Business rules of recordings. Functions flush, never commit: the request or job does."""

from __future__ import annotations

import contextlib
import math
import uuid

from recordings import lifecycle
from recordings.lifecycle import RecordingStatus
from recordings.media import captions as caption_files
from recordings.models import (
    WATCH_BUCKET_SECONDS,
    Caption,
    CaptionCue,
    Recording,
    Rendition,
    WatchProgress,
)
from training.db import begin_immediate, utcnow
from training.extensions import db
from workers.jobs import declared

MAX_ATTEMPTS = 5  # the watchdog stops re-enqueueing a recording that keeps killing workers
PERMANENT_ERRORS = ("not_media", "no_streams", "zero_duration", "corrupted")


PROCESS = "recordings.jobs.process_recording"  # enqueued by name: the job calls back here


def create_recording(
    session, user, *, filename: str, content_type: str, upload_length: int | None = None
) -> Recording:
    recording = Recording(
        session_id=session.id,
        program_id=session.program_id,
        uploaded_by_id=getattr(user, "id", None),
        filename=(filename or "")[:255],
        content_type=(content_type or "")[:100],
        status=RecordingStatus.UPLOADING,
        upload_length=upload_length,
        upload_offset=0,
    )
    db.session.add(recording)
    db.session.flush()
    return recording


def queue_processing(recording: Recording) -> None:
    """Mark the recording queued and enqueue its job once this transaction commits."""
    from recordings import storage
    from recordings.media import MediaError, probe

    duration = None
    # headers only: a quick look to size the job's timeout (the job probes fully and reports)
    with contextlib.suppress(MediaError):
        duration = probe(storage.source_path(recording.id), check_integrity=False).duration
    lifecycle.move(recording, RecordingStatus.QUEUED)
    recording.progress = 0
    recording.error_code = recording.error_detail = None
    recording.size_bytes = recording.upload_offset
    recording.duration_seconds = duration
    recording.job_id = declared(PROCESS).later(recording.id, suffix=uuid.uuid4().hex[:8])
    db.session.flush()


def apply_manifest(recording: Recording, manifest: dict) -> None:
    """Mirror what the pipeline has published so far into the row (and its renditions)."""
    meta = manifest.get("metadata") or {}
    recording.fingerprint = manifest.get("fingerprint")
    recording.duration_seconds = meta.get("duration_seconds", recording.duration_seconds)
    recording.media_info_json = _json(meta)
    recording.hls_path = manifest.get("hls")
    recording.mp4_path = manifest.get("mp4")
    recording.poster_path = manifest.get("poster")
    recording.thumbnails_path = manifest.get("thumbnails")
    old_titles = {round(c["start_seconds"], 1): c.get("title") for c in recording.chapters}
    recording.chapters = [
        {"start_seconds": c["start_seconds"], "title": old_titles.get(round(c["start_seconds"], 1))}
        for c in manifest.get("chapters") or []
    ]
    recording.silences_json = _json(manifest.get("silences") or [])
    if recording.hls_path and recording.playable_at is None:
        recording.playable_at = utcnow()
    existing = {r.name: r for r in recording.renditions}
    wanted = {e["name"] for e in manifest.get("renditions") or []}
    for name, row in existing.items():
        if name not in wanted:
            recording.renditions.remove(row)
    for entry in manifest.get("renditions") or []:
        row = existing.get(entry["name"]) or Rendition(name=entry["name"])
        row.kind, row.path, row.codec = entry["kind"], entry["dir"], entry["codec"]
        row.width, row.height, row.bandwidth = entry["width"], entry["height"], entry["bandwidth"]
        if row not in recording.renditions:
            recording.renditions.append(row)
    db.session.flush()


def _json(value) -> str:
    import json

    return json.dumps(value)


def mark_failed(recording: Recording, code: str, detail: str = "") -> None:
    lifecycle.fail(recording, code, detail)
    db.session.flush()


def mark_ready(recording: Recording) -> None:
    from training.signals import recording_ready

    lifecycle.finish(recording)
    db.session.flush()
    recording_ready.send(recording, recording=recording)


def set_chapter_titles(recording: Recording, titles: list[dict]) -> None:
    by_start = {round(t["start_seconds"], 1): t.get("title") for t in titles}
    recording.chapters = [
        {**c, "title": by_start.get(round(c["start_seconds"], 1), c.get("title"))}
        for c in recording.chapters
    ]
    db.session.flush()


# --- watching ---------------------------------------------------------------------------------

CONTINUOUS_GAP = 3 * WATCH_BUCKET_SECONDS  # a jump longer than this is a seek, not playback


def record_position(recording: Recording, user, seconds: float) -> WatchProgress:
    """Save where ``user`` is; the stretch since the last report counts as watched."""
    begin_immediate()  # SQLite: read-then-write of the same row by concurrent saves
    duration = recording.duration_seconds or 0
    seconds = max(0.0, min(float(seconds), duration or float(seconds)))
    row = db.session.scalar(
        db.select(WatchProgress).where(
            WatchProgress.recording_id == recording.id, WatchProgress.user_id == user.id
        )
    )
    previous = None if row is None else row.position_seconds
    if row is None:
        row = WatchProgress(recording_id=recording.id, user_id=user.id, position_seconds=0.0)
        db.session.add(row)
    buckets = max(1, math.ceil(duration / WATCH_BUCKET_SECONDS)) if duration else 0
    watched = list((row.watched or "").ljust(buckets, "0")[:buckets])
    if buckets and previous is not None and 0 < seconds - previous <= CONTINUOUS_GAP:
        first = int(previous // WATCH_BUCKET_SECONDS)
        last = min(buckets - 1, int((seconds - 0.001) // WATCH_BUCKET_SECONDS))
        if seconds >= duration - 1:  # played to the end: the last (short) stretch too
            last = buckets - 1
        for i in range(first, last + 1):
            watched[i] = "1"
    row.watched = "".join(watched)
    row.position_seconds = seconds
    row.updated_at = utcnow()
    db.session.flush()
    return row


def position_of(recording: Recording, user) -> float:
    row = db.session.scalar(
        db.select(WatchProgress).where(
            WatchProgress.recording_id == recording.id, WatchProgress.user_id == user.id
        )
    )
    return row.position_seconds if row else 0.0


RESUME_AFTER_SECONDS = 10  # a position in the first seconds is not worth a question


def resume_point(recording: Recording, user) -> float | None:
    """The saved position to offer resuming from, or None: not when it is in the first
    seconds, nor near the end (the last 10 seconds or 5 %), where one starts over."""
    position = position_of(recording, user)
    if position <= RESUME_AFTER_SECONDS:
        return None
    duration = recording.duration_seconds or 0
    if duration and duration - position <= max(RESUME_AFTER_SECONDS, 0.05 * duration):
        return None
    return position


def my_completion(program_id: int, user) -> dict[int, int]:
    """{recording id: completion %} of the recordings of the program ``user`` has opened."""
    rows = db.session.scalars(
        db.select(WatchProgress)
        .join(Recording, Recording.id == WatchProgress.recording_id)
        .where(Recording.program_id == program_id, WatchProgress.user_id == user.id)
    )
    return {wp.recording_id: wp.completion for wp in rows}


def watchers(recording: Recording) -> list[tuple]:
    """(user, completion %, position, last seen) for everyone who opened the recording."""
    from training.accounts.models import User

    rows = db.session.execute(
        db.select(WatchProgress, User)
        .join(User, User.id == WatchProgress.user_id)
        .where(WatchProgress.recording_id == recording.id)
        .order_by(User.name)
    ).all()
    return [(user, wp.completion, wp.position_seconds, wp.updated_at) for wp, user in rows]


# --- captions and search ------------------------------------------------------------------------


def add_captions(recording: Recording, data: bytes, *, language: str, label: str = "") -> Caption:
    """Store a WebVTT or SRT upload (as WebVTT) and index its cues; replaces that language."""
    vtt, cues = caption_files.load_captions(data)
    caption = db.session.scalar(
        db.select(Caption).where(Caption.recording_id == recording.id, Caption.language == language)
    )
    if caption is None:
        caption = Caption(recording_id=recording.id, language=language)
        db.session.add(caption)
    caption.vtt, caption.label = vtt, label or language
    caption.cues = [
        CaptionCue(
            recording_id=recording.id,
            start_seconds=c.start,
            end_seconds=c.end,
            text=caption_files.plain_text(c),
        )
        for c in cues
    ]
    db.session.flush()
    return caption


def search(program_id: int, query: str, *, limit: int = 50) -> list[dict]:
    """Caption text and chapter titles of the program's recordings that contain ``query``."""
    from training.sessions.models import TrainingSession

    query = " ".join(query.split())
    if len(query) < 2:
        return []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    hits = []
    rows = db.session.execute(
        db.select(CaptionCue, Recording, TrainingSession)
        .join(Recording, Recording.id == CaptionCue.recording_id)
        .join(TrainingSession, TrainingSession.id == Recording.session_id)
        .where(Recording.program_id == program_id, CaptionCue.text.ilike(pattern, escape="\\"))
        .order_by(TrainingSession.starts_at, CaptionCue.start_seconds)
        .limit(limit)
    ).all()
    for cue, recording, session in rows:
        hits.append(
            {
                "recording": recording,
                "session": session,
                "kind": "caption",
                "start_seconds": cue.start_seconds,
                "text": cue.text,
            }
        )
    recordings = db.session.execute(
        db.select(Recording, TrainingSession)
        .join(TrainingSession, TrainingSession.id == Recording.session_id)
        .where(Recording.program_id == program_id)
    ).all()
    needle = query.casefold()
    for recording, session in recordings:
        for chapter in recording.chapters:
            if chapter.get("title") and needle in chapter["title"].casefold():
                hits.append(
                    {
                        "recording": recording,
                        "session": session,
                        "kind": "chapter",
                        "start_seconds": chapter["start_seconds"],
                        "text": chapter["title"],
                    }
                )
    return hits[:limit]
