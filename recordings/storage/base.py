"""One interface for where files live: a local folder (the default) or an S3 bucket.

Keys are relative, '/'-separated paths such as ``recordings/12/master.m3u8``.
"""

from __future__ import annotations

from typing import Protocol


class StorageError(Exception):
    """The storage refused or could not be reached; the message says which key and why."""


class Storage(Protocol):
    def exists(self, key: str) -> bool: ...

    def put_file(self, local_path: str, key: str, *, content_type: str = "") -> None: ...

    def put_bytes(self, key: str, data: bytes, *, content_type: str = "") -> None: ...

    def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Bytes ``start``..``end`` inclusive (HTTP Range semantics), all by default."""
        ...

    def get_file(self, key: str, local_path: str) -> None: ...

    def list(self, prefix: str) -> list[str]: ...

    def delete_prefix(self, prefix: str) -> int: ...

    def url_for_download(self, key: str, *, expires: int = 3600) -> str | None:
        """A presigned URL, or None when the app serves the file itself (local folder)."""
        ...
