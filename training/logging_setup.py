"""Structured logs: one JSON line per record, with the request id or job id attached.

No line carries a secret from a URL (feed tokens, media tokens, set-password links):
:mod:`training.log_redaction` rewrites them, here and in the request logs of gunicorn and
werkzeug.
"""

from __future__ import annotations

import json
import logging
import sys
import uuid

from flask import g, has_request_context, request

from training.log_redaction import install_on_request_loggers, redact

_RESERVED = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None)))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            data["request_id"] = getattr(g, "request_id", None)
            data["path"] = request.path
        try:
            from rq import get_current_job

            job = get_current_job()
        except Exception:  # outside a worker
            job = None
        if job is not None:
            data["job_id"] = job.id
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                data[key] = value if isinstance(value, (int, float, str, bool)) else str(value)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return redact(json.dumps(data, ensure_ascii=False))


def configure_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app) -> None:
    install_on_request_loggers()

    @app.before_request
    def _request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex[:16]

    @app.after_request
    def _echo_request_id(response):
        if has_request_context() and getattr(g, "request_id", None):
            response.headers["X-Request-ID"] = g.request_id
        return response
