"""Start what Copa needs and run it: ``run`` (web + worker + scheduler) or ``test`` (the suite).

Redis: the one at REDIS_URL when it answers, otherwise a private redis-server on a free
loopback port with its data under instance/redis, stopped on exit. One Ctrl-C stops all.
"""

from __future__ import annotations

import contextlib
import ctypes
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
        preexec_fn=die_with_supervisor,
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


def _signal_groups(sig: int) -> None:
    for proc in reversed(children):
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)


def stop_children(grace: float = 15.0) -> None:
    """SIGTERM every child's group; a second SIGTERM after a few seconds (an RQ worker then
    stops its running job: cold shutdown); SIGKILL what is left after ``grace`` seconds."""
    _signal_groups(signal.SIGTERM)
    start = time.monotonic()
    second = False
    while any(proc.poll() is None for proc in children):
        elapsed = time.monotonic() - start
        if not second and elapsed > grace / 2:
            _signal_groups(signal.SIGTERM)
            second = True
        if elapsed > grace:
            _signal_groups(signal.SIGKILL)
            break
        time.sleep(0.1)
    for proc in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


PR_SET_PDEATHSIG = 1


def die_with_supervisor() -> None:
    """In a child, before exec: the kernel sends it SIGTERM when the supervisor dies, however
    it dies (SIGKILL included), so no web or worker lives on as an orphan (Linux prctl)."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        os._exit(1)


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
    web = [
        str(VENV_BIN / "gunicorn"),
        *web_options(env, port),
        "--access-logfile",
        "-",
        "training:create_app()",
    ]
    others = {
        # Invites and e-mail never wait behind a transcode: media has a worker of its own.
        "worker": [str(VENV_BIN / "python"), "-m", "workers", "--queues", "mail,default"],
        "media": [str(VENV_BIN / "python"), "-m", "workers", "--queues", "media"],
        "cron": [
            str(VENV_BIN / "rq"),
            "cron",
            "--url",
            env["REDIS_URL"],
            "--path",
            str(ROOT),
            "workers.cron",
        ],
    }
    print()
    say(f"Copa is running at {base}/  (Ctrl-C stops everything)")
    print(seed.stdout.rstrip())
    print(flush=True)
    return supervise(web, others, env, on_restart=lambda name: release_dead_locks(env, name))


def web_options(env: dict, port: str) -> list[str]:
    """gunicorn's options: loopback unless HOST says otherwise, a request timeout, and no
    control socket (gunicorn's default path is shared by every instance on the machine)."""
    return [
        "--bind",
        f"{env.get('HOST') or '127.0.0.1'}:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "60",
        "--no-control-socket",
    ]


def release_dead_locks(env: dict, name: str) -> None:
    """Before a worker restarts: forget RQ workers of this host whose process is gone, and
    free the scheduler locks they held, so the new worker's scheduler takes over now."""
    if name not in ("worker", "media"):
        return
    from redis import Redis
    from rq import Worker
    from rq.scheduler import RQScheduler

    conn = Redis.from_url(env["REDIS_URL"])
    prefix = env.get("RQ_QUEUE_PREFIX", "copa")
    host = socket.gethostname()
    dead = set()
    for worker in Worker.all(connection=conn):
        if worker.hostname == host and worker.pid and not _alive(worker.pid):
            dead.add(worker.name)
            worker.register_death()
    for queue in ("mail", "default", "media"):
        key = RQScheduler.get_locking_key(f"{prefix}-{queue}")
        holder = conn.get(key)
        if holder is not None and holder.decode() in dead:
            conn.delete(key)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


BACKOFF_FIRST, BACKOFF_CAP, HEALTHY_AFTER = 1.0, 30.0, 60.0


def supervise(web: list[str], others: dict[str, list[str]], env: dict, on_restart=None) -> int:
    """Run the web and the other children; restart a dead child (1 s, 2 s, 4 s… capped at
    30 s, reset once it has run a minute) and keep the web up. Only the web dying, or
    Ctrl-C/SIGTERM, stops everything."""
    spawn = dict(env=env, cwd=ROOT, start_new_session=True, preexec_fn=die_with_supervisor)
    web_proc = subprocess.Popen(web, **spawn)
    children.append(web_proc)
    procs = {}
    state = {name: {"delay": BACKOFF_FIRST, "started": 0.0, "due": None} for name in others}
    for name, cmd in others.items():
        procs[name] = subprocess.Popen(cmd, **spawn)
        children.append(procs[name])
        state[name]["started"] = time.monotonic()
    try:
        while web_proc.poll() is None:
            now = time.monotonic()
            for name, proc in procs.items():
                st = state[name]
                if st["due"] is None and proc.poll() is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)  # its scheduler child too
                    if now - st["started"] > HEALTHY_AFTER:
                        st["delay"] = BACKOFF_FIRST
                    st["due"] = now + st["delay"]
                    say(f"{name} stopped (exit {proc.returncode}); restart in {st['delay']:g} s")
                    st["delay"] = min(st["delay"] * 2, BACKOFF_CAP)
                elif st["due"] is not None and now >= st["due"]:
                    if on_restart is not None:
                        try:
                            on_restart(name)
                        except Exception as exc:  # a cleanup failure must not stop the web
                            say(f"cleanup before restarting {name} failed: {exc}")
                    children.remove(proc)
                    procs[name] = subprocess.Popen(others[name], **spawn)
                    children.append(procs[name])
                    st["due"], st["started"] = None, now
                    say(f"{name} restarted (pid {procs[name].pid})")
            time.sleep(0.2)
        say(f"the web stopped (exit {web_proc.returncode}); stopping all")
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
    signal.signal(signal.SIGHUP, _terminate)
    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    if mode == "run":
        return run()
    if mode == "test":
        return test(sys.argv[2:])
    raise SystemExit(f"usage: {sys.argv[0]} run|test [pytest args]")


if __name__ == "__main__":
    sys.exit(main())
