"""Run ffmpeg processes side by side and turn their ``-progress`` output into 0-100."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from recordings.media.errors import TRANSCODE_FAILED, MediaError


@dataclass
class Task:
    name: str
    args: list[str]
    weight: float = 1.0
    nice: int = 0


ProgressCallback = Callable[[float], None]


def _read_progress(stream, state: dict, name: str) -> None:
    for line in stream:
        key, _, value = line.strip().partition("=")
        if key == "out_time_us" and value.lstrip("-").isdigit():
            state[name] = max(state.get(name, 0.0), int(value) / 1_000_000)
        elif key == "progress" and value == "end":
            state[name] = float("inf")


def _tail(path: str, limit: int = 2000) -> str:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - limit))
        return fh.read().decode("utf-8", "replace").strip()


def run_tasks(
    tasks: list[Task],
    duration: float,
    *,
    progress: ProgressCallback | None = None,
    on_done: Callable[[Task], None] | None = None,
    tick_seconds: float = 5.0,
) -> None:
    """Start every task at once; report weighted progress; call ``on_done`` as each finishes.

    ``progress`` is called whenever the whole number changes and at least every
    ``tick_seconds`` (callers use it as a heartbeat). A failing task stops the others and
    raises MediaError(transcode_failed) with the end of its log.
    """
    total_weight = sum(t.weight for t in tasks) or 1.0
    state: dict[str, float] = {}
    running: dict[str, tuple[Task, subprocess.Popen, str, threading.Thread]] = {}
    try:
        for task in tasks:
            fd, log = tempfile.mkstemp(prefix="ffmpeg-", suffix=".log")
            with os.fdopen(fd, "wb") as err:
                proc = subprocess.Popen(
                    task.args,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    stdin=subprocess.DEVNULL,
                    text=True,
                )
            if task.nice:
                with contextlib.suppress(OSError):  # the process may already be done
                    os.setpriority(os.PRIO_PROCESS, proc.pid, task.nice)
            reader = threading.Thread(
                target=_read_progress, args=(proc.stdout, state, task.name), daemon=True
            )
            reader.start()
            running[task.name] = (task, proc, log, reader)
        last_pct, last_call = -1, 0.0
        while running:
            for name, (task, proc, log, reader) in list(running.items()):
                if proc.poll() is None:
                    continue
                reader.join()
                proc.stdout.close()
                if proc.returncode != 0:
                    raise MediaError(
                        TRANSCODE_FAILED, f"{name} exited {proc.returncode}: {_tail(log)}"
                    )
                os.unlink(log)
                del running[name]
                state[name] = float("inf")
                if on_done:
                    on_done(task)
            done = sum(
                t.weight * min(1.0, state.get(t.name, 0.0) / duration) if duration else 0
                for t in tasks
            )
            pct = int(100 * done / total_weight)
            now = time.monotonic()
            if progress and (pct != last_pct or now - last_call >= tick_seconds):
                progress(min(100.0, float(pct)))
                last_pct, last_call = pct, now
            if running:
                time.sleep(0.2)
    finally:
        for _task, proc, log, _reader in running.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
            if os.path.exists(log):
                os.unlink(log)
