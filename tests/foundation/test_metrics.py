"""``/metrics``: Prometheus text a scraper can parse, guarded from everyone but the scraper."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def scrape(client, **kw) -> dict[str, list]:
    response = client.get("/metrics", **kw)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/plain")
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.get_data(as_text=True))
    }


def value(samples, **labels) -> float:
    return next(s.value for s in samples if all(s.labels.get(k) == v for k, v in labels.items()))


def test_request_latency_by_endpoint_not_by_path(client):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/no/such/page/123")
    after = scrape(client)
    hist = "copa_http_request_duration_seconds"

    def count(families, **labels):
        samples = [s for s in families.get(hist, []) if s.name == f"{hist}_count"]
        return sum(s.value for s in samples if all(s.labels.get(k) == v for k, v in labels.items()))

    assert (
        count(after, endpoint="health.healthz", status="200")
        - count(before, endpoint="health.healthz", status="200")
        == 3
    )
    assert count(after, endpoint="unmatched", status="404") >= 1
    paths = {s.labels.get("endpoint") for s in after[hist]}
    assert not any(p and "/" in p for p in paths)  # ids in paths would explode the series


def test_outbox_backlog_queues_and_jobs(client, db, redis_conn):
    from training.mail.operations import queue_mail
    from workers.metrics import _key, record_job, record_media

    with client.application.app_context():
        for i in range(2):
            queue_mail(f"p{i}@example.org", "Hello", "text")
        db.session.commit()  # enqueues two mail jobs after the commit
        redis_conn.delete(_key())  # runs of earlier tests' jobs
    record_job("training.mail.jobs.send", 0.25, ok=True)
    record_job("training.mail.jobs.send", 0.75, ok=True)
    record_job("training.mail.jobs.send", 1.0, ok=False)
    record_media(600.0, 100.0)
    try:
        families = scrape(client)
        assert value(families["copa_outbox_messages"], status="queued") == 2
        assert value(families["copa_outbox_messages"], status="failed") == 0
        assert value(families["copa_queue_length"], queue="mail") == 2
        runs = families["copa_job_runs"]
        assert value(runs, job="training.mail.jobs.send", outcome="ok") == 2
        assert value(runs, job="training.mail.jobs.send", outcome="failed") == 1
        secs = families["copa_job_duration_seconds"]
        assert value(secs, job="training.mail.jobs.send", outcome="ok") == 1.0
        assert value(families["copa_media_realtime_factor"]) == 6.0
    finally:
        redis_conn.delete(_key())


def test_only_the_scraper_reads_metrics(client, app):
    remote = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    assert client.get("/metrics", **remote).status_code == 404
    assert client.get("/metrics").status_code == 200  # loopback, no token configured
    app.config["METRICS_TOKEN"] = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 404
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"}, **remote)
    assert ok.status_code == 200 and b"copa_queue_length" in ok.data


def test_a_job_run_lands_in_the_job_figures(client, redis_conn):
    """Every @job records its own run: the digest job, run as a worker runs it."""
    from training.forum.jobs import send_forum_digests
    from workers.metrics import _key

    with client.application.app_context():
        redis_conn.delete(_key())
        try:
            assert send_forum_digests() == 0  # nothing due
            runs = scrape(client)["copa_job_runs"]
            assert value(runs, job="training.forum.jobs.send_forum_digests", outcome="ok") == 1
        finally:
            redis_conn.delete(_key())
