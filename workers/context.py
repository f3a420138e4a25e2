"""An application context for jobs: one app per worker process, built from the environment."""

from __future__ import annotations

import contextlib
import functools

_app = None


def use_app(app) -> None:
    """Make jobs in this process run against ``app`` (tests, or a worker built elsewhere)."""
    global _app
    _app = app


def get_app():
    global _app
    if _app is None:
        from training import create_app

        _app = create_app()
    return _app


@contextlib.contextmanager
def _pushed():
    """A fresh request context on BASE_URL: its own DB session scope, and url_for works."""
    app = get_app()
    # The app context first: a request context alone would reuse a caller's app context
    # (and so its database session) when the job runs in-process.
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]):
        from flask import g

        g.copa_job = True  # SQLite: its transactions begin IMMEDIATE (training.db)
        yield


def app_context(func):
    """Decorator for job functions: run inside an app context, roll back on error.

    The context is always new, so a job run in-process (tests, SimpleWorker) gets its own
    database session and never touches its caller's.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from training.extensions import db

        with _pushed():
            try:
                return func(*args, **kwargs)
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    return wrapper
