"""The demo Copa behind `make screenshots` and `bench/pages.py`: a fresh SQLite database seeded
with the demo program (40 participants, sessions, coaching), served by the gunicorn of
`make run`, and the list of pages each role sees."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from supervise import VENV_BIN, ensure_redis, web_options  # noqa: E402

PASSWORD = "copa-demo-2026"  # training.seed.DEMO_PASSWORD
ROLES = {
    "participant": "participant01@copa.example",
    "facilitator": "animatrice@copa.example",
    "expert": "expert@copa.example",
    "admin": "admin@copa.example",
}


@dataclass
class Demo:
    url: str
    pid: int = 1
    session_id: int | None = None
    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url + "/healthz", timeout=2)
            return
        time.sleep(0.2)
    raise RuntimeError(f"the demo server did not answer at {url}")


def pages_for(role: str, pid: int, sid: int | None) -> list[tuple[str, str]]:
    """(name, path) of the pages a role visits, in the order of a first visit."""
    program = [
        ("home", "/"),
        ("overview", f"/programs/{pid}"),
        ("sessions", f"/programs/{pid}/sessions"),
        ("coaching", f"/programs/{pid}/coaching"),
        ("recordings", f"/programs/{pid}/recordings"),
        ("members", f"/programs/{pid}/members"),
        ("calendar", "/me/calendar"),
        ("preferences", "/preferences"),
    ]
    if sid:
        program.insert(3, ("session", f"/sessions/{sid}"))
    program[program.index(("members", f"/programs/{pid}/members")) : 0] = [
        ("forum", f"/programs/{pid}/forum"),
        ("forum-new", f"/programs/{pid}/forum/new"),
        ("notifications", "/forum/notifications"),
    ]
    if role == "participant":
        program.append(("book", f"/programs/{pid}/coaching/book"))
    if role in ("expert", "facilitator"):
        program.append(("forum-questions", f"/programs/{pid}/forum/questions"))
    if role == "expert":
        program.append(("availability", f"/programs/{pid}/coaching/availability/week"))
    if role == "facilitator":
        program.append(("new-session", f"/programs/{pid}/sessions/new"))
        program.append(("forum-participation", f"/programs/{pid}/forum/participation"))
        program.append(("forum-flags", f"/programs/{pid}/forum/flags"))
    if role == "admin":
        return [("home", "/"), ("outbox", "/admin/outbox/"), ("google", f"/programs/{pid}/google")]
    return program


@contextlib.contextmanager
def demo_server():
    """Yield a Demo served by gunicorn on a free loopback port; everything is removed after."""
    with tempfile.TemporaryDirectory(prefix="copa-tour-") as tmp:
        env = dict(os.environ)
        ensure_redis(env)
        port = str(_free_port())
        env.update(
            DATABASE_URL=f"sqlite:///{tmp}/tour.db",
            MEDIA_ROOT=f"{tmp}/media",
            BASE_URL=f"http://127.0.0.1:{port}",
            SECRET_KEY="tour-" + port,
            SMTP_URL="",
            RQ_QUEUE_PREFIX=f"copatour-{port}",
        )
        flask = [str(VENV_BIN / "flask"), "--app", "training"]
        for args in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(flask + args, env=env, cwd=ROOT, check=True, capture_output=True)
        web = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), *web_options(env, port), "training:create_app()"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            demo = Demo(url=env["BASE_URL"])
            _wait(demo.url)
            yield demo
        finally:
            web.terminate()
            web.wait(timeout=30)


def first_session_id(html: str) -> int | None:
    found = re.search(r'href="/sessions/(\d+)"', html)
    return int(found.group(1)) if found else None
