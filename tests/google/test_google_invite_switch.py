"""Who sends the invitations: Copa's e-mails or Google Calendar (sendUpdates=all), never both.

Through the public API, with the real outbox, RQ and an SMTP server; Google is HttpMockSequence.
The hook relied on: training.sessions.invites.copa_sends_invites(program), i.e.
Program.invite_sender == "copa", which the Google page sets.
"""

from datetime import timedelta

import pytest

from tests.google.googlemock import MEET, calls, gevent, ok
from training.db import utcnow
from training.google.calendar_sync import event_id_for


@pytest.fixture
def setup(make_program, make_member, auth_headers):
    program = make_program(title="Lean CoPA")
    facilitator = make_member(program, "facilitator", email="fay@example.org").user
    make_member(program, "participant", email="ana@acme.example.com")
    make_member(program, "participant", email="bob@rival.example.net")
    return program, auth_headers(facilitator)


def create_session(client, program, headers):
    start = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:00:00+00:00")
    resp = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={"title": "Value stream mapping", "starts_at": start, "duration_minutes": 60},
        headers=headers,
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def invites(smtp_server):
    out = []
    for message in smtp_server.messages:
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                out.append((message["To"], part.get_param("method"), part.get_content()))
    return out


def test_google_sends_invites_and_copa_sends_none(
    app, db, client, setup, connected, google_http, run_jobs, smtp_server
):
    program, headers = setup
    conn = connected(program, google_invites=True)
    sid = create_session(client, program, headers)
    event_id = event_id_for(conn.id_salt, f"session:{sid}")
    google_http.add(ok(gevent(event_id)))
    run_jobs()

    (insert,) = calls(google_http)
    assert insert.method == "POST" and insert.query["sendUpdates"] == "all"
    assert (
        client.get(f"/api/v1/programs/{program.id}/sessions", headers=headers).get_json()[
            "sessions"
        ][0]["join_url"]
        == MEET
    )

    google_http.add(ok(gevent(event_id, '"2"')), ok(status=204))
    resp = client.patch(f"/api/v1/sessions/{sid}", json={"title": "VSM"}, headers=headers)
    assert resp.status_code == 200
    run_jobs()
    assert (
        client.delete(
            f"/api/v1/sessions/{sid}", json={"reason": "Speaker ill"}, headers=headers
        ).status_code
        == 200
    )
    run_jobs()

    assert [(c.method, c.query.get("sendUpdates")) for c in calls(google_http)] == [
        ("POST", "all"),
        ("PATCH", "all"),
        ("DELETE", "all"),
    ]
    assert invites(smtp_server) == []  # not one REQUEST or CANCEL from Copa


def test_copa_sends_invites_with_the_meet_link_and_google_stays_silent(
    app, db, client, setup, connected, google_http, run_jobs, smtp_server
):
    program, headers = setup
    conn = connected(program, google_invites=False)
    sid = create_session(client, program, headers)
    google_http.add(ok(gevent(event_id_for(conn.id_salt, f"session:{sid}"))))
    run_jobs()

    assert [c.query["sendUpdates"] for c in calls(google_http)] == ["none"]
    sent = invites(smtp_server)
    recipients = {to for to, _m, _ics in sent}
    assert recipients == {"fay@example.org", "ana@acme.example.com", "bob@rival.example.net"}
    first = [ics for _to, _m, ics in sent if "SEQUENCE:0" in ics]
    updated = [ics for _to, _m, ics in sent if "SEQUENCE:1" in ics]
    assert len(first) == 3 and len(updated) == 3  # the update carries the Meet link
    assert all(MEET in ics for ics in updated)
