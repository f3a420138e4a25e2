"""Job figures kept in Redis, so that every worker, on any machine, adds to the same counters.

Each finished job adds its duration and outcome under one hash per queue prefix; ``/metrics``
reads them back (training/metrics.py). Redis being down never fails a job over its metrics.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from redis.exceptions import RedisError

from workers.queues import get_redis, job_id

log = logging.getLogger(__name__)


def _key() -> str:
    return job_id("jobstats")


def record_job(name: str, seconds: float, ok: bool) -> None:
    """Add one finished run of job ``name`` (its dotted path) to the shared counters."""
    outcome = "ok" if ok else "failed"
    try:
        pipe = get_redis().pipeline(transaction=False)
        pipe.hincrby(_key(), f"{name}|{outcome}|count", 1)
        pipe.hincrbyfloat(_key(), f"{name}|{outcome}|seconds", max(0.0, seconds))
        pipe.execute()
    except RedisError:
        log.warning("could not record job metrics for %s", name)


def record_media(media_seconds: float, processing_seconds: float) -> None:
    """One recording processed: how long it is and how long the pipeline took."""
    try:
        pipe = get_redis().pipeline(transaction=False)
        pipe.hincrbyfloat(_key(), "media|seconds", max(0.0, media_seconds))
        pipe.hincrbyfloat(_key(), "media|processing", max(0.0, processing_seconds))
        pipe.execute()
    except RedisError:
        log.warning("could not record media metrics")


def read_stats() -> tuple[dict[tuple[str, str], tuple[int, float]], tuple[float, float]]:
    """``({(job, outcome): (count, seconds)}, (media seconds, processing seconds))``."""
    raw = get_redis().hgetall(_key())
    jobs: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    media = [0.0, 0.0]
    for field, value in raw.items():
        parts = field.decode().split("|")
        if parts[0] == "media" and len(parts) == 2:
            media[0 if parts[1] == "seconds" else 1] = float(value)
        elif len(parts) == 3:
            name, outcome, what = parts
            jobs[(name, outcome)][0 if what == "count" else 1] = float(value)
    return {k: (int(c), s) for k, (c, s) in jobs.items()}, (media[0], media[1])
