"""Secrets that travel in URLs never reach a log: feed tokens, signed media URLs, set-password
links and ``token=`` query parameters are replaced by ``[redacted]``.

:class:`RedactingFilter` rewrites a record's arguments (and its message when it has none) in
place, so it works for gunicorn's access log (a dict of atoms: request line, path, query,
referer...), werkzeug's request log (a tuple) and the app's own JSON lines alike.
"""

from __future__ import annotations

import logging
import re

MARK = "[redacted]"

_PATTERNS = (
    # /calendar/<token>.ics and /calendar/<token>/programs/<pid>.ics
    (re.compile(r"(/calendar/)[^/?#\s\"]+(?=\.ics|/programs/)"), rf"\g<1>{MARK}"),
    # /recordings/<rid>/m/<token>/<name>
    (re.compile(r"(/recordings/\d+/m/)[^/?#\s\"]+"), rf"\g<1>{MARK}"),
    # /set-password/<token> (invitations and password resets)
    (re.compile(r"(/set-password/)[^/?#\s\"]+"), rf"\g<1>{MARK}"),
    # token=… and access_token=… in a query string (with or without its "?")
    (
        re.compile(r"(?<![^?&;\s\"])((?:access_)?token=)[^&#\s\"]*", re.IGNORECASE),
        rf"\g<1>{MARK}",
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict):
            for key, value in list(args.items()):
                args[key] = _redact_value(value)
        elif isinstance(args, tuple) and args:
            record.args = tuple(_redact_value(v) for v in args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


REQUEST_LOGGERS = ("gunicorn.access", "werkzeug")


def install(logger: logging.Logger | logging.Handler) -> None:
    """Add the filter once."""
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


def install_on_request_loggers() -> None:
    """gunicorn's access log does not propagate to the root logger: filter it at the source."""
    for name in REQUEST_LOGGERS:
        install(logging.getLogger(name))
