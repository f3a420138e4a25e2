"""The processing job under a real forked RQ worker, killed with SIGKILL mid-job."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from recordings import storage
from recordings.jobs import process_recording, requeue_stalled_recordings
from recordings.models import Recording
from tests.processes import process_env
from tests.recordings import media_factory as mf
from tests.recordings.test_recordings_api import upload_raw
from workers.queues import queue_name


def _published_is_consistent(folder: str) -> dict:
    """Every published folder is complete, and the master lists only published ones."""
    with open(os.path.join(folder, "manifest.json")) as fh:
        manifest = json.load(fh)
    listed = {r["dir"] for r in manifest["renditions"]}
    dirs = {e for e in os.listdir(folder) if os.path.isdir(os.path.join(folder, e))}
    # a folder appears by one rename once complete; the manifest may not list it yet
    assert listed <= dirs
    for d in dirs:
        with open(os.path.join(folder, d, "index.m3u8")) as fh:
            assert fh.read().rstrip().endswith("#EXT-X-ENDLIST")
    if manifest["hls"]:
        with open(os.path.join(folder, "master.m3u8")) as fh:
            master = fh.read()
        assert {
            line.split("/")[0]
            for line in master.splitlines()
            if "index.m3u8" in line and not line.startswith("#")
        } | {part.split('"')[1].split("/")[0] for part in master.split("URI=")[1:]} <= listed
    return manifest


def _kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every descendant (RQ's work-horse starts its own session)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    todo, tree = [pid], []
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    for p in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


def _wait(predicate, timeout=60.0, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_sigkilled_worker_leaves_nothing_half_published_and_recovers(
    rec, app, db, client, auth_headers, run_jobs, tmp_path
):
    app.config["COPA_RECORDINGS_HEARTBEAT_SECONDS"] = 1
    src = mf.moving(str(tmp_path / "long.avi"), seconds=10, size="1280x720")
    rid = upload_raw(client, auth_headers(rec.facilitator), rec.session.id, src).json["id"]
    assert requeue_stalled_recordings() == []  # queued with a live job: left alone

    env = process_env(app, app.instance_path)
    env.update(COPA_RECORDINGS_PRESET="ultrafast", COPA_RECORDINGS_HEARTBEAT_SECONDS="1")
    rq = os.path.join(os.path.dirname(sys.executable), "rq")
    worker = subprocess.Popen(
        [rq, "worker", "--url", app.config["REDIS_URL"], "--burst", "--quiet",
         queue_name("media")],
        env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def partly_published():
        db.session.commit()
        recording = db.session.get(Recording, rid)
        return recording.status == "processing" and recording.renditions

    try:
        _wait(partly_published)
    finally:
        _kill_tree(worker.pid)  # the worker, its work-horse (own session) and the ffmpegs
        worker.wait()
    db.session.commit()
    recording = db.session.get(Recording, rid)
    assert recording.status == "processing"
    manifest = _published_is_consistent(storage.published_dir(rid))
    assert manifest["status"] == "processing" and manifest["mp4"] is None

    requeued = _wait(requeue_stalled_recordings, timeout=15, every=0.5)
    assert requeued == [rid]
    assert run_jobs() == 1
    db.session.commit()
    recording = db.session.get(Recording, rid)
    assert recording.status == "ready" and recording.progress == 100
    assert recording.attempts == 2
    manifest = _published_is_consistent(storage.published_dir(rid))
    assert manifest["status"] == "ready"
    assert {r["name"] for r in manifest["renditions"]} == {"audio", "v360", "v720"}
    assert not os.path.exists(storage.work_dir(rid)) or not os.listdir(storage.work_dir(rid))


def test_running_the_job_twice_gives_the_same_result(
    rec, app, db, client, auth_headers, run_jobs, media
):
    rid = upload_raw(client, auth_headers(rec.facilitator), rec.session.id, media.moving).json["id"]
    run_jobs()
    folder = storage.published_dir(rid)
    with open(os.path.join(folder, "manifest.json")) as fh:
        first = fh.read()
    files = sorted(os.listdir(folder))
    assert process_recording(rid) == "ready"
    with open(os.path.join(folder, "manifest.json")) as fh:
        assert fh.read() == first
    assert sorted(os.listdir(folder)) == files
    db.session.commit()
    recording = db.session.get(Recording, rid)
    assert recording.status == "ready" and len(recording.renditions) == 2


def test_job_progress_is_mirrored_to_job_meta(
    rec, app, client, auth_headers, run_jobs, media, redis_conn
):
    from rq.job import Job

    rid = upload_raw(client, auth_headers(rec.facilitator), rec.session.id, media.slides).json["id"]
    from training.extensions import db

    job_id = db.session.get(Recording, rid).job_id
    run_jobs()
    job = Job.fetch(job_id, connection=redis_conn)
    assert job.meta["progress"] == 100
    assert job.timeout >= 600 and job.failure_ttl == 30 * 24 * 3600
    assert job.retries_left == 2


def test_watchdog_gives_up_on_a_recording_that_keeps_crashing(
    rec, db, app, client, auth_headers, media
):
    from datetime import timedelta

    from training.db import utcnow

    rid = upload_raw(client, auth_headers(rec.facilitator), rec.session.id, media.moving).json["id"]
    recording = db.session.get(Recording, rid)
    recording.status, recording.attempts = "processing", 5
    recording.job_id = "gone-job"
    recording.heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert requeue_stalled_recordings() == []
    db.session.commit()
    recording = db.session.get(Recording, rid)
    assert recording.status == "failed" and recording.error_code == "transcode_failed"
    body = client.get(f"/api/v1/recordings/{rid}", headers=auth_headers(rec.facilitator)).json
    assert body["error"] == "The recording could not be converted. We will look into it."
