"""Fixtures for sessions tests: a program with a facilitator, an expert and participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest


@dataclass
class Cast:
    program: object
    facilitator: object
    expert: object
    alice: object
    bob: object
    outsider: object


@pytest.fixture
def cast(make_program, make_member, make_user):
    program = make_program(title="CoPA Pricing", timezone="America/Toronto", planned_sessions=10)
    facilitator = make_member(program, "facilitator", name="Fanny Facilitatrice").user
    expert = make_member(program, "expert", name="Eric Expert").user
    alice = make_member(program, "participant", name="Alice Acme").user
    bob = make_member(program, "participant", name="Bob Bolt").user
    outsider = make_user(name="Olga Outsider")
    return Cast(program, facilitator, expert, alice, bob, outsider)


@pytest.fixture
def future():
    """A local wall-clock time (program zone, no offset) some days ahead, as the API takes it."""
    from training.db import utcnow
    from training.timeutil import to_local

    def at(days=3, hour=10, minute=0):
        day = to_local(utcnow() + timedelta(days=days), "America/Toronto").date()
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}"

    return at


@pytest.fixture
def create_session(client, auth_headers, cast, future):
    def create(**body):
        payload = {"title": "Pricing workshop", "starts_at": future(), "duration_minutes": 90}
        payload.update(body)
        r = client.post(
            f"/api/v1/programs/{cast.program.id}/sessions",
            json=payload,
            headers=auth_headers(cast.facilitator),
        )
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    return create


from tests.calendar.radicale_server import radicale_server  # noqa: E402, F401  (fixture)
