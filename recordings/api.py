"""Recording endpoints of the JSON API (README.md, "HTTP API"), plus tus 1.0 resumable uploads.

Upload one of three ways:
- raw body (``Content-Type: video/*`` or ``audio/*``) or multipart field ``file``: 202;
- tus 1.0 core + creation: ``POST`` with ``Tus-Resumable: 1.0.0`` and ``Upload-Length``
  (no body) answers 201 with ``Location`` of the upload; ``HEAD`` it for ``Upload-Offset``,
  ``PATCH`` it with ``application/offset+octet-stream`` chunks. The last chunk queues the job.
"""

from __future__ import annotations

import base64
import shutil

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import Field
from sqlalchemy.exc import IntegrityError
from werkzeug.formparser import parse_form_data

from recordings import ingest, storage
from recordings import operations as ops
from recordings.lifecycle import RecordingStatus
from recordings.media import MediaError
from recordings.messages import error_message
from recordings.models import Recording
from recordings.serializers import recording_json
from training.api import ApiError, api, parse_json
from training.api.core import error_response
from training.api.schemas import Strict
from training.extensions import db
from training.input_guard import header_int
from training.links import absolute_url
from training.policy import program_member_or_404, require
from training.sessions.models import TrainingSession

TUS_VERSION = "1.0.0"
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}


@api.errorhandler(ingest.UploadError)
def _upload_error(exc: ingest.UploadError):
    db.session.rollback()
    response, status = error_response(exc.status, exc.code, exc.message)
    response.headers.update(TUS_HEADERS)
    return response, status


def _session_for_upload(sid: int) -> TrainingSession:
    session = db.session.get(TrainingSession, sid)
    if session is None:
        raise ApiError(404, "not_found", _("Not found."))
    require("recordings.upload", session.program_id)
    return session


def recording_for(rid: int, action: str = "recordings.view") -> Recording:
    recording = db.session.get(Recording, rid)
    if recording is None:
        raise ApiError(404, "not_found", _("Not found."))
    require(action, recording.program_id)
    return recording


def _tus_metadata() -> dict[str, str]:
    meta = {}
    for pair in request.headers.get("Upload-Metadata", "").split(","):
        key, _sep, value = pair.strip().partition(" ")
        if key:
            try:
                meta[key] = base64.b64decode(value).decode("utf-8") if value else ""
            except (ValueError, UnicodeDecodeError):
                raise ApiError(400, "invalid_request", _("Bad Upload-Metadata header.")) from None
    return meta


def _accepted(recording: Recording):
    db.session.commit()
    response = jsonify(id=recording.id, status=RecordingStatus.QUEUED)
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_recording", rid=recording.id)
    return response


class _FirstFileToSource:
    """werkzeug stream_factory: the first file part goes straight into the source file."""

    def __init__(self, recording: Recording):
        self.recording = recording
        self.used = False
        self.container = None

    def __call__(self, total_content_length, content_type, filename, content_length=None):
        import os
        import tempfile

        from recordings import storage

        if self.used:
            return tempfile.TemporaryFile()
        self.used = True
        self.recording.filename = (filename or "")[:255]
        self.recording.content_type = (content_type or "")[:100]
        path = storage.source_path(self.recording.id)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.container = _CountingFile(path, storage.max_upload_bytes())
        return self.container


class _CountingFile:
    def __init__(self, path: str, limit: int):
        self.fh = open(path, "w+b")  # noqa: SIM115 (closed by the form parser's caller)
        self.limit, self.size = limit, 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ingest.too_large()
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)


@api.post("/sessions/<int:sid>/recordings")
@login_required
def upload_recording(sid: int):
    session = _session_for_upload(sid)
    length = request.content_length
    if request.headers.get("Tus-Resumable"):
        upload_length = header_int(request.headers.get("Upload-Length"))
        if upload_length is None:
            raise ApiError(400, "invalid_request", _("Upload-Length is required."))
        ingest.check_length(upload_length)
        meta = _tus_metadata()
        recording = ops.create_recording(
            session, current_user, filename=meta.get("filename", ""),
            content_type=meta.get("filetype", ""), upload_length=upload_length,
        )  # fmt: skip
        db.session.commit()
        upload_url = absolute_url("api.tus_upload", rid=recording.id)
        response = jsonify(id=recording.id, status=RecordingStatus.QUEUED, upload_url=upload_url)
        response.status_code = 201
        response.headers.update({**TUS_HEADERS, "Location": upload_url})
        return response
    ingest.check_length(length)
    mimetype = request.mimetype or ""
    if mimetype == "multipart/form-data":
        recording = ops.create_recording(session, current_user, filename="", content_type="")
        factory = _FirstFileToSource(recording)
        try:
            _stream, _form, files = parse_form_data(
                request.environ, stream_factory=factory, max_form_memory_size=1024 * 1024
            )
            for f in files.values():
                f.close()
            if files.get("file") is None:
                raise ApiError(400, "invalid_request", _("Send the recording in the field “file”."))
            recording.upload_offset = recording.upload_length = factory.container.size
            if recording.upload_offset == 0:
                raise ApiError(422, "empty", _("The file is empty."))
        except (ApiError, ingest.UploadError):
            if factory.container is not None:
                factory.container.close()
            shutil.rmtree(storage.upload_dir(recording.id), ignore_errors=True)
            raise
        ops.queue_processing(recording)
        return _accepted(recording)
    if not (mimetype.startswith("video/") or mimetype.startswith("audio/")):
        raise ApiError(
            415, "unsupported_media_type",
            _("Send a video or audio file (Content-Type video/… or audio/…) or a multipart form."),
        )  # fmt: skip
    filename = request.headers.get("X-Filename") or request.args.get("filename", "")
    recording = ingest.receive_whole(
        session, current_user, request.stream, filename=filename, content_type=mimetype,
        length=length,
    )  # fmt: skip
    return _accepted(recording)


