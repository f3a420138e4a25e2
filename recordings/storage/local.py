"""The local folder backend (MEDIA_ROOT): writes are atomic (temp file, then rename)."""

from __future__ import annotations

import os
import shutil
import tempfile

from recordings.storage.base import StorageError


class LocalStorage:
    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def path(self, key: str) -> str:
        path = os.path.normpath(os.path.join(self.root, key))
        if path != self.root and not path.startswith(self.root + os.sep):
            raise StorageError(f"{key!r} is outside the storage")
        return path

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def _write(self, key: str, write) -> None:
        dest = self.path(key)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest), prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def put_file(self, local_path: str, key: str, *, content_type: str = "") -> None:
        def copy(fh):
            with open(local_path, "rb") as src:
                shutil.copyfileobj(src, fh, 1024 * 1024)

        self._write(key, copy)

    def put_bytes(self, key: str, data: bytes, *, content_type: str = "") -> None:
        self._write(key, lambda fh: fh.write(data))

    def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        try:
            with open(self.path(key), "rb") as fh:
                fh.seek(start)
                return fh.read() if end is None else fh.read(end - start + 1)
        except FileNotFoundError:
            raise StorageError(f"{key!r} does not exist") from None

    def get_file(self, key: str, local_path: str) -> None:
        try:
            shutil.copyfile(self.path(key), local_path)
        except FileNotFoundError:
            raise StorageError(f"{key!r} does not exist") from None

    def list(self, prefix: str) -> list[str]:
        base = self.path(prefix)
        if not os.path.isdir(base):
            return []
        keys = []
        for folder, _dirs, files in os.walk(base):
            for name in files:
                keys.append(os.path.relpath(os.path.join(folder, name), self.root))
        return sorted(k.replace(os.sep, "/") for k in keys)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list(prefix)
        shutil.rmtree(self.path(prefix), ignore_errors=True)
        return len(keys)

    def url_for_download(self, key: str, *, expires: int = 3600) -> str | None:
        return None  # the app serves local files itself (signed app URLs, Range support)
