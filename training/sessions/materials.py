"""Files attached to a session, stored under MEDIA_ROOT/materials/<session id>/."""

from __future__ import annotations

import mimetypes
import os
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from training.accounts.models import User
from training.extensions import db
from training.sessions.models import SessionMaterial, TrainingSession
from training.sessions.validation import SessionError
from training.uploads import usable_filename, write_limited

MAX_MATERIAL_BYTES = 100 * 1024 * 1024


def material_dir(session_id: int) -> Path:
    return Path(current_app.config["MEDIA_ROOT"]) / "materials" / str(session_id)


def material_path(material: SessionMaterial) -> Path:
    return material_dir(material.session_id) / material.stored_name


def add_material(session: TrainingSession, upload: FileStorage | None, *, by: User):
    """Stream the upload to disk (temp name, then atomic rename) and record it (flushes)."""
    if upload is None or not upload.filename:
        raise SessionError(422, "file_required", _("Choose a file to attach."), "file")
    filename = usable_filename(upload)
    if filename is None:
        raise SessionError(422, "invalid_filename", _("This file name is not usable."), "file")
    stored_name = secrets.token_hex(16)
    folder = material_dir(session.id)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{stored_name}.part"
    try:
        size = write_limited(upload, partial, MAX_MATERIAL_BYTES)
        if size is None:
            raise SessionError(413, "too_large", _("Files are limited to 100 MB."), "file")
        if size == 0:
            raise SessionError(422, "empty_file", _("The file is empty."), "file")
        os.replace(partial, folder / stored_name)
    finally:
        partial.unlink(missing_ok=True)
    content_type = (
        upload.mimetype
        if upload.mimetype and upload.mimetype != "application/octet-stream"
        else mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    material = SessionMaterial(
        session_id=session.id,
        filename=filename,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=size,
        uploaded_by_id=by.id,
    )
    db.session.add(material)
    db.session.flush()
    return material