def _uploading(rid: int) -> Recording:
    recording = recording_for(rid, "recordings.upload")
    if request.headers.get("Tus-Resumable") != TUS_VERSION and request.method != "OPTIONS":
        raise ingest.UploadError(412, "tus_version", _("Tus-Resumable: 1.0.0 is required."))
    return recording


@api.route("/recordings/<int:rid>/upload", methods=["HEAD", "PATCH", "OPTIONS"])
@login_required
def tus_upload(rid: int):
    recording = _uploading(rid)
    headers = {
        **TUS_HEADERS,
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": "creation",
        "Tus-Max-Size": str(storage.max_upload_bytes()),
        "Cache-Control": "no-store",
    }
    if request.method == "OPTIONS":
        return "", 204, headers
    headers.update(
        {"Upload-Offset": str(recording.upload_offset),
         "Upload-Length": str(recording.upload_length or 0)}
    )  # fmt: skip
    if request.method == "HEAD":
        return "", 200, headers
    if recording.status != RecordingStatus.UPLOADING:
        raise ingest.UploadError(409, "upload_finished", _("This upload is already complete."))
    if request.mimetype != "application/offset+octet-stream":
        raise ingest.UploadError(
            415, "unsupported_media_type", _("Send chunks as application/offset+octet-stream.")
        )
    offset = header_int(request.headers.get("Upload-Offset"))
    if offset is None or offset != recording.upload_offset:
        raise ingest.UploadError(
            409, "offset_mismatch",
            _("The upload is at byte %(offset)d.", offset=recording.upload_offset),
        )  # fmt: skip
    ingest.append_stream(recording, request.stream)
    if recording.upload_offset == recording.upload_length:
        ops.queue_processing(recording)
    db.session.commit()
    headers["Upload-Offset"] = str(recording.upload_offset)
    return "", 204, headers


@api.get("/recordings/<int:rid>")
@login_required
def get_recording(rid: int):
    return jsonify(recording_json(recording_for(rid), current_user))


class PositionIn(Strict):
    seconds: float = Field(ge=0, le=7 * 24 * 3600)


@api.put("/recordings/<int:rid>/position")
@login_required
def put_position(rid: int):
    recording = recording_for(rid)
    body = parse_json(PositionIn)
    try:
        ops.record_position(recording, current_user, body.seconds)
        db.session.commit()
    except IntegrityError:  # two first saves at once (interval and pause): the row exists now
        db.session.rollback()
        ops.record_position(db.session.get(Recording, rid), current_user, body.seconds)
        db.session.commit()
    return "", 204


@api.get("/recordings/<int:rid>/position")
@login_required
def get_position(rid: int):
    return jsonify(seconds=ops.position_of(recording_for(rid), current_user))


@api.post("/recordings/<int:rid>/captions")
@login_required
def upload_captions(rid: int):
    recording = recording_for(rid, "recordings.upload")
    language = (request.args.get("language") or request.form.get("language") or "").strip()
    if not language or len(language) > 16:
        raise ApiError(422, "invalid_value", _("Give the captions' language (e.g. fr or en)."))
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    try:
        caption = ops.add_captions(
            recording, data, language=language, label=request.args.get("label", "")
        )
    except MediaError as exc:
        raise ApiError(422, exc.code, error_message(exc.code)) from None
    db.session.commit()
    return jsonify(language=caption.language, label=caption.label, cues=len(caption.cues)), 201


class ChapterIn(Strict):
    start_seconds: float
    title: str = Field(max_length=200)


class ChaptersIn(Strict):
    chapters: list[ChapterIn]


@api.put("/recordings/<int:rid>/chapters")
@login_required
def put_chapters(rid: int):
    recording = recording_for(rid, "recordings.upload")
    body = parse_json(ChaptersIn)
    ops.set_chapter_titles(recording, [c.model_dump() for c in body.chapters])
    db.session.commit()
    return jsonify(recording_json(recording, current_user)["chapters"])


@api.get("/recordings/<int:rid>/watchers")
@login_required
def get_watchers(rid: int):
    recording = recording_for(rid, "recordings.analytics")
    return jsonify(
        watchers=[
            {"user_id": u.id, "name": u.name, "completion": c, "position_seconds": p}
            for u, c, p, _seen in ops.watchers(recording)
        ]
    )


@api.get("/programs/<int:pid>/recordings/search")
@login_required
def search_recordings(pid: int):
    program_member_or_404(pid)
    require("recordings.view", pid)
    hits = ops.search(pid, request.args.get("q", ""))
    return jsonify(
        results=[
            {
                "recording_id": h["recording"].id,
                "session_title": h["session"].title,
                "kind": h["kind"],
                "start_seconds": h["start_seconds"],
                "text": h["text"],
                "url": absolute_url(
                    "recordings.replay", rid=h["recording"].id, t=int(h["start_seconds"])
                ),
            }
            for h in hits
        ]
    )
