from urllib.parse import urlsplit

import pytest


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fetch(client, url, **kw):
    """GET and close (file responses hold the file open until closed)."""
    res = client.get(path_of(url), **kw)
    res.get_data()
    res.close()
    return res


def upload_raw(client, headers, sid, path, content_type="video/x-msvideo"):
    with open(path, "rb") as fh:
        data = fh.read()
    return client.post(
        f"/api/v1/sessions/{sid}/recordings",
        data=data,
        headers={**headers, "Content-Type": content_type, "X-Filename": "talk.avi"},
    )


def test_upload_processes_to_a_playable_replay(rec, client, auth_headers, run_jobs, media):
    from training.signals import recording_ready

    ready = []
    recording_ready.connect(lambda sender, **kw: ready.append(kw["recording"].id), weak=False)
    fac = auth_headers(rec.facilitator)
    res = upload_raw(client, fac, rec.session.id, media.slides)
    assert res.status_code == 202, res.json
    rid = res.json["id"]
    assert res.json["status"] == "queued"
    assert res.headers["Location"].endswith(f"/api/v1/recordings/{rid}")

    assert run_jobs() == 1
    member = auth_headers(rec.participant)
    body = client.get(f"/api/v1/recordings/{rid}", headers=member).json
    assert body["status"] == "ready" and body["progress"] == 100 and body["error"] is None
    assert body["session_id"] == rec.session.id
    assert body["duration_seconds"] == pytest.approx(10, abs=0.3)
    assert [c["start_seconds"] for c in body["chapters"]] == [0.0, 2.0, 4.0, 6.0]
    assert body["chapters"][1]["title"] == "Chapter 2"
    assert [(r["width"], r["height"]) for r in body["renditions"] if r["kind"] == "video"] == [
        (320, 180)
    ]
    assert ready == [rid]

    # media: signed URLs work without other credentials, with Range and caching headers
    master = fetch(client, body["hls_url"])
    assert master.status_code == 200
    assert master.mimetype == "application/vnd.apple.mpegurl"
    assert "RESOLUTION=320x180" in master.text
    variant = next(line for line in master.text.splitlines() if line.startswith("v180"))
    playlist_url = body["hls_url"].rsplit("/", 1)[0] + "/" + variant
    playlist = fetch(client, playlist_url).text
    segment = next(line for line in playlist.splitlines() if line.endswith(".m4s"))
    seg = fetch(
        client, playlist_url.rsplit("/", 1)[0] + "/" + segment, headers={"Range": "bytes=0-99"}
    )
    assert seg.status_code == 206 and len(seg.data) == 100
    assert "immutable" in seg.headers["Cache-Control"]
    mp4 = fetch(client, body["mp4_url"])
    assert mp4.status_code == 200 and mp4.mimetype == "video/mp4"
    assert "ETag" in mp4.headers
    assert fetch(client, body["poster_url"]).mimetype == "image/jpeg"
    vtt = fetch(client, body["thumbnails_vtt_url"])
    assert vtt.text.startswith("WEBVTT") and "storyboard-001.jpg#xywh=" in vtt.text


def test_multipart_upload_and_failure_reason(rec, client, auth_headers, run_jobs, media):
    expert = auth_headers(rec.expert)
    with open(media.text_as_mp4, "rb") as fh:
        res = client.post(
            f"/api/v1/sessions/{rec.session.id}/recordings",
            data={"file": (fh, "notes.mp4", "video/mp4")},
            headers=expert,
            content_type="multipart/form-data",
        )
    assert res.status_code == 202, res.json
    run_jobs()
    body = client.get(f"/api/v1/recordings/{res.json['id']}", headers=expert).json
    assert body["status"] == "failed"
    assert body["error_code"] == "not_media"
    assert body["error"] == "This file is not a video or audio recording."
    assert body["hls_url"] is None


def test_only_facilitators_and_experts_upload_and_only_members_see(
    rec, client, auth_headers, run_jobs, media, db
):
    sid = rec.session.id
    assert upload_raw(client, auth_headers(rec.participant), sid, media.moving).status_code == 403
    assert upload_raw(client, auth_headers(rec.outsider), sid, media.moving).status_code == 404
    res = upload_raw(client, auth_headers(rec.facilitator), sid, media.moving)
    run_jobs()
    rid = res.json["id"]
    assert (
        client.get(f"/api/v1/recordings/{rid}", headers=auth_headers(rec.outsider)).status_code
        == 404
    )
    assert client.get(f"/api/v1/recordings/{rid}").status_code == 401
    member_url = client.get(f"/api/v1/recordings/{rid}", headers=auth_headers(rec.participant)).json
    assert fetch(client, member_url["hls_url"]).status_code == 200
    base = path_of(member_url["hls_url"]).rsplit("/", 1)[0]
    # no path traversal, no manifest, no forged or foreign tokens
    for bad in (
        f"../../uploads/{rid}/source",
        "..%2f..%2fuploads",
        "manifest.json",
        "x/../manifest.json",
        "./manifest.json",
        "x/..%2fmanifest.json",
        "v0//../manifest.json",
    ):
        assert fetch(client, f"{base}/{bad}").status_code == 404
    forged = base.rsplit("/", 1)[0] + "/not-a-token"
    assert fetch(client, f"{forged}/master.m3u8").status_code == 404
    # a member who leaves loses access even with a URL issued earlier
    from training.programs.models import Membership

    db.session.execute(db.delete(Membership).where(Membership.user_id == rec.participant.id))
    db.session.commit()
    assert fetch(client, member_url["hls_url"]).status_code == 404


