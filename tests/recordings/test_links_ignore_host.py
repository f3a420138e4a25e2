"""Links that leave a request are built on BASE_URL, not on the Host header (issue 11,
item 16): a forged Host cannot put another domain in an e-mail or an upload URL."""

import re

FORGED = {"Host": "evil.example"}


def test_password_reset_link_ignores_a_forged_host(client, db, make_user):
    from training.mail.models import OutboxMessage

    make_user(email="ana@example.org", password="correct horse battery")
    r = client.post("/forgot-password", data={"email": "ana@example.org"}, headers=FORGED)
    assert r.status_code == 302
    body = db.session.scalars(db.select(OutboxMessage.text_body)).one()
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith("http://copa.test/") for link in links)
    assert "evil.example" not in body


def test_tus_upload_url_ignores_a_forged_host(rec, client, auth_headers):
    r = client.post(
        f"/api/v1/sessions/{rec.session.id}/recordings",
        headers={
            **auth_headers(rec.facilitator),
            **FORGED,
            "Tus-Resumable": "1.0.0",
            "Upload-Length": "1000",
        },
    )
    assert r.status_code == 201, r.json
    assert r.headers["Location"].startswith("http://copa.test/api/v1/recordings/")
    assert r.json["upload_url"] == r.headers["Location"]
