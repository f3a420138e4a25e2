"""Invite latency: a 40-member program schedules a session; how long until the last
participant's REQUEST reaches a real SMTP server?

    .venv/bin/python bench/invites.py [--members 40] [--only after]

Each row is one run from scratch (a new SQLite database, its own Redis queues, a real aiosmtpd
server on loopback, a real worker process):

- ``before``: ``rq worker`` as Copa started it until now; each forked job builds the whole app;
- ``after``: ``python -m workers``, which builds the app once before jobs fork (and serves the
  mail and default queues in one worker, media in another, as ``make run`` does).

The members are added just before the session is scheduled, so their 40 invitation e-mails
are queued ahead of the session's invites, as when a facilitator sets a program up.
Target (issue 10): under 5 s after.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


class Inbox:
    def __init__(self):
        self.requests: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        methods = {
            part.get_param("method")
            for part in message.walk()
            if part.get_content_type() == "text/calendar"
        }
        if "REQUEST" in methods:
            with self.lock:
                for rcpt in envelope.rcpt_tos:
                    self.requests.setdefault(rcpt.lower(), time.monotonic())
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_commands(mode: str, env: dict) -> list[list[str]]:
    if mode == "before":
        prefix = env["RQ_QUEUE_PREFIX"]
        queues = [f"{prefix}-{q}" for q in ("mail", "default", "media")]
        return [[str(BIN / "rq"), "worker", "--with-scheduler", "--url", env["REDIS_URL"], *queues]]
    return [
        [sys.executable, "-m", "workers", "--queues", "mail,default"],
        [sys.executable, "-m", "workers", "--queues", "media", "--no-scheduler"],
    ]


def run(mode: str, members: int) -> float:
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade
    from rq import Worker

    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    tmp = Path(tempfile.mkdtemp(prefix=f"copa-bench-{mode}-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'copa.db'}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "RQ_QUEUE_PREFIX": f"copabench-{uuid.uuid4().hex[:8]}",
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "BASE_URL": "http://copa.bench",
        "SECRET_KEY": secrets.token_hex(16),
        "COPA_INSTANCE_PATH": str(tmp),
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "RQ_QUEUE_PREFIX",
                                            "SMTP_URL", "BASE_URL", "SECRET_KEY",
                                            "COPA_INSTANCE_PATH")})  # fmt: skip
    from training import create_app
    from training.accounts.tokens import issue_api_token
    from training.extensions import db
    from training.programs.operations import add_member, create_program
    from workers.queues import get_redis

    app = create_app()
    with app.app_context(), app.test_request_context(base_url=env["BASE_URL"]):
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        program = create_program("CoPA Rémunération", timezone="America/Toronto", locale="fr_CA")
        facilitator = add_member(
            program, email="anim@copa.bench", name="Anim", role="facilitator"
        ).user
        token = issue_api_token(facilitator)
        db.session.commit()
        pid = program.id
    log = open(os.environ.get("COPA_BENCH_LOG", os.devnull), "a")  # noqa: SIM115
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        for cmd in worker_commands(mode, env)
    ]
    try:
        with app.app_context(), app.test_request_context(base_url=env["BASE_URL"]):
            deadline = time.monotonic() + 60
            while len(Worker.all(connection=get_redis())) < len(procs):
                if time.monotonic() > deadline:
                    raise SystemExit(f"{mode}: the worker did not start")
                time.sleep(0.1)
            from training.db import begin_immediate

            begin_immediate()  # as a POST would: the workers write meanwhile
            participants = []
            for n in range(members):
                m = add_member(
                    program=db.session.get(type(program), pid),
                    email=f"p{n}@company{n}.bench",
                    name=f"Participant {n}",
                    role="participant",
                    company=f"Entreprise {n}",
                )
                participants.append(m.user.email)
            db.session.commit()  # 40 invitation e-mails are now queued
        client = app.test_client()
        with app.app_context():
            from training.db import utcnow
            from training.timeutil import to_local

            day = to_local(utcnow() + timedelta(days=7), "America/Toronto").date()
        started = time.monotonic()
        r = client.post(
            f"/api/v1/programs/{pid}/sessions",
            json={"title": "Structure salariale", "starts_at": f"{day}T10:00",
                  "duration_minutes": 90},
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        if r.status_code != 201:
            raise SystemExit(f"{mode}: scheduling failed: {r.status_code} {r.get_data()}")
        deadline = started + 600
        while time.monotonic() < deadline:
            with inbox.lock:
                got = [inbox.requests.get(p) for p in participants]
            if all(got):
                return max(got) - started
            time.sleep(0.05)
        raise SystemExit(f"{mode}: only {sum(map(bool, got))} of {members} REQUESTs in 600 s")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        controller.stop()
        log.close()
        with app.app_context():
            conn = get_redis()
            for key in conn.scan_iter(f"rq:*{env['RQ_QUEUE_PREFIX']}*"):
                conn.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--only", choices=["before", "after"])
    args = parser.parse_args()
    modes = [args.only] if args.only else ["before", "after"]
    results = {mode: run(mode, args.members) for mode in modes}
    print(f"\nInvites for one new session, {args.members} participants (SQLite, one machine)\n")
    print(f"{'worker':<44} {'last REQUEST after':>20}")
    labels = {
        "before": "before: rq worker, app built in every job",
        "after": "after: python -m workers, app built once",
    }
    for mode, seconds in results.items():
        print(f"{labels[mode]:<44} {seconds:>18.2f} s")
    if len(results) == 2:
        print(f"\nspeed-up: {results['before'] / results['after']:.1f}x (target: under 5 s)")


if __name__ == "__main__":
    main()
