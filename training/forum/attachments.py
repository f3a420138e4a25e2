"""Files attached to forum posts: stored, sniffed, bound to a post, served to who may read it.

A file is checked before anything is kept: its size while it streams to disk, its type from
its bytes (libmagic, through python-magic) against an allow-list, and its name's extension
against that type, so ``photo.pdf`` holding a PNG or ``notes.txt`` holding a program is a
422. Images are decoded and written again by Pillow without their metadata (GPS position,
camera owner, software), which could identify an anonymous author to a peer; a file that
does not decode is refused.

The bytes land under their final name before the transaction commits; a rollback removes
them (``after_rollback``), and a removal unlinks them only after the commit, so the folder
and the table agree whatever happens to the request. Reach follows the post: whoever reads
the post's text reads its files, anyone else gets 404.
"""

from __future__ import annotations

import os
import secrets
import warnings
from datetime import timedelta
from pathlib import Path

import magic
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from training.db import utcnow
from training.extensions import db
from training.forum.access import current_reader, post_body_visible, post_in_reach
from training.forum.errors import ForumError
from training.forum.models import ForumAttachment, ForumPost
from training.forum.present import Reader
from training.uploads import usable_filename, write_limited

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_PER_POST = 10
MAX_PIXELS = 40_000_000
ORPHAN_AGE = timedelta(days=1)

# sniffed type -> the extensions a file of that type may carry
ALLOWED: dict[str, tuple[str, ...]] = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
    "text/plain": ("txt", "md", "csv", "log"),
    "text/csv": ("csv", "txt"),
    "application/csv": ("csv",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
    "application/zip": ("zip",),
}
# shown in the page itself; everything else is a download
INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp"}
PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}

_WRITTEN = "copa_forum_written"
_UNLINK = "copa_forum_unlink"


_ICONS = (
    ("pdf", "bi-file-earmark-pdf"),
    ("wordprocessing", "bi-file-earmark-word"),
    ("msword", "bi-file-earmark-word"),
    ("opendocument.text", "bi-file-earmark-word"),
    ("sheet", "bi-file-earmark-excel"),
    ("excel", "bi-file-earmark-excel"),
    ("csv", "bi-file-earmark-spreadsheet"),
    ("presentation", "bi-file-earmark-ppt"),
    ("powerpoint", "bi-file-earmark-ppt"),
    ("zip", "bi-file-earmark-zip"),
    ("text/", "bi-file-earmark-text"),
)


def icon(content_type: str) -> str:
    """The Bootstrap icon of a kind of file."""
    return next((name for key, name in _ICONS if key in content_type), "bi-file-earmark")


