"""The replay and upload pages in a real chromium: Plyr on hls.js (chapter marks, storyboard
previews, captions and speed menus, keyboard), "Resume at…", and tus-js-client uploads that
survive a dropped connection and a reload."""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect

from tests.recordings.test_recordings_api import upload_raw

pytestmark = pytest.mark.browser

SRT = b"1\n00:00:03,000 --> 00:00:05,000\nLa grille salariale du poste\n"


def sign_in(page, user, password):
    page.goto("/login")
    page.fill('input[name="email"]', user.email)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")


def outside_requests(page, origin):
    """Collects every request the page makes that does not go to the app itself."""
    seen: list[str] = []
    ours = (origin + "/", "blob:", "data:")
    page.on("request", lambda r: None if r.url.startswith(ours) else seen.append(r.url))
    return seen


def csp_violations(page):
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    return seen


def test_the_player_marks_chapters_previews_resumes_and_has_menus(
    rec, client, auth_headers, run_jobs, media, page, live_server, make_member, db
):
    viewer = make_member(rec.program, "participant", password="a-long-password-1").user
    fac = auth_headers(rec.facilitator)
    rid = upload_raw(client, fac, rec.session.id, media.slides_24s).json["id"]
    run_jobs()
    r = client.post(
        f"/api/v1/recordings/{rid}/captions?language=fr&label=Fran%C3%A7ais%20%3Cb%3Eauto%3C/b%3E",
        data=SRT,
        headers=fac,
    )
    assert r.status_code == 201
    chapters = client.get(f"/api/v1/recordings/{rid}", headers=fac).json["chapters"]
    assert [round(c["start_seconds"]) for c in chapters] == [0, 6, 12, 18]
    chapters[2]["title"] = "Budget & <i>bilan</i>"
    client.put(f"/api/v1/recordings/{rid}/chapters", json={"chapters": chapters}, headers=fac)
    headers = auth_headers(viewer)  # before the browser writes: one writer at a time on SQLite
    assert client.put(
        f"/api/v1/recordings/{rid}/position", json={"seconds": 13}, headers=headers
    ).status_code == 204  # fmt: skip
    with force_locale("en"):
        resume_label, start_over = _("Resume at %(time)s", time="0:13"), _("Start over")
        speed_word, captions_word = _("Speed"), _("Captions")

    outside = outside_requests(page, live_server.url)
    violations = csp_violations(page)
    sign_in(page, viewer, "a-long-password-1")
    page.goto(f"/recordings/{rid}")
    video = page.locator("#video")

    # one timeline, with the chapters (after the first) as marks
    expect(page.locator(".plyr .plyr__progress__marker")).to_have_count(3)
    assert page.locator("#scrubber, #speed, #preview").count() == 0  # the old hand-made controls
    # a saved position asks first; "Resume" plays from there
    prompt = page.locator("#resume")
    expect(prompt).to_be_visible()
    expect(prompt.get_by_role("button", name=start_over)).to_be_visible()
    assert video.evaluate("v => v.currentTime") < 1
    video.evaluate("v => { v.muted = true; }")
    prompt.get_by_role("button", name=resume_label).click()
    expect(prompt).to_be_hidden()
    page.wait_for_function("() => document.getElementById('video').currentTime >= 13.5")
    assert 13 <= video.evaluate("v => v.currentTime") < 18
    # hls.js, not the MP4 fallback: the media element plays from a MediaSource blob
    assert video.evaluate("v => v.currentSrc").startswith("blob:")
    # the chapter being played is marked in the list
    expect(page.locator("#chapters a[aria-current]")).to_contain_text("Budget & <i>bilan</i>")

    # keyboard: "Resume" left the focus in the player, where K pauses; pausing saves
    assert page.evaluate("document.activeElement.closest('.plyr') !== null")
    page.keyboard.press("k")
    page.wait_for_function("() => document.getElementById('video').paused")
    paused_at = int(video.evaluate("v => Math.floor(v.currentTime)"))
    assert paused_at >= 13

    def saved():
        return client.get(f"/api/v1/recordings/{rid}/position", headers=headers).json["seconds"]

    for _attempt in range(100):  # the PUT is asynchronous (keepalive fetch)
        if saved() == paused_at:
            break
        page.wait_for_timeout(100)
    assert saved() == paused_at

    # hovering the timeline at 12 s shows the storyboard tile and the chapter's title, as text
    seek = page.locator(".plyr__progress input[type=range]")
    duration = video.evaluate("v => v.duration")
    width = seek.bounding_box()["width"]
    seek.hover(position={"x": width * 12.2 / duration, "y": 5})  # waits for the controls
    thumb = page.locator(".plyr__preview-thumb")
    expect(thumb).to_have_class(re.compile("plyr__preview-thumb--is-shown"))
    expect(thumb.locator("img")).to_have_attribute("src", re.compile("storyboard-"))
    expect(thumb.locator(".plyr__preview-thumb__time-container")).to_contain_text(
        "Budget & <i>bilan</i>"
    )
    assert thumb.locator("i").count() == 0

    # the settings menu lists the captions (as text) and sets the speed
    page.locator(".plyr button[data-plyr='settings'][aria-haspopup]").first.click()
    page.get_by_role("menuitem", name=captions_word).click()
    languages = page.locator(".plyr [role=menuitemradio][data-plyr='language']")
    expect(languages).to_contain_text(["Français <b>auto</b>"])
    assert page.locator(".plyr [data-plyr='language'] b").count() == 0
    page.locator(".plyr__menu__container [id$='-captions'] .plyr__control--back").click()
    page.get_by_role("menuitem", name=speed_word).click()
    page.locator(".plyr [role=menuitemradio][data-plyr='speed'][value='1.5']").click()
    # Plyr applies the speed asynchronously: wait for it (fails after the timeout if it never does)
    page.wait_for_function("() => document.querySelector('#video').playbackRate === 1.5")

    # a link to a moment (?t=) plays from there without asking
    page.goto(f"/recordings/{rid}?t=19")
    expect(page.locator(".plyr .plyr__progress__marker")).to_have_count(3)
    page.wait_for_function("() => document.getElementById('video').currentTime >= 18.5")
    expect(page.locator("#resume")).to_have_count(0)

    assert outside == []  # no CDN: icons, blank video, scripts and previews are the app's
    assert violations == []


