"""The session pages in a real browser (chromium through Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "a-long-password-1"


def _sign_in(page, user):
    page.goto("/login")
    page.fill('input[name="email"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")


@pytest.mark.browser
def test_facilitator_schedules_and_participant_answers(
    make_program, make_member, page, _browser, live_server, future, db
):
    from training.sessions.models import SessionRsvp, TrainingSession

    program = make_program(title="CoPA Browser", planned_sessions=10)
    facilitator = make_member(program, "facilitator", password=PASSWORD).user
    participant = make_member(program, "participant", password=PASSWORD).user

    _sign_in(page, facilitator)
    page.goto(f"/programs/{program.id}/sessions/new")
    page.fill('input[name="title"]', "Atelier prix")
    starts_at = future(days=4, hour=10)
    page.fill('input[name="starts_at"]', starts_at)
    page.fill('input[name="duration_minutes"]', "90")
    page.fill('input[name="join_url"]', "https://meet.example/atelier")
    with page.expect_navigation():
        page.click('form.session-form button[type="submit"]')
    assert re.search(r"/sessions/\d+$", page.url)
    assert "Atelier prix" in page.inner_text("h1")
    page.goto(f"/programs/{program.id}/sessions?week={starts_at[:10]}")  # opens on that day
    planned = page.inner_text("#planned")
    assert "1" in planned and "10" in planned
    # the calendar (FullCalendar) draws the new session as a link to its page
    expect(page.locator("#copa-calendar a.copa-session", has_text="Atelier prix")).to_have_count(1)

    db.session.rollback()  # end the test's read snapshot: see what the server wrote
    session = db.session.scalar(db.select(TrainingSession))
    other = _browser.new_context(base_url=live_server.url, locale="en-CA")
    tab = other.new_page()
    try:
        _sign_in(tab, participant)
        tab.goto(f"/sessions/{session.id}")
        assert tab.locator("a.join").count() == 0  # more than 15 minutes ahead
        with tab.expect_navigation():
            tab.click('button[name="response"][value="yes"]')
        assert tab.get_attribute('button[value="yes"]', "aria-pressed") == "true"
    finally:
        other.close()
    db.session.rollback()
    rsvp = db.session.scalar(db.select(SessionRsvp))
    assert (rsvp.user_id, rsvp.response) == (participant.id, "yes")
