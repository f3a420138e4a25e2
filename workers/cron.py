"""Periodic jobs, read by ``rq cron --path . workers.cron`` (started by ``make run``).

Features declare their sweeps next to the job, ``@job(..., every=seconds)`` in
``<feature>/jobs.py``. This module names no feature: it imports the jobs module of each
feature the app lists (``training.features:FEATURES``, loaded by name), then registers with
rq cron every periodic job they declared, on its queue, with its timeout.
"""

from __future__ import annotations

import importlib
import importlib.util
import os

from rq import cron

from workers.context import load
from workers.jobs import periodic

FEATURES = "training.features:FEATURES"

PREFIX = os.environ.get("RQ_QUEUE_PREFIX", "copa")


def job_modules(features: str = FEATURES) -> list[str]:
    """``<feature>.jobs`` of each listed feature that has one (``recordings.jobs``...)."""
    names = dict.fromkeys(f"{feature}.jobs" for feature in load(features))
    return [name for name in names if importlib.util.find_spec(name) is not None]


def register(prefix: str = PREFIX, features: str = FEATURES) -> list[dict]:
    """Import the features' jobs modules and register their periodic jobs; returns what
    :func:`rq.cron.register` recorded, one dict per job."""
    for name in job_modules(features):
        importlib.import_module(name)
    return [
        cron.register(
            func,
            f"{prefix}-{func.options.queue}",
            interval=func.options.every,
            job_timeout=None if callable(func.options.timeout) else func.options.timeout,
        )
        for func in periodic()
    ]


REGISTERED = register()
