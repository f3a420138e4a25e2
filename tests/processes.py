"""Helpers for tests that start real processes (gunicorn, workers, the CLI, the supervisor)."""

from __future__ import annotations

import os
import time


def process_env(app, instance_path, **extra) -> dict[str, str]:
    """The environment of a separate Copa process that must see what ``app`` sees: its
    database, Redis and queue prefix, secret, base URL and media, an instance folder of its
    own. ``extra`` overrides or adds variables; SMTP is off unless ``SMTP_URL`` is given."""
    env = dict(os.environ)
    env.pop("SMTP_URL", None)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        RQ_QUEUE_PREFIX=app.config["RQ_QUEUE_PREFIX"],
        SECRET_KEY=app.config["SECRET_KEY"],
        BASE_URL=app.config["BASE_URL"],
        MEDIA_ROOT=app.config["MEDIA_ROOT"],
        COPA_INSTANCE_PATH=str(instance_path),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def wait_until(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
