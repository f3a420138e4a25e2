"""The recording state machine: each move the pipeline makes is allowed, the others refused."""

from types import SimpleNamespace

import pytest

from recordings import lifecycle
from recordings.lifecycle import IllegalTransition
from recordings.lifecycle import RecordingStatus as S


def _recording(status):
    fields = dict(attempts=0, job_id=None, heartbeat_at=None, progress=0, ready_at=None)
    return SimpleNamespace(id=7, status=status, error_code=None, error_detail=None, **fields)


def test_the_happy_path_and_a_retry():
    r = _recording(S.UPLOADING)
    lifecycle.move(r, S.QUEUED)
    lifecycle.start_processing(r, "job-1")
    assert (r.status, r.attempts, r.job_id) == (S.PROCESSING, 1, "job-1")
    lifecycle.back_to_queue(r, "ffmpeg exited with 1")
    assert r.status == S.QUEUED and r.error_detail == "ffmpeg exited with 1"
    lifecycle.start_processing(r, "job-2")
    lifecycle.finish(r)
    assert (r.status, r.progress, r.error_code) == (S.READY, 100, None) and r.ready_at


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.UPLOADING, S.PROCESSING),  # not before the upload is complete
        (S.UPLOADING, S.READY),
        (S.QUEUED, S.READY),  # only processing publishes
        (S.READY, S.PROCESSING),  # a stale job on a published recording
        (S.READY, S.FAILED),
        (S.FAILED, S.PROCESSING),  # a failed one is queued again first
        (S.FAILED, S.READY),
    ],
)
def test_moves_the_table_does_not_allow_are_refused(start, to):
    r = _recording(start)
    with pytest.raises(IllegalTransition):
        lifecycle.move(r, to)
    assert r.status == start


def test_statuses_match_the_database_constraint():
    from recordings.models import STATUSES, Recording

    checks = [str(c.sqltext) for c in Recording.__table__.constraints if hasattr(c, "sqltext")]
    (check,) = [c for c in checks if "status IN" in c]
    assert sorted(STATUSES) == sorted(v.value for v in S)
    assert all(f"'{v.value}'" in check for v in S)
