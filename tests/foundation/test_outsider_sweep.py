"""Every route of the app, walked from ``app.url_map`` as the facilitator of another program:
each one that names an object of program A (a program, session, material, slot, booking,
recording, member, token) answers 404, whatever the method, and changes nothing. An outsider
learns neither what exists nor what it holds (issue 10, item 4)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from werkzeug.routing import IntegerConverter

from tests.coaching.helpers import hour_from_now, local_iso
from training.extensions import db
from training.forum.models import ForumCategory, ForumNotification

# routes whose ids are not objects of a program, or that need a secret instead of an id
NOT_OBJECT_ROUTES = {
    "static",
    "recordings.static",
    "accounts.set_password",  # a signed token, not an id
    "accounts.switch_locale",
    "calendar.user_feed",  # the feed token is the credential (192 bits)
    "calendar.program_feed",
    "api.create_token",  # admins only, whatever the user id
    "mail.show",  # admins only (the outbox)
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _program_a(client, make_program, make_member, auth_headers):
    program = make_program(title="CoPA A", timezone="America/Toronto", locale="en")
    facilitator = make_member(program, "facilitator").user
    expert = make_member(program, "expert").user
    alice = make_member(program, "participant", company="Acme").user
    fac, exp, ali = (auth_headers(u) for u in (facilitator, expert, alice))
    start = hour_from_now(72)
    sid = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={"title": "Salaires", "starts_at": local_iso(start), "duration_minutes": 60},
        headers=fac,
    ).json["id"]
    material = client.post(
        f"/api/v1/sessions/{sid}/materials",
        data={"file": (io.BytesIO(b"grille salariale"), "grille.txt")},
        headers=fac,
    ).json["id"]
    slots = client.post(
        f"/api/v1/programs/{program.id}/availability",
        json={
            "starts_at": local_iso(start + timedelta(days=1)),
            "ends_at": local_iso(start + timedelta(days=1, hours=2)),
        },
        headers=exp,
    ).json["slots"]
    booking = client.post(f"/api/v1/slots/{slots[0]['id']}/booking", json={}, headers=ali).json
    rid = client.post(
        f"/api/v1/sessions/{sid}/recordings",
        headers={**fac, "Tus-Resumable": "1.0.0", "Upload-Length": "1000"},
    ).json["id"]
    members = client.get(f"/api/v1/programs/{program.id}/members", headers=fac).json["members"]
    token_id = client.get("/api/v1/me/tokens", headers=ali).json["tokens"][0]["id"]
    category = ForumCategory(program_id=program.id, title="Rémunération")
    db.session.add(category)
    db.session.commit()
    attachment = client.post(
        f"/api/v1/programs/{program.id}/forum/attachments",
        data={"file": (io.BytesIO(b"classe,salaire\n1,52000\n"), "grille.csv")},
        headers=ali,
    ).json["id"]
    topic = client.post(
        f"/api/v1/programs/{program.id}/forum/topics",
        json={
            "title": "Grille",
            "body": "Comment bâtir une grille ?",
            "category_id": category.id,
            "attachments": [attachment],
        },
        headers=ali,
    ).json
    reply = client.post(
        f"/api/v1/topics/{topic['id']}/posts", json={"body": "Par familles d'emplois."}, headers=exp
    ).json
    note = db.session.scalar(db.select(ForumNotification.id).order_by(ForumNotification.id))
    return {
        "pid": program.id,
        "session": sid,
        "material": material,
        "slot": slots[1]["id"],
        "booking": booking["id"],
        "rid": rid,
        "member": next(m["id"] for m in members if m["user_id"] == alice.id),
        "token_id": token_id,
        "cid": category.id,
        "tid": topic["id"],
        "post_id": reply["id"],
        "nid": note,
        "aid": attachment,
        "headers": fac,
    }


def _value(endpoint: str, arg: str, ids: dict) -> str:
    if arg == "sid":  # coaching pages name slots "sid"; everywhere else it is a session
        return str(ids["slot"] if endpoint.startswith("coaching.") else ids["session"])
    if arg == "mid":
        return str(ids["member"] if endpoint == "api.api_remove_member" else ids["material"])
    named = {"bid": "booking", "slot_id": "slot", "rid": "rid", "pid": "pid", "uid": "pid"}
    if arg in named:
        return str(ids[named[arg]])
    if arg in ("token_id", "cid", "tid", "post_id", "nid", "aid"):
        return str(ids[arg])
    return {"token": "x", "name": "master.m3u8", "language": "en", "filename": "x"}[arg]


def _path(rule, ids: dict) -> str:
    path = rule.rule
    for arg in rule.arguments:
        path = re.sub(rf"<[^>]*\b{arg}>", _value(rule.endpoint, arg, ids), path)
    return path


def _fingerprint(client, ids) -> list:
    """What program A holds, read by its facilitator: must be the same after the sweep."""
    h = ids["headers"]
    return [
        client.get(f"/api/v1/sessions/{ids['session']}", headers=h).json,
        client.get(f"/api/v1/bookings/{ids['booking']}", headers=h).json,
        client.get(f"/api/v1/programs/{ids['pid']}/members", headers=h).json,
        client.get(f"/api/v1/programs/{ids['pid']}/slots", headers=h).json,
        client.get(f"/api/v1/recordings/{ids['rid']}", headers=h).json,
        client.get(f"/api/v1/topics/{ids['tid']}", headers=h).json,
    ]


def test_every_route_answers_404_to_another_programs_facilitator(
    app, client, login, make_program, make_member, auth_headers
):
    ids = _program_a(client, make_program, make_member, auth_headers)
    before = _fingerprint(client, ids)
    program_b = make_program(title="CoPA B")
    outsider = make_member(program_b, "facilitator").user
    make_member(program_b, "expert", user=outsider)
    login(client, outsider)

    wrong, checked = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_OBJECT_ROUTES or not any(
            isinstance(rule._converters[a], IntegerConverter) for a in rule.arguments
        ):
            continue
        path = _path(rule, ids)
        for method in sorted(set(rule.methods) & set(METHODS)):
            kwargs = {"json": {}} if rule.endpoint.startswith("api.") else {"data": {}}
            r = client.open(path, method=method, **kwargs)
            r.close()  # a file served by mistake must not stay open
            checked += 1
            if r.status_code != 404:
                wrong.append((method, path, r.status_code))
    assert wrong == []
    assert checked >= 70
    login(client, make_member(make_program(), "participant").user)  # leave the outsider
    assert _fingerprint(client, ids) == before
