import json
import re
from html import unescape as html_unescape

from tests.recordings.test_recordings_api import SRT, fetch, upload_raw


def test_replay_page_for_members_only(rec, client, login, auth_headers, run_jobs, media):
    fac = auth_headers(rec.facilitator)
    rid = upload_raw(client, fac, rec.session.id, media.slides).json["id"]
    run_jobs()
    client.post(f"/api/v1/recordings/{rid}/captions?language=fr", data=SRT, headers=fac)
    login(client, rec.participant)
    client.put(f"/api/v1/recordings/{rid}/position", json={"seconds": 4})
    page = client.get(f"/recordings/{rid}")
    assert page.status_code == 200
    html = page.text
    # 4 s in: not worth a question, the player starts at the beginning
    assert 'data-start="0.0"' in html and 'data-resume=""' in html and 'id="resume"' not in html
    # Plyr and hls.js are the built npm files (training/assets.py), the icons are local
    for name in ("hls.min.js", "plyr.min.js", "plyr.css"):
        url = re.search(rf'"(/static/build/{re.escape(name)}\?v=\w+)"', html)[1]
        assert fetch(client, url).status_code == 200, name
    icons = re.search(r'data-icon-url="([^"]+)"', html)[1]
    assert icons.startswith("/static/build/plyr.svg?v=")
    assert b"plyr-play" in fetch(client, icons).data
    assert fetch(client, "/recordings/assets/hls.min.js").status_code == 404  # the old route
    hls = re.search(r'data-hls="([^"]+)"', html)[1]
    mp4 = re.search(r'data-mp4="([^"]+)"', html)[1]
    vtt = re.search(r'data-thumbnails="([^"]+)"', html)[1]
    assert hls.endswith("/master.m3u8") and mp4.endswith("/download.mp4")
    assert "storyboard-001.jpg#xywh=" in fetch(client, vtt).text
    assert 'srclang="fr"' in html
    assert html.count("data-seek=") == 4  # chapters
    marks = json.loads(html_unescape(re.search(r"data-chapters='([^']*)'", html)[1]))
    assert [c["title"] for c in marks] == [f"Chapter {n}" for n in (1, 2, 3, 4)]
    words = json.loads(html_unescape(re.search(r"data-words='([^']*)'", html)[1]))
    assert words["speed"] == "Speed" and words["captions"] == "Captions"
    assert "Who watched" not in html  # participants do not see the others
    assert client.get(f"/recordings/{rid}?t=6").text.count('data-start="6.0"') == 1

    login(client, rec.facilitator)
    html = client.get(f"/recordings/{rid}").text
    assert "Who watched" in html and rec.participant.name in html
    seen = html[html.index("Who watched") :].split("</tr>")[1]  # the participant's row
    assert re.search(r"\d{1,2}:\d{2}</td>", seen) and not re.search(r"\d:\d{2}:\d{2}", seen)

    login(client, rec.outsider)
    assert client.get(f"/recordings/{rid}").status_code == 404


def test_processing_page_shows_progress_and_upload_page(rec, client, login, auth_headers, media):
    fac = auth_headers(rec.facilitator)
    rid = upload_raw(client, fac, rec.session.id, media.slides).json["id"]
    login(client, rec.participant)
    html = client.get(f"/recordings/{rid}").text
    assert re.search(r'id="progress" role="progressbar"[^>]* aria-valuenow="0"', html)
    assert client.get(f"/sessions/{rec.session.id}/recordings/new").status_code == 403
    login(client, rec.expert)
    html = client.get(f"/sessions/{rec.session.id}/recordings/new").text
    assert 'id="upload"' in html and "upload.js" in html and "/static/build/tus.min.js" in html


