"""Recording jobs: process one recording (ids in, safe to run twice), and the stall watchdog.

A processing job keeps a heartbeat key in Redis fresh from a side thread. A worker killed
with SIGKILL stops beating; ``requeue_stalled_recordings`` (periodic) then enqueues the
recording again. Whatever the killed job had not renamed into place is in its temp folder,
which the next job clears; what it had published is complete and is reused.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import threading
import time
from datetime import timedelta

from rq import Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

from recordings import lifecycle
from recordings.lifecycle import RecordingStatus
from workers.jobs import job, job_alive

log = logging.getLogger(__name__)

# A recording's processing may take this many seconds per second of media, plus a margin.
TIMEOUT_PER_SECOND = 3
TIMEOUT_MARGIN = 600
FAILURE_TTL = 30 * 24 * 3600
RETRY = (2, [60, 300])


def job_timeout(duration: float | None) -> int:
    if not duration:
        return 4 * 3600
    return int(TIMEOUT_MARGIN + TIMEOUT_PER_SECOND * duration)


def processing_timeout(recording_id: int) -> int:
    """The processing job's timeout, from the recording's length (probed before queueing)."""
    from recordings.models import Recording
    from training.extensions import db

    recording = db.session.get(Recording, recording_id)
    return job_timeout(recording.duration_seconds if recording is not None else None)


def heartbeat_key(recording_id: int) -> str:
    from workers.queues import queue_name

    return f"{queue_name('media')}:recording-heartbeat:{recording_id}"


class Heartbeat:
    """Refresh ``key`` every ``every`` seconds (TTL 2×) until stopped."""

    def __init__(self, redis, key: str, value: str, every: int):
        self.redis, self.key, self.value, self.every = redis, key, value, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="heartbeat")

    def _beat(self) -> None:
        self.redis.set(self.key, self.value, ex=max(2, 2 * self.every))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self._beat()
            except Exception:  # Redis briefly away: the watchdog tolerates one missed beat
                log.warning("heartbeat for %s failed", self.key, exc_info=True)

    def __enter__(self):
        self._beat()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.redis.delete(self.key)


class _Mirror:
    """Progress into job.meta and the row, at most every second (and on each whole %)."""

    def __init__(self, recording, job):
        self.recording, self.job = recording, job
        self.last_pct, self.last_time = -1, 0.0

    def __call__(self, pct: float) -> None:
        from training.db import utcnow
        from training.extensions import db

        pct = int(min(99, pct))  # 100 only once everything is published
        now = time.monotonic()
        if pct == self.last_pct and now - self.last_time < 30:
            return
        if pct != self.last_pct and now - self.last_time < 1 and pct - self.last_pct < 5:
            return
        self.last_pct, self.last_time = pct, now
        self.recording.progress = max(self.recording.progress, pct)
        self.recording.heartbeat_at = utcnow()
        db.session.commit()
        if self.job is not None:
            self.job.meta["progress"] = self.recording.progress
            self.job.save_meta()


@job(
    queue="media",
    timeout=processing_timeout,
    retry=Retry(max=RETRY[0], interval=RETRY[1]),
    failure_ttl=FAILURE_TTL,
    # the last part names the attempt (random when queued, the time when the watchdog requeues)
    id=lambda recording_id: ("recording", recording_id),
    description=lambda recording_id: f"process recording {recording_id}",
)
def process_recording(recording_id: int) -> str:
    from recordings import operations as ops
    from recordings import storage
    from recordings.media import MediaError, process_media
    from recordings.models import Recording
    from training.extensions import db
    from workers.queues import get_redis

    recording = db.session.get(Recording, recording_id)
    if recording is None:
        return "gone"
    if recording.status == RecordingStatus.UPLOADING:
        return "upload not finished"
    if recording.status == RecordingStatus.READY:
        return "ready"  # a duplicate job: what it would make is published already
    if not lifecycle.can_move(recording, RecordingStatus.PROCESSING):
        return f"nothing to do: {recording.status}"  # a stale job, after a final failure
    job = get_current_job()
    job_id = job.id if job else None
    lifecycle.start_processing(recording, job_id)
    db.session.commit()

    work_root = storage.work_dir(recording_id)
    shutil.rmtree(work_root, ignore_errors=True)  # leftovers of a killed attempt
    mirror = _Mirror(recording, job)

    def published(manifest: dict) -> None:
        ops.apply_manifest(recording, manifest)
        db.session.commit()

    beat = Heartbeat(
        get_redis(),
        heartbeat_key(recording_id),
        job_id or "inline",  # not recording.job_id: reading it would open a transaction
        storage.heartbeat_seconds(),
    )
    try:
        with beat:
            manifest = process_media(
                storage.source_path(recording_id),
                storage.published_dir(recording_id),
                work_root=work_root,
                settings=storage.media_settings(),
                progress=mirror,
                on_publish=published,
            )
    except MediaError as exc:
        db.session.rollback()
        recording = db.session.get(Recording, recording_id)
        if exc.code in ops.PERMANENT_ERRORS:
            ops.mark_failed(recording, exc.code, exc.detail)
            db.session.commit()
            return f"failed: {exc.code}"
        retries_left = bool(job and job.retries_left)
        if retries_left:
            lifecycle.back_to_queue(recording, exc.detail)
        else:
            ops.mark_failed(recording, exc.code, exc.detail)
        db.session.commit()
        raise
    except Exception as exc:  # recorded on the row, then re-raised for RQ (retry / failed)
        db.session.rollback()
        recording = db.session.get(Recording, recording_id)
        if job and job.retries_left:
            lifecycle.back_to_queue(recording)
        else:
            ops.mark_failed(recording, "transcode_failed", repr(exc))
        db.session.commit()
        raise
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    ops.apply_manifest(recording, manifest)
    ops.mark_ready(recording)
    db.session.commit()
    if job is not None:
        job.meta["progress"] = 100
        job.save_meta()
    return "ready"


@job(queue="media", timeout=300, every=60)
def requeue_stalled_recordings() -> list[int]:
    """Enqueue again the recordings whose job died: no heartbeat while processing, or queued
    with no live job (enqueue lost, retries exhausted by crashes). Returns their ids."""
    from recordings import operations as ops
    from recordings import storage
    from recordings.models import Recording
    from training.db import utcnow
    from training.extensions import db
    from workers.queues import get_redis

    redis = get_redis()
    grace = timedelta(seconds=2 * storage.heartbeat_seconds())
    now = utcnow()
    requeued = []
    stale = db.session.scalars(
        db.select(Recording).where(
            Recording.status.in_((RecordingStatus.QUEUED, RecordingStatus.PROCESSING))
        )
    ).all()
    for recording in stale:
        if recording.status == RecordingStatus.PROCESSING:
            if redis.exists(heartbeat_key(recording.id)):
                continue
            if recording.heartbeat_at and now - recording.heartbeat_at < grace:
                continue
        else:
            if now - recording.updated_at < grace or job_alive(recording.job_id, "media"):
                continue
        if recording.status == RecordingStatus.PROCESSING and job_alive(recording.job_id, "media"):
            # RQ still thinks it runs, but nothing beats: the worker is gone. Forget that job.
            with contextlib.suppress(NoSuchJobError):
                Job.fetch(recording.job_id, connection=redis).delete()
        if recording.attempts >= ops.MAX_ATTEMPTS:
            ops.mark_failed(recording, "transcode_failed", "gave up after repeated crashes")
            continue
        log.warning(
            "recording %s stalled (%s); enqueueing it again", recording.id, recording.status
        )
        lifecycle.back_to_queue(recording)
        recording.job_id = process_recording.later(recording.id, suffix=int(time.time()))
        requeued.append(recording.id)
    db.session.commit()
    return requeued
