"""``python -m workers`` as ``make run`` starts it: a real process on the test database and
Redis, sending through a real SMTP server; scheduled jobs run; a job that overruns its
timeout fails without stopping the worker."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.processes import process_env, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_process(_app, database_url, smtp_server, tmp_path):
    started = []

    def start(*args):
        env = process_env(_app, tmp_path, SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}")
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "workers", *args], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        started.append((proc, log))
        return proc

    yield start
    for proc, log in started:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_mail_worker_sends_at_once_and_runs_scheduled_jobs(app, db, smtp_server, worker_process):
    from training.db import utcnow
    from training.mail.models import OutboxMessage
    from training.mail.operations import queue_mail

    worker_process("--queues", "mail,default")
    for n in range(20):
        queue_mail(f"p{n}@example.org", f"Invitation {n}", "Bienvenue")
    # scheduled (RQ's scheduler, which runs beside the worker) for two seconds from now
    queue_mail("late@example.org", "Later", "Plus tard", send_after=utcnow() + timedelta(seconds=2))
    db.session.commit()

    assert wait_until(lambda: len(smtp_server.messages) >= 20, timeout=30), len(
        smtp_server.messages
    )
    subjects = {m["Subject"] for m in smtp_server.messages}
    assert {f"Invitation {n}" for n in range(20)} <= subjects
    assert wait_until(lambda: "Later" in {m["Subject"] for m in smtp_server.messages}, timeout=30)

    def all_sent():  # the worker commits "sent" just after the SMTP server has the message
        db.session.rollback()
        return set(db.session.scalars(db.select(OutboxMessage.status))) == {"sent"}

    assert wait_until(all_sent, timeout=10)


def test_an_overrunning_job_fails_and_the_worker_goes_on(app, db, smtp_server, worker_process):
    from rq import Queue

    from training.mail.operations import queue_mail
    from workers.queues import get_redis, queue_name

    worker_process("--queues", "mail,default")
    queue = Queue(queue_name("default"), connection=get_redis())
    stuck = queue.enqueue("time.sleep", 30, job_timeout=1)
    queue_mail("after@example.org", "After the stuck job", "Bonjour")
    db.session.commit()
    assert wait_until(lambda: stuck.get_status(refresh=True) == "failed", timeout=20)
    assert wait_until(lambda: len(smtp_server.messages) == 1, timeout=20)
    assert smtp_server.messages[0]["Subject"] == "After the stuck job"


def test_a_media_worker_forks_each_job_and_leaves_mail_alone(app, db, smtp_server, worker_process):
    from rq import Queue

    from training.mail.operations import queue_mail
    from workers.queues import get_redis, queue_name

    proc = worker_process("--queues", "media")
    job = Queue(queue_name("media"), connection=get_redis()).enqueue("os.getpid")
    queue_mail("waits@example.org", "Not for the media worker", "…")
    db.session.commit()
    assert wait_until(lambda: job.get_status(refresh=True) == "finished", timeout=20)
    assert job.return_value() not in (None, proc.pid)  # ran in a forked work-horse
    time.sleep(0.5)
    assert smtp_server.messages == []


def test_unknown_queue_is_refused(worker_process):
    proc = worker_process("--queues", "mail,videos")
    assert proc.wait(timeout=20) == 2
