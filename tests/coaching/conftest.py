"""Coaching fixtures: a program with an expert, a facilitator and participants; slot helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.coaching.helpers import TZ, hour_from_now, local_iso


@dataclass
class World:
    program: object
    expert: object
    facilitator: object
    alice: object
    bob: object
    outsider: object
    headers: dict


@pytest.fixture
def world(make_program, make_member, make_user, auth_headers):
    # An English-speaking program: the assertions below read English text. The fr-CA side is
    # covered by test_coaching_browser (strings looked up through gettext).
    program = make_program(title="CoPA", timezone=TZ, locale="en")
    expert = make_member(program, "expert", name="Eve Expert").user
    facilitator = make_member(program, "facilitator", name="Fay Facilitator").user
    alice = make_member(program, "participant", name="Alice", company="Acme").user
    bob = make_member(program, "participant", name="Bob", company="Bolt").user
    outsider = make_user(name="Oscar Outsider")
    headers = {u.id: auth_headers(u) for u in (expert, facilitator, alice, bob, outsider)}
    return World(program, expert, facilitator, alice, bob, outsider, headers)


@pytest.fixture
def publish(client, world):
    """Publish one window of ``count`` 1-hour slots starting ``hours`` from now; slot dicts."""

    def go(hours=72, count=1, expert=None, **extra):
        start = hour_from_now(hours)
        body = {
            "starts_at": local_iso(start),
            "ends_at": local_iso(start + timedelta(hours=count)),
            **extra,
        }
        who = expert or world.expert
        r = client.post(
            f"/api/v1/programs/{world.program.id}/availability",
            json=body,
            headers=world.headers[who.id],
        )
        assert r.status_code == 201, r.get_json()
        return r.get_json()["slots"]

    return go


@pytest.fixture
def book(client, world):
    def go(slot_id, user, **body):
        return client.post(
            f"/api/v1/slots/{slot_id}/booking", json=body, headers=world.headers[user.id]
        )

    return go
