"""The one way to declare an RQ job: ``@job(...)`` on the function, in ``<feature>/jobs.py``.

::

    @job(
        queue="mail",
        timeout=120,
        retry=Retry(max=3, interval=[10, 60, 300]),
        failure_ttl=7 * 24 * 3600,
        id=lambda message_id: ("mail", message_id),
    )
    def send_message(message_id: int) -> str: ...

    send_message.later(message.id)             # enqueued once the transaction commits
    send_message.later(message.id, at=when)    # scheduled then (the worker's scheduler)
    send_message.job_id(message.id)            # "<queue prefix>-mail-<id>"
    send_message.alive(message.id)             # queued, running, scheduled or deferred
    send_message(message.id)                   # runs here, in its own app context

The options are written once, here. ``id`` turns the job's arguments into the parts of its
deterministic job id (namespaced by :func:`workers.queues.job_id`), so the same work queued
twice is one RQ job; a job whose id also names an attempt gives ``suffix=`` to ``later`` and
``job_id``. ``timeout`` and ``description`` may be functions of the job's arguments (a
recording's length sets its timeout).
``every=seconds`` makes the job periodic: :mod:`workers.cron` registers it with rq cron.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rq import Retry

from workers.context import app_context
from workers.queues import QUEUE_NAMES, enqueue_after_commit, get_queue
from workers.queues import job_id as namespaced

ALIVE = frozenset({"queued", "started", "scheduled", "deferred"})


@dataclass(frozen=True)
class JobOptions:
    """What ``@job`` declared for one job."""

    queue: str
    timeout: int | Callable[..., int] | None = None
    retry: Retry | None = None
    failure_ttl: int | None = None
    id: Callable[..., tuple] | None = None
    every: int | None = None
    description: str | Callable[..., str] | None = None

    def enqueue_kwargs(self, *args) -> dict[str, Any]:
        """Keyword arguments for :meth:`rq.Queue.enqueue` (all but the job id)."""
        kwargs = {
            "job_timeout": self.timeout(*args) if callable(self.timeout) else self.timeout,
            "retry": self.retry,
            "failure_ttl": self.failure_ttl,
            "description": (
                self.description(*args) if callable(self.description) else self.description
            ),
        }
        return {k: v for k, v in kwargs.items() if v is not None}

    def job_id(self, *args, suffix=None) -> str | None:
        if self.id is None:
            if suffix is not None:
                raise TypeError("a job without a declared id takes no suffix")
            return None
        parts = tuple(self.id(*args))
        return namespaced(*parts) if suffix is None else namespaced(*parts, suffix)


_periodic: dict[str, Callable] = {}


@functools.cache
def declared(path: str) -> Callable:
    """The job declared at ``"package.module.function"``: operations enqueue their jobs by
    name (``declared("recordings.jobs.process_recording").later(rid)``), so a feature's
    operations and the jobs that call them back do not import each other."""
    module, _, name = path.rpartition(".")
    func = getattr(importlib.import_module(module), name)
    if not hasattr(func, "options"):
        raise TypeError(f"{path} is not declared with @job")
    return func


def periodic() -> list[Callable]:
    """The periodic jobs (``every=``) of the job modules imported so far."""
    return list(_periodic.values())


def job(
    *,
    queue: str = "default",
    timeout: int | Callable[..., int] | None = None,
    retry: Retry | None = None,
    failure_ttl: int | None = None,
    id: Callable[..., tuple] | None = None,
    every: int | None = None,
    description: str | Callable[..., str] | None = None,
) -> Callable[[Callable], Callable]:
    """Declare an RQ job: run in its own app context (:func:`workers.context.app_context`),
    with these options wherever it is queued. See the module's docstring."""
    if queue not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {queue!r}; Copa's are {', '.join(QUEUE_NAMES)}")
    options = JobOptions(queue, timeout, retry, failure_ttl, id, every, description)

    def declare(func: Callable) -> Callable:
        # A plain function (not a callable object), so RQ stores it by its dotted name.
        wrapper = app_context(func)
        wrapper.options = options
        wrapper.job_id = options.job_id
        wrapper.later = functools.partial(_later, wrapper)
        wrapper.alive = functools.partial(_alive, wrapper)
        if every is not None:
            _periodic[f"{func.__module__}.{func.__qualname__}"] = wrapper
        return wrapper

    return declare


def _later(func, *args, at: datetime | None = None, suffix=None) -> str | None:
    """Enqueue ``func(*args)`` once the current transaction commits (at ``at``, if given),
    with its declared options. Returns the job id (None when the job declares none)."""
    options: JobOptions = func.options
    ident = options.job_id(*args, suffix=suffix)
    kwargs = options.enqueue_kwargs(*args)
    if ident is not None:
        kwargs["job_id"] = ident
    enqueue_after_commit(func, *args, queue=options.queue, at=at, **kwargs)
    return ident


def _alive(func, *args, suffix=None) -> bool:
    return job_alive(func.options.job_id(*args, suffix=suffix), func.options.queue)


def job_alive(job_id: str | None, queue: str = "default") -> bool:
    """Whether RQ still holds that job on that queue as queued, started, scheduled (its time
    or its retry's backoff not come) or deferred. Finished, failed, stopped, cancelled or
    gone: not alive, so a sweep may queue the work again."""
    if not job_id:
        return False
    job = get_queue(queue).fetch_job(job_id)
    if job is None:
        return False
    status = job.get_status(refresh=False)
    return str(getattr(status, "value", status)) in ALIVE