def max_bytes() -> int:
    return int(current_app.config.get("FORUM_ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def request_limit() -> int:
    """The largest request body a form with attachments may send (checked before parsing)."""
    return MAX_PER_POST * max_bytes() + 2 * 1024 * 1024


def folder(program_id: int) -> Path:
    return Path(current_app.config["MEDIA_ROOT"]) / "forum" / str(program_id)


def path_of(attachment: ForumAttachment) -> Path:
    return folder(attachment.program_id) / attachment.stored_name


@sa.event.listens_for(Session, "after_rollback")
def _drop_written(session) -> None:
    for path in session.info.pop(_WRITTEN, []):
        Path(path).unlink(missing_ok=True)
    session.info.pop(_UNLINK, None)


@sa.event.listens_for(Session, "after_commit")
def _unlink_removed(session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_UNLINK, []):
        Path(path).unlink(missing_ok=True)


def _too_large() -> ForumError:
    mb = max_bytes() // (1024 * 1024)
    return ForumError(
        413, "file_too_large", _("Files are limited to %(mb)s MB each.", mb=mb), field="files"
    )


def _clean_filename(upload: FileStorage) -> str:
    name = usable_filename(upload)
    if name is None:
        raise ForumError(422, "invalid_filename", _("This file name is not usable."), "files")
    return name


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def _check_type(partial: Path, name: str) -> str:
    sniffed = magic.from_file(str(partial), mime=True)
    allowed = ALLOWED.get(sniffed)
    if allowed is None:
        raise ForumError(
            422,
            "file_type_refused",
            _(
                "“%(name)s” is not a kind of file the forum takes (images, PDF, text, "
                "office documents and zip archives).",
                name=name,
            ),
            field="files",
            content_type=sniffed,
        )
    if _extension(name) not in allowed:
        raise ForumError(
            422,
            "file_type_mismatch",
            _(
                "“%(name)s” does not hold what its name says: rename it with the right "
                "extension (.%(ext)s).",
                name=name,
                ext=allowed[0],
            ),
            field="files",
            content_type=sniffed,
        )
    return sniffed


def _scrub_image(partial: Path, content_type: str, name: str) -> tuple[int, int]:
    """Decode the image and write it again without its metadata; its size in pixels."""
    clean_path = partial.with_suffix(".clean")
    fmt = PILLOW_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(partial) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ForumError(
                        422, "image_too_big", _("This image has too many pixels."), "files"
                    )
                if getattr(image, "n_frames", 1) > 1:
                    # an animated GIF or WebP keeps its frames; only its metadata goes
                    for key in ("exif", "xmp", "comment"):
                        image.info.pop(key, None)
                    image.save(clean_path, fmt, save_all=True)
                    size = image.size
                else:
                    oriented = ImageOps.exif_transpose(image)
                    plain = Image.new(oriented.mode, oriented.size)
                    if oriented.mode == "P":
                        plain.putpalette(oriented.getpalette())
                    plain.paste(oriented)
                    options = {}
                    if "transparency" in oriented.info:
                        options["transparency"] = oriented.info["transparency"]
                    if oriented.info.get("icc_profile"):  # colours, not identity
                        options["icc_profile"] = oriented.info["icc_profile"]
                    if content_type == "image/jpeg":
                        options["quality"] = 90
                    plain.save(clean_path, fmt, **options)
                    size = plain.size
    except ForumError:
        clean_path.unlink(missing_ok=True)
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        clean_path.unlink(missing_ok=True)
        raise ForumError(
            422, "image_unreadable", _("“%(name)s” is not a readable image.", name=name), "files"
        ) from None
    os.replace(clean_path, partial)
    return size


def store(reader: Reader, upload: FileStorage | None) -> ForumAttachment:
    """Keep one uploaded file for the reader, not yet bound to a post (flushes)."""
    if upload is None or not upload.filename:
        raise ForumError(422, "file_required", _("Choose a file to attach."), "files")
    name = _clean_filename(upload)
    target = folder(reader.program_id)
    target.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    partial = target / f".{stored_name}.part"
    try:
        size = write_limited(upload, partial, max_bytes())
        if size is None:
            raise _too_large()
        if size == 0:
            raise ForumError(422, "empty_file", _("“%(name)s” is empty.", name=name), "files")
        content_type = _check_type(partial, name)
        width = height = None
        if content_type in INLINE:
            width, height = _scrub_image(partial, content_type, name)
            size = partial.stat().st_size
        final = target / stored_name
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    db.session.info.setdefault(_WRITTEN, []).append(str(final))
    attachment = ForumAttachment(
        program_id=reader.program_id,
        uploader_id=reader.user_id,
        filename=name,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=size,
        width=width,
        height=height,
    )
    db.session.add(attachment)
    db.session.flush()
    _prune_orphans(reader.program_id)
    return attachment


def store_all(reader: Reader, uploads: list[FileStorage]) -> list[int]:
    """Keep each file of a form's file field (empty inputs skipped); their ids."""
    uploads = [u for u in uploads if u and u.filename]
    if len(uploads) > MAX_PER_POST:
        raise _too_many()
    return [store(reader, upload).id for upload in uploads]


def _too_many() -> ForumError:
    return ForumError(
        422,
        "too_many_files",
        _("A message holds at most %(n)s files.", n=MAX_PER_POST),
        field="files",
        max_files=MAX_PER_POST,
    )


def bind(reader: Reader, post: ForumPost, ids: list[int] | None) -> None:
    """Attach the reader's own unbound uploads to their post; any other id is a 422."""
    ids = list(dict.fromkeys(ids or []))
    if not ids:
        return
    found = db.session.scalars(
        db.select(ForumAttachment).where(
            ForumAttachment.id.in_(ids),
            ForumAttachment.program_id == post.program_id,
            ForumAttachment.uploader_id == reader.user_id,
            ForumAttachment.post_id.is_(None),
            ForumAttachment.removed_at.is_(None),
        )
    ).all()
    if len(found) != len(ids):
        raise ForumError(
            422,
            "unknown_attachment",
            _("A file to attach is not one you uploaded here, or is already attached."),
            field="attachments",
        )
    if len(found) + len(of_posts([post.id]).get(post.id, [])) > MAX_PER_POST:
        raise _too_many()
    for attachment in found:
        attachment.post_id = post.id
    db.session.flush()


def remove(reader: Reader, post: ForumPost, ids: list[int]) -> None:
    """Take files off a post (its author or the facilitator); the bytes go after commit."""
    if not ids:
        return
    if post.author_id != reader.user_id and not reader.facilitator:
        raise ForumError(403, "not_yours", _("Only the author can change this message."))
    rows = db.session.scalars(
        db.select(ForumAttachment).where(
            ForumAttachment.post_id == post.id,
            ForumAttachment.id.in_(ids),
            ForumAttachment.removed_at.is_(None),
        )
    ).all()
    now = utcnow()
    for attachment in rows:
        attachment.removed_at = now
        db.session.info.setdefault(_UNLINK, []).append(str(path_of(attachment)))
    db.session.flush()


def _prune_orphans(program_id: int) -> None:
    """Forget uploads never bound to a post after a day (their bytes go after commit)."""
    stale = db.session.scalars(
        db.select(ForumAttachment).where(
            ForumAttachment.program_id == program_id,
            ForumAttachment.post_id.is_(None),
            ForumAttachment.created_at < utcnow() - ORPHAN_AGE,
        )
    ).all()
    for attachment in stale:
        db.session.info.setdefault(_UNLINK, []).append(str(path_of(attachment)))
        db.session.delete(attachment)
    if stale:
        db.session.flush()


def of_posts(post_ids) -> dict[int, list[ForumAttachment]]:
    """The live attachments of each post, in upload order."""
    ids = list(post_ids)
    if not ids:
        return {}
    out: dict[int, list[ForumAttachment]] = {}
    rows = db.session.scalars(
        db.select(ForumAttachment)
        .where(ForumAttachment.post_id.in_(ids), ForumAttachment.removed_at.is_(None))
        .order_by(ForumAttachment.id)
    )
    for attachment in rows:
        out.setdefault(attachment.post_id, []).append(attachment)
    return out


def in_reach(attachment_id: int) -> ForumAttachment:
    """The attachment if the signed-in user may read it, else 404 (outsiders included)."""
    attachment = db.session.get(ForumAttachment, attachment_id)
    if attachment is None or attachment.removed_at is not None:
        raise NotFound()
    if attachment.post_id is None:
        reader = current_reader(attachment.program_id)
        if attachment.uploader_id != reader.user_id:
            raise NotFound()
        return attachment
    post, _topic, reader = post_in_reach(attachment.post_id)
    if not post_body_visible(post, reader):
        raise NotFound()
    return attachment
