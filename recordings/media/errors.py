"""Media failures with a machine code; the app maps codes to translated sentences."""

from __future__ import annotations

NOT_MEDIA = "not_media"
NO_STREAMS = "no_streams"
ZERO_DURATION = "zero_duration"
CORRUPTED = "corrupted"
TRANSCODE_FAILED = "transcode_failed"
BAD_CAPTIONS = "bad_captions"

CODES = (NOT_MEDIA, NO_STREAMS, ZERO_DURATION, CORRUPTED, TRANSCODE_FAILED, BAD_CAPTIONS)


class MediaError(Exception):
    """A file the pipeline cannot turn into a replay. ``code`` is stable; ``detail`` is for logs."""

    def __init__(self, code: str, detail: str = ""):
        if code not in CODES:
            raise ValueError(f"unknown media error code {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
