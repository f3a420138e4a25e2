import hashlib
from datetime import UTC, datetime

import pytest
from googleapiclient.errors import HttpError

from tests.google.googlemock import brief, calls, error, media, ok
from training.google.recordings_import import (
    FOUND,
    NOT_FOUND,
    PENDING,
    DownloadError,
    RecordingFile,
    RecordingFinder,
    download,
    meeting_code,
)

MEET = "https://meet.google.com/abc-defg-hij"
START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
END = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
RECORDS = "/v2/conferenceRecords"
DATA = bytes(range(256)) * 4 + b"tail"  # 1028 bytes


def rec(name, state="FILE_GENERATED", file=None, start="14:00", end="15:00"):
    out = {
        "name": name,
        "state": state,
        "startTime": f"2026-03-10T{start}:00Z",
        "endTime": f"2026-03-10T{end}:00Z",
    }
    if file:
        out["driveDestination"] = {
            "file": file,
            "exportUri": f"https://drive.google.com/file/d/{file}/view",
        }
    return out


def meta(file_id="f-long", name="Lean onboarding - Recording", size=len(DATA), md5=None):
    return {
        "id": file_id,
        "name": name,
        "mimeType": "video/mp4",
        "size": str(size),
        "md5Checksum": md5 or hashlib.md5(DATA).hexdigest(),
    }


def find(client):
    return RecordingFinder(client, page_size=2).find(
        meet_url=MEET, title="Lean onboarding", starts_at=START, ends_at=END
    )


def test_meeting_code_comes_from_the_meet_link():
    assert meeting_code(MEET + "?authuser=0") == "abc-defg-hij"
    assert meeting_code("https://zoom.us/j/1") is None


def test_meet_api_pages_through_records_and_recordings(google):
    client, http = google(
        [
            ok({"conferenceRecords": [{"name": "conferenceRecords/r1"}], "nextPageToken": "p2"}),
            ok(
                {
                    "recordings": [
                        rec("conferenceRecords/r1/recordings/a", file="f-short", end="14:10")
                    ]
                }
            ),
            ok({"conferenceRecords": [{"name": "conferenceRecords/r2"}]}),
            ok(
                {
                    "recordings": [
                        rec("conferenceRecords/r2/recordings/b", file="f-long", end="15:20")
                    ],
                    "nextPageToken": "q2",
                }
            ),
            ok({"recordings": [rec("conferenceRecords/r2/recordings/c", state="STARTED")]}),
            ok(meta()),
        ]
    )
    lookup = find(client)

    assert brief(http) == [
        ("GET", RECORDS),
        ("GET", f"{RECORDS}/r1/recordings"),
        ("GET", RECORDS),
        ("GET", f"{RECORDS}/r2/recordings"),
        ("GET", f"{RECORDS}/r2/recordings"),
        ("GET", "/drive/v3/files/f-long"),
    ]
    first, _, second, _, fourth, last = calls(http)
    assert first.host == "meet.googleapis.com"
    assert first.query == {
        "filter": 'space.meeting_code = "abc-defg-hij" AND start_time>="2026-03-10T13:00:00.000Z"'
        ' AND start_time<="2026-03-10T15:30:00.000Z"',
        "pageSize": "2",
    }
    assert second.query["pageToken"] == "p2" and second.query["filter"] == first.query["filter"]
    assert fourth.query["pageToken"] == "q2"
    assert last.query["fields"] == "id,name,mimeType,size,md5Checksum,createdTime"
    assert lookup.status == FOUND
    assert lookup.file == RecordingFile(
        "f-long",
        "Lean onboarding - Recording",
        "video/mp4",
        len(DATA),
        hashlib.md5(DATA).hexdigest(),
        "meet",
    )


def test_recording_not_generated_yet_is_pending(google):
    client, http = google(
        [
            ok({"conferenceRecords": [{"name": "conferenceRecords/r1"}]}),
            ok({"recordings": [rec("conferenceRecords/r1/recordings/a", state="ENDED")]}),
        ]
    )
    assert find(client).status == PENDING
    assert len(calls(http)) == 2  # no Drive search while Meet says it is coming


