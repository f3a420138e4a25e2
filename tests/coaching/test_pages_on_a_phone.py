"""At 390 px (a phone), in French, no main page (coaching, sessions, members, calendar,
preferences) is wider than the screen: wide tables and the week grid scroll in their own box."""

from __future__ import annotations

import pytest

from tests.coaching.helpers import hour_from_now, local_iso

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def test_no_page_scrolls_sideways_on_a_phone(db, page, world, publish, book, client, make_user):
    from werkzeug.security import generate_password_hash

    admin = make_user(is_admin=True, locale="fr_CA")
    for user in (world.facilitator, world.alice, admin):
        user.password_hash = generate_password_hash("a-long-password-1")
        user.locale = "fr_CA"
    db.session.commit()
    slots = publish(hours=48, count=3)
    book(slots[0]["id"], world.alice, note="Grille salariale")
    open_slot = slots[1]["id"]
    sid = client.post(
        f"/api/v1/programs/{world.program.id}/sessions",
        json={
            "title": "Structure salariale et équité interne",
            "starts_at": local_iso(hour_from_now(30)),
            "duration_minutes": 90,
        },
        headers=world.headers[world.facilitator.id],
    ).json["id"]
    pid = world.program.id
    paths = [
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
    ]
    picker = [
        f"/programs/{pid}/coaching/book",
        f"/programs/{pid}/coaching/book?slot={open_slot}",
    ]
    page.set_viewport_size(PHONE)
    too_wide = []
    for user, pages in (
        (world.facilitator, paths),
        (world.alice, paths + picker),
        (admin, ["/admin/outbox/"]),
    ):
        page.context.clear_cookies()
        page.goto("/login")
        page.fill('input[name="email"]', user.email)
        page.fill('input[name="password"]', "a-long-password-1")
        with page.expect_navigation():
            page.press('input[name="password"]', "Enter")
        for path in pages:
            assert page.goto(path).status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append((user.name, path, width))
    assert too_wide == []
