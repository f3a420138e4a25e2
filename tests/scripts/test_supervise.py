"""scripts/supervise.py with real processes: a dead worker is restarted, the web stays up."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.processes import wait_until

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "supervise.py"


def _supervise_module():
    spec = importlib.util.spec_from_file_location("copa_supervise", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pids(path: Path) -> list[int]:
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def test_web_binds_loopback_unless_host_says_otherwise_with_a_timeout_and_no_shared_socket():
    supervise = _supervise_module()
    options = supervise.web_options({}, "5000")
    assert options[options.index("--bind") + 1] == "127.0.0.1:5000"
    assert int(options[options.index("--timeout") + 1]) > 0
    assert "--no-control-socket" in options
    public = supervise.web_options({"HOST": "0.0.0.0"}, "8000")
    assert public[public.index("--bind") + 1] == "0.0.0.0:8000"


def test_a_killed_worker_is_restarted_and_the_web_keeps_answering(tmp_path):
    port = free_port()
    pid_file = tmp_path / "worker.pids"
    worker = (
        "import os, time; "
        f"open({str(pid_file)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(600)"
    )
    driver = textwrap.dedent(
        f"""
        import importlib.util, signal, sys
        spec = importlib.util.spec_from_file_location("s", {str(SCRIPT)!r})
        s = importlib.util.module_from_spec(spec); spec.loader.exec_module(s)
        signal.signal(signal.SIGTERM, s._terminate)
        web = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "{port}"]
        sys.exit(s.supervise(web, {{"worker": [sys.executable, "-c", {worker!r}]}}, {{}}))
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", driver], cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    try:
        assert wait_until(lambda: _answers(port) and len(_pids(pid_file)) == 1)
        (first,) = _pids(pid_file)
        os.kill(first, signal.SIGKILL)
        assert wait_until(lambda: len(_pids(pid_file)) == 2), "the worker was not restarted"
        assert _answers(port)
        assert proc.poll() is None
        second = _pids(pid_file)[1]
        os.kill(second, signal.SIGKILL)  # the second restart waits longer (backoff)
        time.sleep(1.2)
        assert len(_pids(pid_file)) == 2
        assert wait_until(lambda: len(_pids(pid_file)) == 3, timeout=5)
        assert _answers(port)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert "restarted" in out
    assert not _answers(port)


def test_release_dead_locks_frees_the_scheduler_lock_of_a_dead_worker(redis_conn):
    import socket
    import uuid

    from rq import Worker
    from rq.scheduler import RQScheduler

    supervise = _supervise_module()
    prefix = f"copatest-{uuid.uuid4().hex[:8]}"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    worker = Worker([f"{prefix}-mail"], connection=redis_conn, name=f"dead-{uuid.uuid4().hex}")
    worker.register_birth()
    redis_conn.hset(worker.key, mapping={"pid": dead.pid, "hostname": socket.gethostname()})
    live_key = RQScheduler.get_locking_key(f"{prefix}-default")
    dead_key = RQScheduler.get_locking_key(f"{prefix}-mail")
    redis_conn.set(dead_key, worker.name)
    redis_conn.set(live_key, "someone-alive-elsewhere")
    try:
        url = redis_conn.connection_pool.connection_kwargs
        env = {
            "REDIS_URL": f"redis://{url['host']}:{url['port']}/{url.get('db', 0)}",
            "RQ_QUEUE_PREFIX": prefix,
        }
        supervise.release_dead_locks(env, "worker")
        assert redis_conn.get(dead_key) is None
        assert redis_conn.get(live_key) == b"someone-alive-elsewhere"
        assert worker.name not in {w.name for w in Worker.all(connection=redis_conn)}
    finally:
        redis_conn.delete(live_key, dead_key)
        worker.register_death()


def _marked(marker: str) -> set[int]:
    """Live processes started with this marker in their environment."""
    found = set()
    needle = f"COPA_SUPERVISE_MARK={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP], ids=["SIGKILL", "SIGHUP"])
def test_nothing_outlives_the_supervisor(tmp_path, redis_conn, sig):
    """`make run` for real (gunicorn, both workers with their schedulers, rq cron): when the
    supervisor is killed, or told to hang up, no process of it is left after 20 s."""
    import uuid

    port = free_port()
    marker = uuid.uuid4().hex
    url = redis_conn.connection_pool.connection_kwargs
    env = {
        **os.environ,
        "COPA_SUPERVISE_MARK": marker,
        "COPA_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'copa.db'}",
        "REDIS_URL": f"redis://{url['host']}:{url['port']}/{url.get('db', 0)}",
        "RQ_QUEUE_PREFIX": f"copatest-{marker[:8]}",
        "PORT": str(port),
    }
    env.pop("SMTP_URL", None)
    log = (tmp_path / "supervise.log").open("w")
    proc = subprocess.Popen([sys.executable, str(SCRIPT), "run"], env=env, stdout=log, stderr=log)
    try:
        assert wait_until(lambda: _answers(port) and len(_marked(marker) - {proc.pid}) >= 6, 90), (
            tmp_path / "supervise.log"
        ).read_text()
        os.kill(proc.pid, sig)
        if sig == signal.SIGHUP:
            proc.wait(timeout=20)
        gone = wait_until(lambda: not (_marked(marker) - {proc.pid}), timeout=20)
        assert gone, f"still running: {_marked(marker)}"
        assert not _answers(port)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for pid in _marked(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        log.close()
