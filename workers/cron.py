"""Periodic jobs, read by ``rq cron workers/cron.py`` (started by ``make run``).

Features add their sweeps to ``PERIODIC`` below: (function, queue, seconds).
"""

from __future__ import annotations

import os

from rq import cron

from recordings.jobs import requeue_stalled_recordings
from training.coaching.jobs import sweep_booking_mail
from training.google.jobs import sweep as sweep_google_imports
from training.mail.jobs import requeue_stale_messages
from training.sessions.jobs import requeue_reminders

PREFIX = os.environ.get("RQ_QUEUE_PREFIX", "copa")

PERIODIC = [
    (requeue_stale_messages, "mail", 60),
    (sweep_google_imports, "default", 900),
    (requeue_reminders, "default", 300),
    (sweep_booking_mail, "default", 300),
    (requeue_stalled_recordings, "media", 60),
]

for func, queue, seconds in PERIODIC:
    cron.register(func, f"{PREFIX}-{queue}", interval=seconds, job_timeout=300)
