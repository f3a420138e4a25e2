"""Accessibility (issue 12, item 8): axe-core, installed from npm, runs in chromium against every
main page for every role in French and English. No serious or critical violation is allowed:
a missing label, a low contrast, a button without a name, an invalid ARIA attribute."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.coaching.helpers import hour_from_now, local_iso

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a-long-password-1"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(options) => axe.run(document, options)", RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _sign_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill('input[name="email"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")


@pytest.mark.parametrize("locale", ["fr_CA", "en"])
def test_no_serious_accessibility_violation_on_any_page(
    db, _browser, live_server, world, publish, book, client, make_user, locale
):
    from werkzeug.security import generate_password_hash

    # axe is injected as an inline script, which Copa's CSP rightly refuses: this tab only
    # bypasses the CSP (tests/browser/test_content_security_policy.py checks it is obeyed)
    context = _browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)

    admin = make_user(is_admin=True)
    people = (world.facilitator, world.expert, world.alice, admin)
    for user in people:
        user.password_hash = generate_password_hash(PASSWORD)
        user.locale = locale
    db.session.commit()
    slots = publish(hours=48, count=3)
    booking_id = book(slots[0]["id"], world.alice, note="Grille salariale").json["id"]
    created = client.post(
        f"/api/v1/programs/{world.program.id}/sessions",
        json={
            "title": "Structure salariale et équité interne",
            "starts_at": local_iso(hour_from_now(30)),
            "duration_minutes": 90,
        },
        headers=world.headers[world.facilitator.id],
    )
    assert created.status_code == 201, created.json
    sid = created.json["id"]
    pid = world.program.id
    program_pages = [
        "/",
        f"/programs/{pid}",
        f"/programs/{pid}/sessions",
        f"/programs/{pid}/members",
        f"/programs/{pid}/coaching",
        f"/programs/{pid}/recordings",
        f"/sessions/{sid}",
        "/me/calendar",
        "/preferences",
        f"/programs/{pid}/forum",
        f"/programs/{pid}/forum/new",
        "/forum/notifications",
    ]
    picker = [
        f"/programs/{pid}/coaching/book",
        f"/programs/{pid}/coaching/book?slot={slots[1]['id']}",
        f"/programs/{pid}/coaching/bookings/{booking_id}",
    ]
    found = []
    page.context.clear_cookies()
    page.goto("/login")
    found += [("visitor", "/login", v) for v in _violations(page)]
    for user, paths in (
        (world.facilitator, program_pages + [f"/programs/{pid}/sessions/new"]),
        (world.expert, program_pages),
        (world.alice, program_pages + picker),
        (admin, ["/admin/outbox/", f"/programs/{pid}/google"]),
    ):
        _sign_in(page, user)
        for path in paths:
            assert page.goto(path).status == 200, (user.name, path)
            page.wait_for_load_state("networkidle")
            found += [(user.name, path, v) for v in _violations(page)]
    context.close()
    assert found == []
