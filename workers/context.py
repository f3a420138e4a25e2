"""An application context for jobs: one app per worker process, built from the environment.

The app comes from a factory named by a dotted spec, ``module:attribute`` as gunicorn's
APP argument (default ``training:create_app``), so nothing in ``workers`` imports the app.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import time

from workers.metrics import record_job

APP_FACTORY = "training:create_app"

_app = None


def load(spec: str):
    """The object a ``package.module:attribute`` spec names (``module`` alone: the module)."""
    module_name, _, attribute = spec.partition(":")
    obj = importlib.import_module(module_name)
    for part in filter(None, attribute.split(".")):
        obj = getattr(obj, part)
    return obj


def use_app(app) -> None:
    """Make jobs in this process run against ``app`` (tests, or a worker built elsewhere)."""
    global _app
    _app = app


def get_app():
    global _app
    if _app is None:
        _app = load(APP_FACTORY)()
    return _app


def database(app=None):
    """The app's Flask-SQLAlchemy extension (``app`` defaults to the current one)."""
    if app is None:
        from flask import current_app

        app = current_app
    return app.extensions["sqlalchemy"]


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
    """Decorator for job functions: run inside an app context, roll back on error, and add
    the run's duration and outcome to the shared job figures (``/metrics``).

    The context is always new, so a job run in-process (tests, SimpleWorker) gets its own
    database session and never touches its caller's.
    """
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _pushed():
            db = database()
            started, ok = time.perf_counter(), False
            try:
                result = func(*args, **kwargs)
                ok = True
                return result
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
                record_job(name, time.perf_counter() - started, ok)

    return wrapper
