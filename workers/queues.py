"""Redis connection, named queues, and enqueueing that waits for the transaction to commit."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis import Redis
from rq import Queue
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

QUEUE_NAMES = ("default", "mail", "media")
_connections: dict[str, Redis] = {}


def redis_url() -> str:
    if has_app_context():
        return current_app.config["REDIS_URL"]
    import os

    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def get_redis() -> Redis:
    url = redis_url()
    if url not in _connections:
        _connections[url] = Redis.from_url(url, socket_connect_timeout=2, health_check_interval=30)
    return _connections[url]


def queue_name(name: str) -> str:
    prefix = current_app.config.get("RQ_QUEUE_PREFIX", "copa") if has_app_context() else "copa"
    return f"{prefix}-{name}"


def job_id(*parts) -> str:
    """A deterministic RQ job id, namespaced by the queue prefix (job keys are global)."""
    prefix = current_app.config.get("RQ_QUEUE_PREFIX", "copa") if has_app_context() else "copa"
    return "-".join([prefix, *map(str, parts)])


def get_queue(name: str = "default") -> Queue:
    return Queue(queue_name(name), connection=get_redis())


def all_queue_names() -> list[str]:
    return [queue_name(n) for n in QUEUE_NAMES]


def enqueue_after_commit(func, *args, queue: str = "default", at=None, **options) -> None:
    """Enqueue ``func(*args)`` once the current database transaction commits.

    A job enqueued before the commit could run before its rows are visible; one enqueued in a
    transaction that then rolls back would act on rows that never existed. Options are passed
    to :meth:`rq.Queue.enqueue` (``job_timeout``, ``retry``, ``job_id``...). With ``at`` (an
    aware datetime) the job is scheduled instead; the worker's scheduler runs it then.
    """
    from workers.context import database

    pending = database().session.info.setdefault("copa_after_commit", [])
    pending.append((queue, func, args, at, options))


@sa.event.listens_for(Session, "after_commit")
def _enqueue_pending(session):
    pending = session.info.pop("copa_after_commit", None)
    for queue, func, args, at, options in pending or ():
        try:
            if at is None:
                get_queue(queue).enqueue(func, *args, **options)
            else:
                get_queue(queue).enqueue_at(at, func, *args, **options)
        except Exception:  # Redis down: the row is committed, the sweeper will pick it up
            log.exception("could not enqueue %s; it stays for the sweeper", func.__name__)


@sa.event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    session.info.pop("copa_after_commit", None)
