"""The replay page in a real chromium: hls.js plays the ladder, speed, resume, previews."""

import os

import pytest

from tests.recordings.test_recordings_api import upload_raw


@pytest.mark.browser
def test_replay_plays_with_hls_js_and_saves_the_position(
    rec, client, auth_headers, run_jobs, media, page, live_server, make_member, db
):
    viewer = make_member(rec.program, "participant", password="a-long-password-1").user
    rid = upload_raw(client, auth_headers(rec.facilitator), rec.session.id, media.slides).json["id"]
    run_jobs()
    headers = auth_headers(viewer)  # before the browser writes: one writer at a time on SQLite
    page.goto("/login")
    page.fill('input[name="email"]', viewer.email)
    page.fill('input[name="password"]', "a-long-password-1")
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    page.goto(f"/recordings/{rid}?t=2")
    page.wait_for_function("() => window.Hls !== undefined")
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.getElementById('video').currentTime > 3")
    # hls.js, not the MP4 fallback: the media element plays from a MediaSource blob
    assert page.evaluate("document.getElementById('video').currentSrc").startswith("blob:")
    page.select_option("#speed", "1.5")
    assert page.evaluate("document.getElementById('video').playbackRate") == 1.5
    # thumbnails preview on the timeline
    page.evaluate(
        "() => { const s = document.getElementById('scrubber'); s.value = 5;"
        " s.dispatchEvent(new Event('input')); }"
    )
    page.wait_for_function("() => !document.getElementById('preview').hidden")
    assert "storyboard-001.jpg" in page.evaluate(
        "document.querySelector('#preview .thumb').style.backgroundImage"
    )
    # pausing saves the position; the API returns it for resuming
    page.evaluate("() => document.getElementById('video').pause()")

    def saved():
        return client.get(f"/api/v1/recordings/{rid}/position", headers=headers).json["seconds"]

    for _ in range(100):  # the PUT is asynchronous (keepalive fetch)
        if saved() >= 3:
            break
        page.wait_for_timeout(100)
    assert saved() >= 3


@pytest.mark.browser
def test_upload_page_sends_the_file_with_tus_and_opens_the_replay(
    rec, page, live_server, make_member, media, db
):
    from recordings.models import Recording

    expert = make_member(rec.program, "expert", password="a-long-password-2").user
    page.goto("/login")
    page.fill('input[name="email"]', expert.email)
    page.fill('input[name="password"]', "a-long-password-2")
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    page.goto(f"/sessions/{rec.session.id}/recordings/new")
    page.set_input_files('#upload input[type="file"]', media.moving)
    with page.expect_navigation(url="**/recordings/*"):
        page.click('#upload button[type="submit"]')
    assert page.evaluate("document.getElementById('upload-progress')") is None  # on replay
    db.session.commit()
    [recording] = db.session.scalars(db.select(Recording)).all()
    assert recording.status == "queued" and recording.filename == "moving.avi"
    assert recording.uploaded_by_id == expert.id
    assert recording.size_bytes == os.path.getsize(media.moving)