def test_program_page_lists_and_searches(rec, client, login, auth_headers, run_jobs, media):
    fac = auth_headers(rec.facilitator)
    rid = upload_raw(client, fac, rec.session.id, media.slides).json["id"]
    run_jobs()
    client.post(f"/api/v1/recordings/{rid}/captions?language=fr", data=SRT, headers=fac)
    login(client, rec.participant)
    html = client.get(f"/programs/{rec.program.id}/recordings?q=salariale").text
    assert f"/recordings/{rid}?t=3" in html and "Pay equity 101" in html
    assert f"/sessions/{rec.session.id}/recordings/new" not in html
    # a grid of posters: each recording's poster through its signed media URL, its length
    card = html[html.index(f'data-recording="{rid}"') :].split("</li>")[0]
    assert 'class="card h-100 poster-card"' in html
    poster = re.search(r'<img class="poster" src="([^"]+)"', card).group(1)
    assert f"/recordings/{rid}/m/" in poster
    image = fetch(client, poster)
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert re.search(r'class="duration">\d+:\d{2}<', card)
    assert "viewer" not in card  # who watched is the facilitator's
    login(client, rec.facilitator)
    html = client.get(f"/programs/{rec.program.id}/recordings").text
    assert f"/sessions/{rec.session.id}/recordings/new" in html
    assert "0 viewers" in html
    login(client, rec.outsider)
    assert client.get(f"/programs/{rec.program.id}/recordings").status_code == 404


def test_a_saved_position_is_offered_unless_at_the_start_or_near_the_end(rec, client, login, db):
    from recordings import operations as ops

    recording = ops.create_recording(rec.session, None, filename="a.mp4", content_type="")
    recording.duration_seconds = 760.0
    db.session.commit()
    rid = recording.id
    login(client, rec.participant)

    def page_after(seconds, query=""):
        client.put(f"/api/v1/recordings/{rid}/position", json={"seconds": seconds})
        return client.get(f"/recordings/{rid}{query}").text

    html = page_after(645)  # 10:45 of 12:40
    assert 'data-resume="645.0"' in html
    assert "You stopped at 10:45." in html and "Resume at 10:45" in html and "Start over" in html
    assert "Resume at" not in page_after(645, "?t=30")  # a link to a moment does not ask
    assert 'data-start="30.0"' in client.get(f"/recordings/{rid}?t=30").text
    assert "Resume at" not in page_after(9)  # the first seconds
    assert "Resume at" not in page_after(730)  # the last 5 % (38 s)
    assert "Resume at" in page_after(700)


def test_recordings_page_shows_my_progress_and_what_is_new(
    rec, client, login, auth_headers, run_jobs, media, db, make_member
):
    from recordings import operations as ops
    from training.sessions.models import TrainingSession

    fac = auth_headers(rec.facilitator)
    first = upload_raw(client, fac, rec.session.id, media.slides).json["id"]
    run_jobs()
    later = TrainingSession(
        program_id=rec.program.id, title="Bilan", starts_at=rec.session.starts_at,
        ends_at=rec.session.ends_at,
    )  # fmt: skip
    db.session.add(later)
    db.session.flush()
    long = ops.create_recording(later, rec.facilitator, filename="b.mp4", content_type="")
    long.duration_seconds, long.hls_path = 100.0, "master.m3u8"  # playable, 10 stretches of 10 s
    db.session.commit()
    second = long.id

    def card(html, rid):
        return html[html.index(f'data-recording="{rid}"') :].split("</li>")[0]

    login(client, rec.participant)
    html = client.get(f"/programs/{rec.program.id}/recordings").text
    assert "New" in card(html, first) and "New" in card(html, second)
    assert "watched" not in card(html, first)
    for seconds in (0, 10, 20, 30):  # played from 0 to 30 s: 3 of 10 stretches
        client.put(f"/api/v1/recordings/{second}/position", json={"seconds": seconds})
    html = client.get(f"/programs/{rec.program.id}/recordings").text
    mine = card(html, second)
    assert "New" not in mine and "30% watched" in mine
    assert '<progress class="poster-watched" max="100" value="30"' in mine
    assert "New" in card(html, first)
    # what someone else watched is not mine
    other = make_member(rec.program, "participant").user
    login(client, other)
    html = client.get(f"/programs/{rec.program.id}/recordings").text
    assert "New" in card(html, second) and "watched" not in card(html, second)
