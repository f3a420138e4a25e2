"""Chromium enforces Copa's Content-Security-Policy: no page breaks under it (no violation is
reported while the main pages load and run their scripts)."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.browser


def test_main_pages_run_without_a_csp_violation(
    client, page, auth_headers, make_program, make_member
):
    from tests.coaching.helpers import hour_from_now, local_iso

    program = make_program(title="CoPA Sécurité", locale="fr_CA", timezone="America/Toronto")
    facilitator = make_member(program, "facilitator", password="a-long-password-1").user
    expert = make_member(program, "expert").user
    start = hour_from_now(72)
    r = client.post(
        f"/api/v1/programs/{program.id}/sessions",
        json={"title": "Séance 1", "starts_at": local_iso(start), "duration_minutes": 90},
        headers=auth_headers(facilitator),
    )
    assert r.status_code == 201, r.get_json()
    r = client.post(
        f"/api/v1/programs/{program.id}/availability",
        json={
            "starts_at": local_iso(start + timedelta(days=1)),
            "ends_at": local_iso(start + timedelta(days=1, hours=3)),
        },
        headers=auth_headers(expert),
    )
    assert r.status_code == 201, r.get_json()

    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: violations.append(f"pageerror: {e}"))

    page.goto("/login")
    page.fill('input[name="email"]', facilitator.email)
    page.fill('input[name="password"]', "a-long-password-1")
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    for path in (
        f"/programs/{program.id}",
        f"/programs/{program.id}/sessions",
        f"/programs/{program.id}/sessions/new",
        f"/programs/{program.id}/coaching",
        f"/programs/{program.id}/members",
        "/me/calendar",
        "/preferences",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert violations == []
