import re

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
    assert 'data-start="4.0"' in html  # resumes where the viewer left off
    assert "/recordings/assets/hls.min.js" in html
    hls = re.search(r'data-hls="([^"]+)"', html)[1]
    mp4 = re.search(r'data-mp4="([^"]+)"', html)[1]
    assert hls.endswith("/master.m3u8") and mp4.endswith("/download.mp4")
    assert 'srclang="fr"' in html
    assert html.count("data-seek=") == 4  # chapters
    assert 'id="speed"' in html
    assert "Who watched" not in html  # participants do not see the others
    assert client.get(f"/recordings/{rid}?t=6").text.count('data-start="6.0"') == 1
    js = fetch(client, "/recordings/assets/hls.min.js")
    assert js.status_code == 200 and b"Hls" in js.data[:5000] + js.data[-5000:]

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
    assert '<progress id="progress"' in html
    assert client.get(f"/sessions/{rec.session.id}/recordings/new").status_code == 403
    login(client, rec.expert)
    html = client.get(f"/sessions/{rec.session.id}/recordings/new").text
    assert 'id="upload"' in html and "upload.js" in html


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
