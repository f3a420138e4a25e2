"""Pages of recordings: replay, upload, program list and search; media and captions files."""

from __future__ import annotations

import os
import posixpath

from flask import Blueprint, abort, render_template, request, send_from_directory
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recordings import operations as ops
from recordings import storage
from recordings.lifecycle import RecordingStatus
from recordings.messages import error_message
from recordings.models import Caption, Recording
from recordings.serializers import chapter_titles, recording_json
from recordings.urls import media_url, read_media_token
from training.extensions import db
from training.policy import can, require
from training.sessions.models import TrainingSession

bp = Blueprint("recordings", __name__, static_folder="static", static_url_path="/recordings/static")

MEDIA_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt",
    ".json": "application/json",
}
# Upload pieces: small enough for proxies' body limits and slow links, large enough to be quick.
UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024
# Published names carry the plan's fingerprint or never change in place: cache them long.
IMMUTABLE = (".m4s", ".mp4")


def _recording(rid: int, action: str = "recordings.view") -> Recording:
    recording = db.session.get(Recording, rid)
    if recording is None:
        abort(404)
    require(action, recording.program_id)
    return recording


@bp.app_template_filter("clock")
def clock(seconds) -> str:
    """12:40, or 1:02:03 from an hour on."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def player_words() -> dict:
    """Plyr's words (its ``i18n`` option) in the viewer's language."""
    return {
        "restart": _("Restart"),
        "rewind": _("Rewind {seektime}s"),
        "play": _("Play"),
        "pause": _("Pause"),
        "fastForward": _("Forward {seektime}s"),
        "seek": _("Seek"),
        "seekLabel": _("{currentTime} of {duration}"),
        "played": _("Played"),
        "buffered": _("Buffered"),
        "currentTime": _("Current time"),
        "duration": _("Duration"),
        "volume": _("Volume"),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "enableCaptions": _("Enable captions"),
        "disableCaptions": _("Disable captions"),
        "download": _("Download"),
        "enterFullscreen": _("Enter fullscreen"),
        "exitFullscreen": _("Exit fullscreen"),
        "frameTitle": _("Player for {title}"),
        "captions": _("Captions"),
        "settings": _("Settings"),
        "pip": _("Picture in picture"),
        "menuBack": _("Go back to previous menu"),
        "speed": _("Speed"),
        "normal": _("Normal"),
        "quality": _("Quality"),
        "loop": _("Loop"),
        "start": _("Start"),
        "end": _("End"),
        "all": _("All"),
        "reset": _("Reset"),
        "disabled": _("Disabled"),
        "enabled": _("Enabled"),
    }


@bp.get("/recordings/<int:rid>")
@login_required
def replay(rid: int):
    recording = _recording(rid)
    session = recording.session
    start = request.args.get("t", type=float)  # a link to a moment: play from there, no question
    data = recording_json(recording, current_user)
    return render_template(
        "recordings/replay.html",
        recording=recording,
        session=session,
        program=session.program,
        data=data,
        start_at=max(0.0, start or 0.0),
        resume_at=ops.resume_point(recording, current_user) if start is None else None,
        chapters=chapter_titles(recording),
        player_words=player_words(),
        error=error_message(recording.error_code)
        if recording.status == RecordingStatus.FAILED
        else None,
        watchers=ops.watchers(recording)
        if can("recordings.analytics", recording.program_id)
        else None,
        can_upload=can("recordings.upload", recording.program_id),
    )


def published_name_allowed(name: str) -> bool:
    """A published file a player may fetch: a normalised relative path (no ``..``, no ``//``,
    no ``./``), no hidden part, and never the internal manifest, however it is spelled."""
    clean = posixpath.normpath(name)
    return (
        clean == name
        and not clean.startswith("/")
        and clean != "manifest.json"
        and not any(part.startswith(".") for part in clean.split("/"))
    )


@bp.get("/recordings/<int:rid>/m/<token>/<path:name>")
def media(rid: int, token: str, name: str):
    """Published media, for the holder of a valid signed URL who is still a member."""
    from training.accounts.models import User

    recording = db.session.get(Recording, rid)
    user_id = read_media_token(token, rid)
    user = db.session.get(User, user_id) if user_id else None
    if recording is None or user is None or not can("recordings.view", recording.program_id, user):
        abort(404)
    if not published_name_allowed(name):
        abort(404)
    response = send_from_directory(
        storage.published_dir(rid), name, conditional=True,
        mimetype=MEDIA_TYPES.get(os.path.splitext(name)[1]),
    )  # fmt: skip
    response.headers["Accept-Ranges"] = "bytes"
    if "/" in name and name.endswith(IMMUTABLE):
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/recordings/<int:rid>/captions/<language>.vtt")
@login_required
def captions(rid: int, language: str):
    recording = _recording(rid)
    caption = db.session.scalar(
        db.select(Caption).where(Caption.recording_id == recording.id, Caption.language == language)
    )
    if caption is None:
        abort(404)
    return (
        caption.vtt,
        200,
        {"Content-Type": "text/vtt; charset=utf-8", "Cache-Control": "private, no-cache"},
    )


@bp.get("/sessions/<int:sid>/recordings/new")
@login_required
def upload_page(sid: int):
    session = db.session.get(TrainingSession, sid)
    if session is None:
        abort(404)
    require("recordings.upload", session.program_id)
    return render_template(
        "recordings/upload.html",
        session=session,
        program=session.program,
        max_bytes=storage.max_upload_bytes(),
        max_gb=format_decimal(storage.max_upload_bytes() / 1024**3, format="#,##0.#"),
        chunk_bytes=UPLOAD_CHUNK_BYTES,
    )


@bp.get("/programs/<int:pid>/recordings")
@login_required
def program_recordings(pid: int):
    program = require("recordings.view", pid)
    query = request.args.get("q", "").strip()
    rows = db.session.execute(
        db.select(Recording, TrainingSession)
        .join(TrainingSession, TrainingSession.id == Recording.session_id)
        .where(Recording.program_id == pid)
        .order_by(TrainingSession.starts_at, Recording.id)
    ).all()
    analytics = can("recordings.analytics", pid)
    uploadable = []
    if can("recordings.upload", pid):
        uploadable = db.session.scalars(
            db.select(TrainingSession)
            .where(TrainingSession.program_id == pid, TrainingSession.status == "scheduled")
            .order_by(TrainingSession.starts_at)
        ).all()
    watched = {r.id: ops.watchers(r) for r, _s in rows} if analytics else {}
    mine = ops.my_completion(pid, current_user)
    posters = {
        r.id: media_url(r, current_user, r.poster_path, external=False)
        for r, _s in rows
        if r.poster_path
    }
    return render_template(
        "recordings/program.html",
        program=program,
        rows=rows,
        query=query,
        hits=ops.search(pid, query) if query else [],
        watched=watched,
        mine=mine,
        posters=posters,
        analytics=analytics,
        uploadable=uploadable,
        title=_("Recordings"),
    )


def session_recordings(session) -> list[Recording]:
    """For the session page: this session's recordings (template helper)."""
    if not can("recordings.view", session.program_id):
        return []
    return list(
        db.session.scalars(
            db.select(Recording).where(Recording.session_id == session.id).order_by(Recording.id)
        )
    )