def test_size_limit_has_a_clear_error(rec, app, client, auth_headers, media):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    fac = auth_headers(rec.facilitator)
    res = upload_raw(client, fac, rec.session.id, media.moving)
    assert res.status_code == 413
    assert res.json["error"]["code"] == "too_large"
    assert "1000 bytes" in res.json["error"]["message"]
    tus = client.post(
        f"/api/v1/sessions/{rec.session.id}/recordings",
        headers={**fac, "Tus-Resumable": "1.0.0", "Upload-Length": "5000"},
    )
    assert tus.status_code == 413


def test_tus_upload_resumes_after_a_dropped_connection(rec, client, auth_headers, run_jobs, media):
    fac = auth_headers(rec.facilitator)
    with open(media.moving, "rb") as fh:
        data = fh.read()
    tus = {**fac, "Tus-Resumable": "1.0.0"}
    res = client.post(
        f"/api/v1/sessions/{rec.session.id}/recordings",
        headers={**tus, "Upload-Length": str(len(data)),
                 "Upload-Metadata": "filename dGFsay5hdmk="},
    )  # fmt: skip
    assert res.status_code == 201
    upload = path_of(res.headers["Location"])
    half = len(data) // 2
    patch = {**tus, "Content-Type": "application/offset+octet-stream"}
    # the connection drops: the client announced everything but only half arrives
    from io import BytesIO

    dropped = client.patch(
        upload, input_stream=BytesIO(data[:half]),
        headers={**patch, "Upload-Offset": "0", "Content-Length": str(len(data))},
    )  # fmt: skip
    assert dropped.status_code == 204
    head = client.head(upload, headers=tus)
    assert head.headers["Upload-Offset"] == str(half)
    assert head.headers["Cache-Control"] == "no-store"
    stale = client.patch(upload, data=data[half:], headers={**patch, "Upload-Offset": "0"})
    assert stale.status_code == 409
    done = client.patch(upload, data=data[half:], headers={**patch, "Upload-Offset": str(half)})
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(data))
    run_jobs()
    body = client.get(f"/api/v1/recordings/{res.json['id']}", headers=fac).json
    assert body["status"] == "ready" and body["filename"] == "talk.avi"
    assert body["size_bytes"] == len(data)


def test_position_resume_and_who_watched(rec, client, auth_headers, run_jobs, media):
    fac = auth_headers(rec.facilitator)
    rid = upload_raw(client, fac, rec.session.id, media.slides).json["id"]
    run_jobs()
    viewer = auth_headers(rec.participant)
    url = f"/api/v1/recordings/{rid}/position"
    assert client.get(url, headers=viewer).json == {"seconds": 0.0}
    for t in (0, 5, 10):  # watched all 10 seconds continuously
        assert client.put(url, json={"seconds": t}, headers=viewer).status_code == 204
    assert client.get(url, headers=viewer).json == {"seconds": 10.0}
    assert client.put(url, json={"seconds": -3}, headers=viewer).status_code == 422
    expert = auth_headers(rec.expert)
    client.put(url, json={"seconds": 9}, headers=expert)  # jumped to the end: watched little
    watchers = client.get(f"/api/v1/recordings/{rid}/watchers", headers=fac).json["watchers"]
    completion = {w["user_id"]: w["completion"] for w in watchers}
    assert completion == {rec.participant.id: 100, rec.expert.id: 0}
    assert client.get(f"/api/v1/recordings/{rid}/watchers", headers=viewer).status_code == 403


SRT = b"1\n00:00:03,000 --> 00:00:05,000\nLa grille salariale du poste\n"


def test_captions_and_search_open_the_player_at_that_time(
    rec, client, auth_headers, run_jobs, media
):
    fac = auth_headers(rec.facilitator)
    rid = upload_raw(client, fac, rec.session.id, media.slides).json["id"]
    run_jobs()
    res = client.post(f"/api/v1/recordings/{rid}/captions?language=fr", data=SRT, headers=fac)
    assert res.status_code == 201 and res.json["cues"] == 1
    bad = client.post(f"/api/v1/recordings/{rid}/captions?language=fr", data=b"nope", headers=fac)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "bad_captions"
    client.put(
        f"/api/v1/recordings/{rid}/chapters",
        headers=fac,
        json={"chapters": [{"start_seconds": 4.0, "title": "Équité salariale"}]},
    )
    viewer = auth_headers(rec.participant)
    hits = client.get(
        f"/api/v1/programs/{rec.program.id}/recordings/search?q=GRILLE", headers=viewer
    ).json["results"]
    assert [(h["kind"], h["start_seconds"]) for h in hits] == [("caption", 3.0)]
    assert hits[0]["url"].endswith(f"/recordings/{rid}?t=3")
    hits = client.get(
        f"/api/v1/programs/{rec.program.id}/recordings/search?q=équité", headers=viewer
    ).json["results"]
    assert [(h["kind"], h["start_seconds"]) for h in hits] == [("chapter", 4.0)]
    outsider = auth_headers(rec.outsider)
    assert (
        client.get(
            f"/api/v1/programs/{rec.program.id}/recordings/search?q=grille", headers=outsider
        ).status_code
        == 404
    )
    vtt = client.get(f"/recordings/{rid}/captions/fr.vtt", headers=viewer)
    assert vtt.mimetype == "text/vtt" and "00:00:03.000 --> 00:00:05.000" in vtt.text
