"""What users read when processing fails, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS = {
    "not_media": _l("This file is not a video or audio recording."),
    "no_streams": _l("This file has neither sound nor picture."),
    "zero_duration": _l("This recording is empty (it lasts no time at all)."),
    "corrupted": _l(
        "This file is damaged or incomplete (perhaps the upload or the recording was cut off)."
    ),
    "transcode_failed": _l("The recording could not be converted. We will look into it."),
    "bad_captions": _l("This caption file is not valid WebVTT or SRT."),
}


def error_message(code: str | None) -> str | None:
    if not code:
        return None
    return str(ERRORS.get(code, ERRORS["transcode_failed"]))
