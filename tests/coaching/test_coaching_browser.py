"""End to end in Debian's chromium (locale fr-CA): a participant books from the open slots,
grouped by day in their own time zone, and sees their usage go up."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from playwright.sync_api import expect

from tests.coaching.helpers import TZ, hour_from_now

pytestmark = pytest.mark.browser


def test_participant_books_a_slot_from_the_day_list(
    app, db, page, make_program, make_member, live_server
):
    from training.coaching.models import Booking, CoachingSlot

    program = make_program(title="CoPA", timezone=TZ)
    expert = make_member(program, "expert", name="Eve Expert").user
    alice = make_member(
        program,
        "participant",
        name="Alice",
        password="alice-secret-2027",
        timezone="Europe/Paris",
        locale="fr_CA",
    ).user
    # 20:00-22:00 in Toronto is 02:00-04:00 the next day in Paris.
    start = hour_from_now(96).astimezone(ZoneInfo(TZ)).replace(hour=20)
    for hour in (0, 1):
        db.session.add(
            CoachingSlot(
                program_id=program.id,
                expert_id=expert.id,
                starts_at=start + timedelta(hours=hour),
                ends_at=start + timedelta(hours=hour + 1),
            )
        )
    db.session.commit()
    pid, alice_id = program.id, alice.id
    paris_day = start.astimezone(ZoneInfo("Europe/Paris")).date()
    with force_locale("fr_CA"):  # what the fr-CA browser gets (English until translated)
        book_label, sign_in, cancel_label = _("Book a session"), _("Sign in"), _("Cancel")
        confirm_label, booked_title = _("Confirm the booking"), _("You are booked")
        used = [
            ngettext(
                "%(num)s of %(quota)s coaching sessions used",
                "%(num)s of %(quota)s coaching sessions used",
                n,
                quota=5,
            )
            for n in (0, 1)
        ]
    assert used == [  # French agrees with the number: "1 séance … utilisée"
        "0 séance de coaching utilisée sur 5",
        "1 séance de coaching utilisée sur 5",
    ]
    heading = format_date(paris_day, "full", locale="fr_CA")

    page.goto("/login")
    page.fill("input[name=email]", alice.email)
    page.fill("input[name=password]", "alice-secret-2027")
    page.get_by_role("button", name=sign_in, exact=True).click()
    page.goto(f"/programs/{pid}/coaching")
    expect(page.locator("#my-coaching .usage")).to_have_text(used[0])

    # The picker: the month marks the one day with open times (in Paris), its times follow,
    # then the confirm step with the note, then the success screen.
    page.get_by_role("link", name=book_label, exact=True).first.click()
    page.wait_for_url(re.compile(rf"/programs/{pid}/coaching/book"))
    open_days = page.locator("calendar-month button[part~=available]")
    expect(open_days).to_have_count(1)
    open_days.click()
    page.wait_for_url(re.compile(rf"day={paris_day.isoformat()}"))
    expect(page.locator(".picker-times")).to_contain_text(heading)
    times = page.locator("a.picker-time")
    expect(times).to_have_count(2)
    page.locator("a.picker-time", has_text="02:00–03:00").click()
    expect(page.locator("#confirm")).to_contain_text("Eve Expert")
    page.locator("#f-note").fill("Plan de relève")
    page.get_by_role("button", name=confirm_label, exact=True).click()
    page.wait_for_url(re.compile(rf"/programs/{pid}/coaching/bookings/\d+$"))
    expect(page.locator("h1")).to_have_text(booked_title)
    expect(page.locator(".booking-done")).to_contain_text("02:00")
    expect(page.locator("a[href*='calendar.google.com/calendar/render']")).to_have_count(1)
    page.goto(f"/programs/{pid}/coaching")

    expect(page.locator("#my-coaching .usage")).to_have_text(used[1])
    booked = page.locator("ul.bookings li")
    expect(booked).to_have_count(1)
    expect(booked).to_contain_text("Eve Expert")
    expect(booked).to_contain_text("Plan de relève")
    # The booked time left the picker; the other one is still there.
    page.goto(f"/programs/{pid}/coaching/book?day={paris_day.isoformat()}")
    expect(page.locator("a.picker-time", has_text="02:00–03:00")).to_have_count(0)
    expect(page.locator("a.picker-time", has_text="03:00–04:00")).to_have_count(1)
    page.goto(f"/programs/{pid}/coaching")

    db.session.rollback()  # a fresh snapshot: see what the live server committed
    booking = db.session.scalars(db.select(Booking)).one()
    assert booking.participant_id == alice_id
    local_start = booking.slot.starts_at.astimezone(ZoneInfo("Europe/Paris"))
    assert (local_start.date(), local_start.strftime("%H:%M")) == (paris_day, "02:00")

    # Cancelling asks first: dismissed, nothing changes; confirmed, the booking is cancelled.
    booked = page.locator("ul.bookings li")
    cancel = booked.get_by_role("button", name=cancel_label, exact=True)
    confirm = page.locator("#copa-confirm")
    cancel.click()
    expect(confirm).to_be_visible()
    confirm.locator("[data-bs-dismiss=modal]").click()  # "go back": the modal closes
    expect(confirm).to_be_hidden()
    expect(page.locator("ul.bookings li")).to_have_count(1)
    db.session.rollback()
    assert db.session.scalars(db.select(Booking)).one().status == "booked"
    cancel.click()
    expect(confirm).to_be_visible()
    with page.expect_navigation():
        page.locator("#copa-confirm-yes").click()
    expect(page.locator("#my-coaching .usage")).to_have_text(used[0])
    db.session.rollback()
    assert db.session.scalars(db.select(Booking)).one().status == "cancelled"
