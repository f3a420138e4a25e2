"""``GET /metrics``: Prometheus text format (prometheus-client).

Request latency is measured in each process; under gunicorn set ``PROMETHEUS_MULTIPROC_DIR``
(``make run`` does) and every worker process writes its samples there, summed at scrape time.
Queue lengths, the outbox backlog and recordings by status are read when scraped; job figures
come from Redis, where every RQ worker adds to them (workers/metrics.py).

Access: with ``METRICS_TOKEN`` set, ``Authorization: Bearer <token>``; without it, only a
scraper on this machine (loopback). Everyone else gets 404.
"""

from __future__ import annotations

import hmac
import os
import time

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from redis.exceptions import RedisError

bp = Blueprint("metrics", __name__)

REQUEST_SECONDS = Histogram(
    "copa_http_request_duration_seconds",
    "Time to answer an HTTP request, by endpoint (the route's name, never the raw path).",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10),
)


class StateCollector:
    """Figures read at scrape time from the database and Redis."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        with self.app.app_context():
            yield from self._queues()
            yield from self._database()
            yield from self._jobs()

    def _queues(self):
        from workers.queues import QUEUE_NAMES, get_queue

        family = GaugeMetricFamily(
            "copa_queue_length", "Jobs waiting in each RQ queue.", labels=["queue"]
        )
        try:
            for name in QUEUE_NAMES:
                family.add_metric([name], get_queue(name).count)
        except RedisError:
            return
        yield family

    def _database(self):
        from recordings.models import Recording
        from training.extensions import db
        from training.mail.models import OutboxMessage

        try:
            outbox = dict(
                db.session.execute(
                    sa.select(OutboxMessage.status, sa.func.count())
                    .where(OutboxMessage.status.in_(("queued", "sending", "failed")))
                    .group_by(OutboxMessage.status)
                ).all()
            )
            recordings = dict(
                db.session.execute(
                    sa.select(Recording.status, sa.func.count()).group_by(Recording.status)
                ).all()
            )
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            return
        finally:
            db.session.remove()
        family = GaugeMetricFamily(
            "copa_outbox_messages",
            "E-mails not sent yet (queued, sending) or failed.",
            labels=["status"],
        )
        for status in ("queued", "sending", "failed"):
            family.add_metric([status], outbox.get(status, 0))
        yield family
        family = GaugeMetricFamily("copa_recordings", "Recordings by status.", labels=["status"])
        for status, count in sorted(recordings.items()):
            family.add_metric([status], count)
        yield family

    def _jobs(self):
        from workers.metrics import read_stats

        try:
            jobs, (media, processing) = read_stats()
        except RedisError:
            return
        runs = CounterMetricFamily(
            "copa_job_runs", "Finished RQ jobs by job and outcome.", labels=["job", "outcome"]
        )
        seconds = CounterMetricFamily(
            "copa_job_duration_seconds",
            "Time spent in finished RQ jobs, by job and outcome.",
            labels=["job", "outcome"],
        )
        for (name, outcome), (count, total) in sorted(jobs.items()):
            runs.add_metric([name, outcome], count)
            seconds.add_metric([name, outcome], total)
        yield runs
        yield seconds
        yield CounterMetricFamily(
            "copa_media_seconds_processed", "Length of the recordings processed.", value=media
        )
        yield CounterMetricFamily(
            "copa_media_processing_seconds", "Time the pipeline took for them.", value=processing
        )
        yield GaugeMetricFamily(
            "copa_media_realtime_factor",
            "Seconds of recording processed per second of processing, since counting began.",
            value=media / processing if processing else 0.0,
        )


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get(
        "REMOTE_ADDR", request.remote_addr
    )
    return peer in ("127.0.0.1", "::1")


@bp.get("/metrics")
def metrics():
    if not _allowed():
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    registry.register(collector := StateCollector(current_app._get_current_object()))
    try:
        body = generate_latest(registry)
    finally:
        registry.unregister(collector)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    app.config.setdefault("METRICS_TOKEN", os.environ.get("METRICS_TOKEN") or None)
    app.register_blueprint(bp)

    @app.before_request
    def _start_timer():
        g.copa_request_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("copa_request_started", None)
        if started is not None and request.endpoint != "metrics.metrics":
            REQUEST_SECONDS.labels(
                request.endpoint or "unmatched", request.method, str(response.status_code)
            ).observe(time.perf_counter() - started)
        return response