def test_drive_fallback_searches_the_meet_recordings_folder(google):
    client, http = google(
        [
            error(403, "accessNotConfigured", "Meet API has not been used"),
            ok({"files": [{"id": "folder1"}]}),
            ok(
                {
                    "files": [meta("other", "Competitor sync (2026-03-10) - Recording")],
                    "nextPageToken": "n2",
                }
            ),
            ok({"files": [meta("f-abc", "abc-defg-hij (2026-03-10 10:02 GMT-4) - Recording")]}),
        ]
    )
    lookup = find(client)

    assert brief(http) == [("GET", RECORDS)] + [("GET", "/drive/v3/files")] * 3
    folder_q = calls(http)[1].query["q"]
    assert folder_q == (
        "name = 'Meet Recordings' and mimeType = 'application/vnd.google-apps.folder'"
        " and 'me' in owners and trashed = false"
    )
    files_q = calls(http)[2].query
    assert files_q["q"] == (
        "'folder1' in parents and trashed = false and mimeType contains 'video/'"
        " and createdTime >= '2026-03-10T13:00:00.000Z'"
        " and createdTime <= '2026-03-11T03:30:00.000Z'"
    )
    assert files_q["orderBy"] == "createdTime"
    assert calls(http)[3].query["pageToken"] == "n2"
    assert (
        lookup.status == FOUND and lookup.file.file_id == "f-abc" and lookup.file.source == "drive"
    )


def test_unrelated_videos_in_the_folder_are_never_taken(google):
    client, http = google(
        [
            ok({"conferenceRecords": []}),
            ok({"files": [{"id": "folder1"}]}),
            ok({"files": [meta("other", "Another program's meeting - Recording")]}),
        ]
    )
    assert find(client).status == NOT_FOUND


def test_download_streams_in_chunks_and_checks_md5(google, tmp_path):
    client, http = google(
        [media(DATA[i : i + 400], i, len(DATA)) for i in range(0, len(DATA), 400)]
    )
    seen = []
    path = download(
        client,
        RecordingFile("f1", size=len(DATA), md5=hashlib.md5(DATA).hexdigest()),
        tmp_path / "r.mp4",
        chunksize=400,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert path.read_bytes() == DATA and not (tmp_path / "r.mp4.part").exists()
    assert [c.headers["range"] for c in calls(http)] == [
        "bytes=0-399",
        "bytes=400-799",
        "bytes=800-1199",
    ]
    assert calls(http)[0].path == "/drive/v3/files/f1" and calls(http)[0].query["alt"] == "media"
    assert seen == [(400, 1028), (800, 1028), (1028, 1028)]


def test_interrupted_download_resumes_from_bytes_on_disk(google, tmp_path):
    file = RecordingFile("f1", size=len(DATA), md5=hashlib.md5(DATA).hexdigest())
    client, _ = google([media(DATA[:400], 0, len(DATA)), error(500, "backendError")], num_retries=0)
    with pytest.raises(HttpError):
        download(client, file, tmp_path / "r.mp4", chunksize=400)
    assert (tmp_path / "r.mp4.part").read_bytes() == DATA[:400]

    client, http = google([media(DATA[400:800], 400, len(DATA)), media(DATA[800:], 800, len(DATA))])
    download(client, file, tmp_path / "r.mp4", chunksize=400)
    assert [c.headers["range"] for c in calls(http)] == ["bytes=400-799", "bytes=800-1199"]
    assert (tmp_path / "r.mp4").read_bytes() == DATA


def test_download_retries_server_errors_with_backoff(google, tmp_path, sleeps):
    client, http = google([error(503, "backendError"), media(DATA, 0, len(DATA))], num_retries=2)
    download(client, RecordingFile("f1", size=len(DATA)), tmp_path / "r.mp4", chunksize=4096)
    assert len(calls(http)) == 2 and len(sleeps) == 1
    assert (tmp_path / "r.mp4").read_bytes() == DATA


def test_corrupt_download_is_discarded(google, tmp_path):
    client, _ = google([media(DATA, 0, len(DATA))])
    with pytest.raises(DownloadError):
        download(client, RecordingFile("f1", size=len(DATA), md5="0" * 32), tmp_path / "r.mp4")
    assert not (tmp_path / "r.mp4.part").exists() and not (tmp_path / "r.mp4").exists()
