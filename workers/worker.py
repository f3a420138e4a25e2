"""The RQ worker Copa runs: the Flask app is built once, before any job, and every forked
work-horse inherits it (RQ's pre-fork pattern). A horse only drops the database connections
it inherited, so no socket is shared between two processes.

Before this, each horse built its own app: about 0.9 s per job, so 40 invites took minutes.
"""

from __future__ import annotations

from rq import Queue, SimpleWorker, Worker

from workers.context import database, get_app

DEFAULT_QUEUES = ("mail", "default", "media")


class CopaWorker(Worker):
    def main_work_horse(self, job, queue):
        app = get_app()
        with app.app_context():
            # the parent's pooled connections stay the parent's
            database(app).engine.dispose(close=False)
        return super().main_work_horse(job, queue)


class InProcessWorker(SimpleWorker):
    """Runs each job in the worker process itself: no fork, the app and its warm caches are
    reused job after job (a mail is ~10 ms instead of ~150 ms). Job timeouts still hold
    (SIGALRM); meant for the short jobs of the mail and default queues."""


def build_worker(
    queue_names=DEFAULT_QUEUES, *, name: str | None = None, fork: bool = True
) -> Worker:
    """A worker on Copa's queues (in the order given: the first non-empty one is served
    first), with the app already built; ``fork=False`` runs jobs in-process."""
    from workers.queues import get_redis, queue_name

    app = get_app()
    with app.app_context():
        database(app).engine.dispose()  # nothing opened while building crosses a fork
        connection = get_redis()
        queues = [Queue(queue_name(n), connection=connection) for n in queue_names]
    cls = CopaWorker if fork else InProcessWorker
    return cls(queues, connection=connection, name=name)
