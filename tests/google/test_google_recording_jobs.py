"""After a session ends: find its Meet recording, download it in chunks (resumably) and hand it
to the recording pipeline like an upload; or give up with "no recording found"."""

import hashlib
import subprocess
from datetime import timedelta

import pytest

from tests.google.googlemock import calls, error, media, ok
from training.db import utcnow
from training.google.models import GoogleRecordingImport

MEET = "https://meet.google.com/rec-abcd-efg"
CHUNK = 8 * 1024


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """A real 2-second MP4, made by ffmpeg at test time."""
    path = tmp_path_factory.mktemp("meet") / "meet.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=15",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440",
            "-t",
            "2",
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


@pytest.fixture
def ended(app, db, make_program, make_member, connected):
    """``ended(**conn_kw)`` -> session id of a session that ended an hour ago, synced to
    Google with a Meet link; the program has a Google connection."""
    from training.google.models import GoogleEventLink
    from training.sessions.models import TrainingSession

    def make(**conn_kw):
        program = make_program(title="Lean CoPA")
        make_member(program, "facilitator", email="fay@example.org")
        connected(program, **conn_kw)
        end = utcnow().replace(microsecond=0) - timedelta(hours=1)
        session = TrainingSession(
            program_id=program.id,
            title="Kaizen basics",
            description="",
            starts_at=end - timedelta(minutes=90),
            ends_at=end,
            join_url=MEET,
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(
            GoogleEventLink(
                program_id=program.id,
                object_kind="session",
                object_id=session.id,
                event_id="copa0000",
                etag='"1"',
                meet_url=MEET,
            )
        )
        db.session.commit()
        return session.id

    app.config["GOOGLE_DOWNLOAD_CHUNK_BYTES"] = CHUNK
    return make


def meet_found(file_id="drv1"):
    return [
        ok({"conferenceRecords": [{"name": "conferenceRecords/c1"}]}),
        ok(
            {
                "recordings": [
                    {
                        "name": "conferenceRecords/c1/recordings/r1",
                        "state": "FILE_GENERATED",
                        "driveDestination": {"file": file_id},
                        "startTime": "2026-01-01T10:00:00Z",
                        "endTime": "2026-01-01T11:00:00Z",
                    }
                ]
            }
        ),
    ]


def metadata(data, file_id="drv1"):
    return ok(
        {
            "id": file_id,
            "name": "Kaizen basics (2026-01-01) - Recording",
            "mimeType": "video/mp4",
            "size": str(len(data)),
            "md5Checksum": hashlib.md5(data).hexdigest(),
        }
    )


def chunks(data, start=0):
    return [media(data[i : i + CHUNK], i, len(data)) for i in range(start, len(data), CHUNK)]


def import_row(db, session_id):
    db.session.rollback()
    return db.session.scalar(
        db.select(GoogleRecordingImport).where(GoogleRecordingImport.session_id == session_id)
    )


def test_meet_recording_is_downloaded_and_handed_to_the_pipeline(
    app, db, ended, google_http, video
):
    from recordings import storage
    from recordings.models import Recording
    from training.google.jobs import import_recording
    from workers.queues import get_queue

    session_id = ended()
    google_http.add(*meet_found(), metadata(video), *chunks(video))

    assert import_recording(session_id) == "imported"

    sent = calls(google_http)
    assert sent[0].path == "/v2/conferenceRecords"
    assert 'space.meeting_code = "rec-abcd-efg"' in sent[0].query["filter"]
    downloads = [c for c in sent if c.query.get("alt") == "media"]
    assert len(downloads) == -(-len(video) // CHUNK) > 1
    assert downloads[1].headers["range"] == f"bytes={CHUNK}-{2 * CHUNK - 1}"

    row = import_row(db, session_id)
    assert (row.status, row.source, row.size_bytes) == ("imported", "meet", len(video))
    recording = db.session.get(Recording, row.recording_id)
    assert recording.session_id == session_id and recording.status == "queued"
    assert recording.filename == "Kaizen basics (2026-01-01) - Recording"
    with open(storage.source_path(recording.id), "rb") as fh:
        assert fh.read() == video
    assert recording.job_id in get_queue("media").job_ids
    assert (
        list(
            (
                storage.media_root_path()
                if hasattr(storage, "media_root_path")
                else __import__("pathlib").Path(app.config["MEDIA_ROOT"])
            ).glob("google-imports/*")
        )
        == []
    )

    assert import_recording(session_id) == "imported"  # a second run does nothing
    assert len(calls(google_http)) == len(sent)


def test_interrupted_download_resumes_when_rq_retries(app, db, ended, google_http, video, run_jobs):
    from training.google.jobs import import_recording
    from workers.queues import get_queue

    session_id = ended()
    options = import_recording.options.enqueue_kwargs(session_id)  # its retries
    get_queue("default").enqueue(import_recording, session_id, **options)
    # two chunks arrive, then Google keeps failing (num_retries=2: three tries)
    google_http.add(*meet_found(), metadata(video), *chunks(video)[:2])
    google_http.add(*[error(503, "backendError")] * 3)
    run_jobs()

    row = import_row(db, session_id)
    assert (row.status, row.file_id) == ("downloading", "drv1")  # RQ will try again
    assert "503" in row.last_error

    google_http.add(metadata(video), *chunks(video, start=2 * CHUNK))
    before = len(calls(google_http))
    run_jobs(until=utcnow() + timedelta(minutes=6))  # RQ's first retry is due after 5 min

    resumed = [c for c in calls(google_http)[before:] if c.query.get("alt") == "media"]
    assert resumed[0].headers["range"] == f"bytes={2 * CHUNK}-{3 * CHUNK - 1}"
    assert import_row(db, session_id).status == "imported"


def test_recording_not_there_yet_is_retried_then_reported_missing(
    app, db, ended, google_http, client, login, make_user
):
    from training.google.jobs import import_recording
    from training.google.views import bp  # noqa: F401
    from workers.queues import get_queue

    session_id = ended(recording_max_attempts=2, recording_retry_minutes=15)
    nothing = [
        ok({"conferenceRecords": []}),
        ok({"files": [{"id": "folder1"}]}),
        ok({"files": []}),
    ]
    google_http.add(*nothing)
    assert import_recording(session_id) == "retry"
    row = import_row(db, session_id)
    assert (row.status, row.attempts) == ("waiting", 1)
    assert row.next_attempt_at > utcnow() + timedelta(minutes=14)
    scheduled = get_queue("default").scheduled_job_registry.get_job_ids()
    assert any(job_id.endswith(f"google-import-{session_id}-try1") for job_id in scheduled)

    google_http.add(*nothing)
    assert import_recording(session_id) == "not_found"
    row = import_row(db, session_id)
    assert (row.status, row.attempts) == ("not_found", 2)
    assert row.last_error == "No recording found after 2 attempts."
    assert import_recording(session_id) == "not_found"  # and it stops asking Google
    assert len(calls(google_http)) == 6

    login(client, make_user(is_admin=True))
    html = client.get(f"/programs/{row.program_id}/google").get_data(as_text=True)
    assert 'data-import-status="not_found"' in html and "No recording found" in html


def test_sweep_requeues_lost_imports_only_for_connected_programs(
    app, db, ended, make_program, google_http
):
    from training.google.jobs import sweep
    from training.sessions.models import TrainingSession
    from workers.queues import get_queue

    session_id = ended()
    other = make_program(title="Not on Google")
    end = utcnow() - timedelta(hours=2)
    db.session.add(
        TrainingSession(
            program_id=other.id,
            title="Offline",
            description="",
            starts_at=end - timedelta(hours=1),
            ends_at=end,
        )
    )
    db.session.commit()

    assert sweep() == 1
    jobs = get_queue("default").jobs
    assert [(j.func_name, j.args) for j in jobs] == [
        ("training.google.jobs.import_recording", (session_id,))
    ]
    assert calls(google_http) == []  # sweeping itself never calls Google


def test_look_again_restarts_a_finished_search(
    app, db, ended, google_http, client, login, make_user
):
    from training.google.jobs import import_recording
    from workers.queues import get_queue

    session_id = ended(recording_max_attempts=1)
    google_http.add(ok({"conferenceRecords": []}), ok({"files": []}))
    assert import_recording(session_id) == "not_found"
    program_id = import_row(db, session_id).program_id

    login(client, make_user(is_admin=True))
    resp = client.post(f"/programs/{program_id}/google/imports/{session_id}/retry")
    assert resp.status_code == 302
    row = import_row(db, session_id)
    assert (row.status, row.attempts, row.last_error) == ("waiting", 0, None)
    assert [j.args for j in get_queue("default").jobs] == [(session_id,)]