def test_upload_page_sends_the_file_with_tus_and_opens_the_replay(
    app, rec, page, live_server, make_member, media, db
):
    from recordings.models import Recording

    expert = make_member(rec.program, "expert", password="a-long-password-2").user
    sign_in(page, expert, "a-long-password-2")
    page.goto(f"/sessions/{rec.session.id}/recordings/new")
    assert page.evaluate("typeof window.tus.Upload") == "function"  # tus-js-client
    page.set_input_files('#upload input[type="file"]', media.moving)
    # the server refuses (its limit went down meanwhile): its own words are shown, no retry
    limit = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 1000
    page.click('#upload button[type="submit"]')
    expect(page.locator("#upload-error")).to_contain_text("larger than the limit of 1000 bytes")
    expect(page.locator("#upload-file")).to_have_attribute("aria-invalid", "true")
    app.config["MAX_UPLOAD_BYTES"] = limit
    with page.expect_navigation(url="**/recordings/*"):
        page.click('#upload button[type="submit"]')  # enabled again: try once more
    assert page.locator("#upload").count() == 0  # on the replay page
    db.session.commit()
    [recording] = db.session.scalars(db.select(Recording)).all()
    assert page.url.endswith(f"/recordings/{recording.id}")
    assert recording.status == "queued" and recording.filename == "moving.avi"
    assert recording.uploaded_by_id == expert.id
    assert recording.size_bytes == os.path.getsize(media.moving)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tus::'))") == []


def test_a_dropped_upload_retries_and_a_reloaded_page_resumes_it(
    rec, page, live_server, make_member, media, db, monkeypatch
):
    """The connection drops during the 2nd piece: tus-js-client asks the server where it got
    to and goes on from there. Then the page is reloaded mid-upload: choosing the same file
    resumes the same upload (no new one), from the server's offset, up to the end."""
    from recordings import storage
    from recordings import views as recording_views
    from recordings.models import Recording

    chunk = 64 * 1024
    monkeypatch.setattr(recording_views, "UPLOAD_CHUNK_BYTES", chunk)
    path = media.moving
    size = os.path.getsize(path)
    assert size > 4 * chunk
    expert = make_member(rec.program, "expert", password="a-long-password-3").user
    sign_in(page, expert, "a-long-password-3")
    sent: list[tuple[str, str | None]] = []  # (method, Upload-Offset) reaching the network
    page.on(
        "request",
        lambda r: (
            sent.append((r.method, r.headers.get("upload-offset")))
            if "/upload" in r.url or r.method == "POST"
            else None
        ),
    )
    patches = {"n": 0}
    held = []

    def drop_then_hold(route):
        if route.request.method != "PATCH":
            route.continue_()
            return
        patches["n"] += 1
        if patches["n"] == 2:
            route.abort("connectionreset")  # the connection drops
        elif patches["n"] == 4:
            held.append(route)  # hangs: the user gives up and reloads
        else:
            route.continue_()

    page.route("**/api/v1/recordings/*/upload", drop_then_hold)
    page.goto(f"/sessions/{rec.session.id}/recordings/new")
    page.set_input_files('#upload input[type="file"]', path)
    page.click('#upload button[type="submit"]')
    for _attempt in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, sent
    patch_offsets = [int(o) for m, o in sent if m == "PATCH"]
    # the piece that dropped was sent again from the offset the server reported (HEAD)
    assert patch_offsets == [0, chunk, chunk, 2 * chunk]
    assert ("HEAD", None) in sent
    db.session.commit()
    [recording] = db.session.scalars(db.select(Recording)).all()
    assert recording.status == "uploading" and recording.upload_offset == 2 * chunk

    page.reload()  # the held piece never arrives
    page.unroute("**/api/v1/recordings/*/upload")
    db.session.commit()
    db.session.refresh(recording)
    reached = recording.upload_offset
    assert reached >= 2 * chunk
    sent.clear()
    page.set_input_files('#upload input[type="file"]', path)
    with page.expect_navigation(url=f"**/recordings/{recording.id}"):
        page.click('#upload button[type="submit"]')
    methods = [m for m, _o in sent]
    assert "POST" not in methods  # the same upload, not a new one
    assert [o for m, o in sent if m == "PATCH"][0] == str(reached)  # from where it stopped
    db.session.commit()
    db.session.refresh(recording)
    assert db.session.scalars(db.select(Recording)).all() == [recording]
    assert recording.status == "queued" and recording.size_bytes == size
    with open(path, "rb") as original, open(storage.source_path(recording.id), "rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(original.read()).digest()
