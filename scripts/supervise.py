"""Start what Copa needs and run it: ``run`` (web + worker + scheduler) or ``test`` (the suite).

Redis: the one at REDIS_URL when it answers, otherwise a private redis-server on a free
loopback port with its data under instance/redis, stopped on exit. One Ctrl-C stops all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
children: list[subprocess.Popen] = []


def say(msg: str) -> None:
    print(f"copa: {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url: str) -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except (RedisError, OSError, ValueError):
        return False


def ensure_redis(env: dict) -> None:
    url = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_answers(url):
        env["REDIS_URL"] = url
        say(f"using Redis at {url}")
        return
    data = ROOT / "instance" / "redis"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    children.append(proc)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        if redis_answers(url):
            break
        time.sleep(0.05)
    else:
        raise SystemExit("copa: the private redis-server did not start")
    env["REDIS_URL"] = url
    say(f"started a private Redis at {url} (data in {data})")


def stop_children() -> None:
    for proc in reversed(children):
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in reversed(children):
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "training", *args],
        env=env,
        cwd=ROOT,
        check=check,
        text=True,
        capture_output=True,
    )


def run() -> int:
    env = dict(os.environ)
    ensure_redis(env)
    say("migrating the database")
    result = flask(env, "db", "upgrade", check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        return result.returncode
    seed = flask(env, "seed-demo", "--if-empty")
    port = env.get("PORT", "5000")
    base = env.get("BASE_URL", f"http://127.0.0.1:{port}")
    env.setdefault("BASE_URL", base)
    spawn = dict(env=env, cwd=ROOT, start_new_session=True)
    children.append(
        subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--bind",
                f"0.0.0.0:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "0",
                "--access-logfile",
                "-",
                "training:create_app()",
            ],
            **spawn,
        )
    )
    children.append(subprocess.Popen([str(VENV_BIN / "python"), "-m", "workers"], **spawn))
    children.append(
        subprocess.Popen(
            [
                str(VENV_BIN / "rq"),
                "cron",
                "--url",
                env["REDIS_URL"],
                "--path",
                str(ROOT),
                "workers.cron",
            ],
            **spawn,
        )
    )
    print()
    say(f"Copa is running at {base}/  (Ctrl-C stops everything)")
    print(seed.stdout.rstrip())
    print(flush=True)
    try:
        while all(p.poll() is None for p in children):
            time.sleep(0.5)
        dead = [p for p in children if p.poll() is not None]
        say(f"a process stopped ({dead[0].args[0]}, exit {dead[0].returncode}); stopping all")
        return 1
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        stop_children()


def pg_answers(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{url}/postgres", connect_timeout=2):
            return True
    except Exception:  # any failure means: no PostgreSQL to test against
        return False


def test(pytest_args: list[str]) -> int:
    env = dict(os.environ)
    ensure_redis(env)
    env["COPA_TEST_REDIS_URL"] = env["REDIS_URL"]
    steps = [
        ("ruff check", [str(VENV_BIN / "ruff"), "check", "."]),
        ("ruff format --check", [str(VENV_BIN / "ruff"), "format", "--check", "."]),
        ("pytest on SQLite", [str(VENV_BIN / "python"), "-m", "pytest", *pytest_args]),
    ]
    pg_url = env.get("COPA_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432")
    if pg_answers(pg_url):
        steps.append(
            ("pytest on PostgreSQL", [str(VENV_BIN / "python"), "-m", "pytest", *pytest_args])
        )
    else:
        say(f"no PostgreSQL answers at {pg_url}: the PostgreSQL run is skipped")
    failed = []
    try:
        for name, cmd in steps:
            say(f"== {name}")
            step_env = dict(env, COPA_TEST_DB="postgresql" if "PostgreSQL" in name else "sqlite")
            code = subprocess.call(cmd, env=step_env, cwd=ROOT)
            if code != 0:
                failed.append(f"{name} (exit {code})")
    finally:
        stop_children()
    if failed:
        say("FAILED: " + "; ".join(failed))
        return 1
    say("all checks passed")
    return 0


def _terminate(_signum, _frame):
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    if mode == "run":
        return run()
    if mode == "test":
        return test(sys.argv[2:])
    raise SystemExit(f"usage: {sys.argv[0]} run|test [pytest args]")


if __name__ == "__main__":
    sys.exit(main())
