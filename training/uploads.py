"""What every uploaded file goes through, whichever feature keeps it: its name made safe to
show and store, and its bytes streamed to disk under a size limit. Each feature raises its
own error from what these return."""

from __future__ import annotations

import os
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

CHUNK = 1024 * 1024


def usable_filename(upload: FileStorage) -> str | None:
    """The upload's base name (255 characters at most), or None when it is not usable."""
    name = os.path.basename((upload.filename or "").replace("\\", "/")).strip()[:255]
    if not name or not secure_filename(name) or not name.isprintable():
        return None
    return name


def write_limited(upload: FileStorage, path: Path, limit: int) -> int | None:
    """Stream the upload into ``path``; its size, or None (and ``path`` partly written,
    for the caller to remove) as soon as it passes ``limit`` bytes."""
    size = 0
    with open(path, "wb") as out:
        while chunk := upload.stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                return None
            out.write(chunk)
    return size
