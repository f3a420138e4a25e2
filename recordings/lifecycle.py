"""A recording's states and the only ways it moves between them.

    uploading ──▶ queued ──▶ processing ──▶ ready
        │           ▲  ▲          │  │         │
        └──▶ failed ┘  └──────────┘  └─▶ failed │ (retry, sweep)
                ▲                               │
                └───────────────────────────────┘ (reprocess: ready ──▶ queued)

Every change of ``Recording.status`` goes through :func:`move`, which refuses a transition
the table does not allow (a programming error, or a stale job acting on a newer state).
"""

from __future__ import annotations

from enum import StrEnum

from training.db import utcnow


class RecordingStatus(StrEnum):
    UPLOADING = "uploading"
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


S = RecordingStatus
ALLOWED: dict[RecordingStatus, frozenset[RecordingStatus]] = {
    S.UPLOADING: frozenset({S.QUEUED, S.FAILED}),
    S.QUEUED: frozenset({S.QUEUED, S.PROCESSING, S.FAILED}),
    S.PROCESSING: frozenset({S.PROCESSING, S.QUEUED, S.READY, S.FAILED}),
    S.READY: frozenset({S.QUEUED}),  # processed again (new settings, new source)
    S.FAILED: frozenset({S.QUEUED}),  # tried again
}


class IllegalTransition(RuntimeError):
    pass


def can_move(recording, to: RecordingStatus) -> bool:
    return to in ALLOWED[RecordingStatus(recording.status)]


def move(recording, to: RecordingStatus) -> None:
    if not can_move(recording, to):
        raise IllegalTransition(f"recording {recording.id}: {recording.status} → {to}")
    recording.status = to


def start_processing(recording, job_id: str | None) -> None:
    move(recording, S.PROCESSING)
    recording.attempts += 1
    recording.job_id = job_id
    recording.heartbeat_at = utcnow()


def back_to_queue(recording, detail: str | None = None) -> None:
    """Waiting for its job again: an RQ retry, or a sweep that found its worker dead."""
    move(recording, S.QUEUED)
    if detail is not None:
        recording.error_detail = detail[-2000:]


def fail(recording, code: str, detail: str = "") -> None:
    move(recording, S.FAILED)
    recording.error_code = code
    recording.error_detail = detail[-2000:]


def finish(recording) -> None:
    move(recording, S.READY)
    recording.progress = 100
    recording.error_code = recording.error_detail = None
    recording.ready_at = utcnow()
