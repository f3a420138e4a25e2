"""50 concurrent booking requests at a real multi-worker gunicorn server (SQLite or PostgreSQL,
whichever the suite runs on): one winner per slot, nobody over quota, a double click books once.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port
from tests.processes import process_env
from training.coaching import rules as r
from training.coaching.models import Booking

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(_app, database_url, tmp_path_factory):
    app = _app
    port = free_port()
    env = process_env(app, tmp_path_factory.mktemp("gunicorn"))
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "4",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "training:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/api/v1/me", timeout=10).status_code in (200, 401):
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {proc.stderr.read().decode()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # gunicorn: quick shutdown
        proc.wait(timeout=20)
        proc.stderr.close()


def fire(requests_to_send):
    """Send every (url, headers) at once (a barrier releases all threads together)."""
    barrier = threading.Barrier(len(requests_to_send))

    def send(item):
        url, headers = item
        with requests.Session() as session:
            barrier.wait()
            resp = session.post(url, json={}, headers=headers, timeout=60)
            return resp.status_code, resp.json()

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


def test_fifty_concurrent_bookings(server, world, make_member, auth_headers, publish, db):
    """5 participants (quota 2) each try all 10 slots at once: 50 requests.

    There is exactly enough quota for the slots, so the outcome is determined: every slot has
    one winner and every participant exactly 2 bookings. A missing slot lock would give a slot
    two winners; a missing participant lock would let someone book a third session.
    """
    world.program.coaching_quota = 2
    db.session.commit()
    participants = [world.alice, world.bob] + [
        make_member(world.program, "participant", name=f"P{i}").user for i in range(3)
    ]
    headers = {p.id: auth_headers(p) for p in participants}
    slots = [s["id"] for s in publish(hours=72, count=10)]
    batch = [
        (f"{server}/api/v1/slots/{sid}/booking", headers[p.id])
        for p in participants
        for sid in slots
    ]
    random.shuffle(batch)
    assert len(batch) == 50
    results = fire(batch)

    created = [body for status, body in results if status == 201]
    errors = Counter(body["error"]["code"] for status, body in results if status == 409)
    assert len(created) + sum(errors.values()) == 50  # nothing else (no 500, no 200)
    assert set(errors) <= {"slot_taken", "quota_exceeded"} and errors["slot_taken"] > 0
    assert sorted(b["slot_id"] for b in created) == sorted(slots)  # one winner per slot
    assert Counter(b["participant_id"] for b in created) == {p.id: 2 for p in participants}

    db.session.rollback()  # a fresh snapshot: see what the server committed
    rows = db.session.scalars(db.select(Booking).where(Booking.status.in_(r.ACTIVE_STATUSES))).all()
    assert Counter(b.slot_id for b in rows) == {sid: 1 for sid in slots}
    assert Counter(b.participant_id for b in rows) == {p.id: 2 for p in participants}


def test_double_click_books_once(server, world, auth_headers, publish, db):
    slot = publish(hours=72)[0]["id"]
    h = auth_headers(world.alice)
    results = fire([(f"{server}/api/v1/slots/{slot}/booking", h)] * 10)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 200: 9}
    assert len({body["id"] for _, body in results}) == 1
    db.session.rollback()  # a fresh snapshot: see what the server committed
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 1
