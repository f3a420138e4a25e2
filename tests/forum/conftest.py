"""Forum fixtures: a program with a facilitator, an expert and three participants (two of
them competitors), an outsider and another program; helpers to call the forum API."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa


@dataclass
class World:
    program: object
    other: object
    facilitator: object
    expert: object
    alice: object
    bob: object
    carol: object
    outsider: object
    headers: dict

    def h(self, user):
        return self.headers[user.id]


@pytest.fixture(autouse=True)
def _empty_search_index(db):
    """The SQLite FTS5 table is not in the models' metadata, so the shared fixture does not
    empty it between tests (ids are reused)."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM forum_search"))
    yield


@pytest.fixture
def world(make_program, make_member, make_user, auth_headers):
    program = make_program(title="CoPA Forum", locale="en")
    other = make_program(title="Other program", locale="en")
    facilitator = make_member(program, "facilitator", name="Fay Facilitator").user
    expert = make_member(program, "expert", name="Eve Expert").user
    alice = make_member(program, "participant", name="Alice Martin", company="Acme").user
    bob = make_member(program, "participant", name="Bob Tremblay", company="Bolt").user
    carol = make_member(program, "participant", name="Carol Côté", company="Cobalt").user
    outsider = make_member(other, "participant", name="Oscar Outsider", company="Orbit").user
    users = (facilitator, expert, alice, bob, carol, outsider)
    headers = {u.id: auth_headers(u) for u in users}
    return World(program, other, facilitator, expert, alice, bob, carol, outsider, headers)


@pytest.fixture
def forum(client, world):
    """Call the forum API as someone: ``forum.topic(user, title=..., body=...)`` etc."""

    class Forum:
        def topic(self, user, expect=201, **body):
            body.setdefault("title", "A topic")
            body.setdefault("body", "Some text.")
            r = client.post(
                f"/api/v1/programs/{world.program.id}/forum/topics",
                json=body,
                headers=world.h(user),
            )
            assert r.status_code == expect, r.get_json()
            return r.get_json()

        def reply(self, user, tid, expect=201, **body):
            body.setdefault("body", "A reply.")
            r = client.post(f"/api/v1/topics/{tid}/posts", json=body, headers=world.h(user))
            assert r.status_code == expect, r.get_json()
            return r.get_json()

        def get(self, user, tid, expect=200):
            r = client.get(f"/api/v1/topics/{tid}", headers=world.h(user))
            assert r.status_code == expect, r.get_json()
            return r.get_json()

        def post(self, user, url, expect=200, **body):
            r = client.post(url, json=body, headers=world.h(user))
            assert r.status_code == expect, r.get_json()
            return r.get_json()

        def search(self, user, q, pid=None, expect=200):
            r = client.get(
                f"/api/v1/programs/{pid or world.program.id}/search",
                query_string={"q": q},
                headers=world.h(user),
            )
            assert r.status_code == expect, r.get_json()
            return r.get_json()

    return Forum()
