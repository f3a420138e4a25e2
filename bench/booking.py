"""Booking benchmark: clients racing for coaching slots on a multi-worker gunicorn server.

    .venv/bin/python bench/booking.py [--backends postgresql,sqlite] [--workers 2] [--threads 4]
                                      [--participants 40] [--slots 200] [--clients 100]
                                      [--client-procs 4]

For each backend (a fresh PostgreSQL database on $COPA_BENCH_PG_URL, default
postgresql://postgres@127.0.0.1:5432, then a SQLite file): migrate, seed one program (quota 5),
4 experts with 200 one-hour slots between them, 40 participants with API tokens; start gunicorn
(gthread; by default 2 workers x 4 threads, what `make run` starts, sized for 2 cores) and warm
every worker up; then 100 concurrent clients (participant = client % 40), spread over 4 client
processes and released together by one barrier, each loop: list the open slots, book a random
one (after a 409 slot_taken, list again, as the page does), until their participant's quota is
reached or no slot is left.

Every request is timed on its own, from sending to the full answer. The table gives, as
measured: bookings per second (201s / wall time from the barrier to the last client), p50, p95,
p99 and max of the booking POSTs (201 and 409 alike), p95 of the listings, the server's own time
per booking POST (gunicorn access log, so the rest of the latency is waiting for a free worker
thread), the 1-minute load average when the race started, and what the database holds
afterwards: double bookings (slots with more than one active booking) and quota overruns
(participants above the quota). Both must be 0 (exit status 1 otherwise). Redis (REDIS_URL)
receives the invite-mail jobs, as in production; they are removed afterwards.

With closed-loop clients (no pause between requests), Little's law bounds the latency: on
average 100 requests are in flight, so mean latency ~= 100 / (requests per second served).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

PG_URL = os.environ.get("COPA_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct % of values at or below."""
    rank = math.ceil(pct / 100 * len(sorted_values))
    return sorted_values[max(0, rank - 1)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_database(backend: str, tmp: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    import psycopg

    name = f"copa_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{PG_URL}/{name}", drop


def seed(env: dict, participants: int, slots: int) -> tuple[int, dict[int, str], int]:
    """Migrate and create the program; returns (program id, {participant id: token}, quota)."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from training import create_app
    from training.accounts.tokens import issue_api_token
    from training.coaching.models import CoachingSlot
    from training.extensions import db
    from training.programs.models import Membership
    from training.programs.operations import create_program

    app = create_app()
    with app.test_request_context():
        upgrade(revision="heads")
        from training.accounts.operations import create_user

        program = create_program("Bench", timezone="America/Toronto")
        db.session.flush()
        tag = uuid.uuid4().hex[:6]
        experts = []
        for e in range(4):
            user = create_user(f"expert{e}-{tag}@example.org", f"Expert {e}")
            db.session.add(Membership(program_id=program.id, user_id=user.id, role="expert"))
            experts.append(user)
        tokens = {}
        for p in range(participants):
            user = create_user(f"p{p}-{tag}@example.org", f"Participant {p}")
            db.session.add(Membership(program_id=program.id, user_id=user.id, role="participant"))
            db.session.flush()
            tokens[user.id] = issue_api_token(user)
        base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        for n in range(slots):
            expert = experts[n % len(experts)]
            start = base + timedelta(hours=n // len(experts))
            db.session.add(
                CoachingSlot(
                    program_id=program.id,
                    expert_id=expert.id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                )
            )
        db.session.commit()
        result = (program.id, tokens, program.coaching_quota)
        db.engine.dispose()
    return result


def start_server(
    env: dict, workers: int, threads: int, access_log: Path
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--no-control-socket",
            # Per request, the time gunicorn's worker spent on it (from the parsed request to
            # the written answer): the server's share of the latency the clients see.
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(M)s",
            "training:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/api/v1/me", timeout=10)
            # Warm every worker up (imports, first connection) before timing anything.
            with ThreadPoolExecutor(workers * threads) as pool:
                list(
                    pool.map(
                        lambda _: requests.get(f"{url}/healthz", timeout=30),
                        range(workers * threads * 2),
                    )
                )
            return proc, url
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def _client(i, url, program_id, pid, token, barrier, out):
    """One client: list the open slots, book one at random; after slot_taken list again; stop
    at quota_exceeded or when nothing is open. Each request is timed on its own."""
    rnd = random.Random(i)
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        barrier.wait()
        out["started"].append(time.perf_counter())
        known: list[int] = []
        while True:
            if not known:
                t0 = time.perf_counter()
                resp = http.get(
                    f"{url}/api/v1/programs/{program_id}/slots",
                    params={"status": "open"},
                    timeout=60,
                )
                out["list_latencies"].append(time.perf_counter() - t0)
                if resp.status_code != 200:
                    raise RuntimeError(f"listing failed: {resp.status_code} {resp.text[:200]}")
                known = [s["id"] for s in resp.json()["slots"]]
                if not known:
                    break
                rnd.shuffle(known)
            slot = known.pop()
            t0 = time.perf_counter()
            resp = http.post(f"{url}/api/v1/slots/{slot}/booking", json={}, timeout=60)
            out["latencies"].append(time.perf_counter() - t0)
            if resp.status_code >= 500:
                raise RuntimeError(f"server error: {resp.status_code} {resp.text[:200]}")
            code = resp.status_code
            key = resp.json()["error"]["code"] if code >= 400 else str(code)
            out["outcomes"].append(key)
            if code == 201:
                out["wins"].append((pid, slot))
            if key == "quota_exceeded":
                break
            if key == "slot_taken":
                known = []  # like the page after "slot taken": look at what is still open
    out["ended"].append(time.perf_counter())


def _client_process(indexes, url, program_id, clients_of, barrier, results):
    """A client process running some of the clients as threads (list.append is thread-safe)."""
    out = {k: [] for k in ("started", "ended", "latencies", "list_latencies", "outcomes", "wins")}
    error = None
    with ThreadPoolExecutor(len(indexes)) as pool:
        futures = [
            pool.submit(_client, i, url, program_id, *clients_of[i], barrier, out) for i in indexes
        ]
        for f in futures:
            try:
                f.result()
            except Exception as exc:  # noqa: BLE001  (reported to the parent)
                error = error or repr(exc)
    results.put((out, error))


def race(url: str, program_id: int, tokens: dict[int, str], clients: int, procs: int):
    """``clients`` clients (participant = client % participants) spread over ``procs`` client
    processes, so one client process's GIL does not add its own queueing to the latencies.
    A barrier across all of them releases every client at once."""
    ids = sorted(tokens)
    clients_of = {i: (ids[i % len(ids)], tokens[ids[i % len(ids)]]) for i in range(clients)}
    ctx = multiprocessing.get_context("fork")  # the barrier is inherited, not pickled
    barrier, results = ctx.Barrier(clients), ctx.Queue()
    groups = [list(range(clients))[p::procs] for p in range(procs)]
    children = [
        ctx.Process(target=_client_process, args=(g, url, program_id, clients_of, barrier, results))
        for g in groups
    ]
    for child in children:
        child.start()
    parts = [results.get(timeout=600) for _ in children]
    for child in children:
        child.join()
    errors = [e for _, e in parts if e]
    if errors:
        raise RuntimeError(f"client failed: {errors[0]}")
    merged = {k: [x for out, _ in parts for x in out[k]] for k in parts[0][0]}
    wall = max(merged["ended"]) - min(merged["started"])
    outcomes = Counter(merged["outcomes"])
    return wall, merged["latencies"], merged["list_latencies"], outcomes, merged["wins"]


def audit(database_url: str, quota: int) -> tuple[int, int]:
    from training.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(database_url))
    active = "status IN ('booked', 'attended', 'no_show')"
    with engine.connect() as conn:
        doubles = conn.execute(
            sa.text(
                f"SELECT count(*) FROM (SELECT slot_id FROM coaching_bookings WHERE {active} "
                "GROUP BY slot_id HAVING count(*) > 1) d"
            )
        ).scalar_one()
        overruns = conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT participant_id FROM coaching_bookings "
                f"WHERE {active} GROUP BY participant_id HAVING count(*) > :q) o"
            ),
            {"q": quota},
        ).scalar_one()
    engine.dispose()
    return doubles, overruns


def cleanup_redis(prefix: str) -> None:
    from redis import Redis

    r = Redis.from_url(REDIS_URL)
    for key in r.scan_iter(f"rq:*{prefix}*"):
        r.delete(key)
    r.close()


def run(backend: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="copa-bench-") as tmp:
        database_url, drop = make_database(backend, Path(tmp))
        prefix = f"copabench-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "RQ_QUEUE_PREFIX": prefix,
            "SECRET_KEY": secrets.token_hex(16),
            "COPA_INSTANCE_PATH": tmp,
            "BASE_URL": "http://bench.copa.test",
        }
        env.pop("SMTP_URL", None)
        try:
            program_id, tokens, quota = seed(env, args.participants, args.slots)
            access_log = Path(tmp) / "access.log"
            proc, url = start_server(env, args.workers, args.threads, access_log)
            try:
                access_log.write_text("")  # forget the warm-up requests
                load = os.getloadavg()[0]
                wall, latencies, list_latencies, outcomes, wins = race(
                    url, program_id, tokens, args.clients, args.client_procs
                )
            finally:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=30)
            server_ms = sorted(
                float(line.split()[3])
                for line in access_log.read_text().splitlines()
                if line.startswith("POST ") and "/booking" in line
            )
            doubles, overruns = audit(database_url, quota)
            client_doubles = sum(1 for c in Counter(s for _, s in wins).values() if c > 1)
            client_overruns = sum(1 for c in Counter(p for p, _ in wins).values() if c > quota)
        finally:
            drop()
            cleanup_redis(prefix)
    ms = sorted(x * 1000 for x in latencies)
    list_ms = sorted(x * 1000 for x in list_latencies)
    return {
        "backend": backend,
        "requests": len(ms),
        "booked": outcomes["201"],
        "conflicts": sum(v for k, v in outcomes.items() if k != "201"),
        "rate": outcomes["201"] / wall,
        "wall": wall,
        "all_requests": len(ms) + len(list_ms),
        "clients": args.clients,
        "p50": statistics.median(ms),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": ms[-1],
        "list_p95": percentile(list_ms, 95),
        "server_p50": statistics.median(server_ms),
        "server_p95": percentile(server_ms, 95),
        "load": load,
        "doubles": max(doubles, client_doubles),
        "overruns": max(overruns, client_overruns),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--slots", type=int, default=200)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--client-procs", type=int, default=4)
    args = parser.parse_args()
    rows = [run(b.strip(), args) for b in args.backends.split(",") if b.strip()]
    print(
        f"\ngunicorn {args.workers} workers x {args.threads} threads, {args.participants} "
        f"participants, {args.slots} slots, {args.clients} concurrent clients\n"
    )
    head = (
        "backend",
        "POSTs",
        "booked",
        "409s",
        "bookings/s",
        "POST p50 ms",
        "POST p95 ms",
        "POST p99 ms",
        "POST max ms",
        "list p95 ms",
        "server p50/p95 ms",
        "double bookings",
        "quota overruns",
        "load avg (1 min)",
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        print(
            f"| {r['backend']} | {r['requests']} | {r['booked']} | {r['conflicts']} | "
            f"{r['rate']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['max']:.1f} | {r['list_p95']:.1f} | "
            f"{r['server_p50']:.1f} / {r['server_p95']:.1f} | {r['doubles']} | {r['overruns']} | "
            f"{r['load']:.2f} |"
        )
    print()
    for r in rows:
        served = r["all_requests"] / r["wall"]
        print(
            f"{r['backend']}: {r['all_requests']} requests (bookings and listings) in "
            f"{r['wall']:.2f} s = {served:.0f}/s; with {r['clients']} clients always waiting, "
            f"Little's law gives a mean latency of {1000 * r['clients'] / served:.0f} ms"
        )
    return 0 if all(r["doubles"] == 0 and r["overruns"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
