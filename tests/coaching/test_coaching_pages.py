"""The coaching pages as each role sees them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

from tests.coaching.helpers import TZ, hour_from_now, local_iso


def page(app, login, user, pid, **params):
    c = login(app.test_client(), user)
    r = c.get(f"/programs/{pid}/coaching", query_string=params)
    assert r.status_code == 200
    return c, r.get_data(as_text=True)


def test_participant_sees_usage_and_slots_by_day_in_own_zone(app, login, world, publish, db):
    world.alice.timezone = "Europe/Paris"
    world.alice.locale = "en"
    db.session.commit()
    # 20:00-22:00 in Toronto is 02:00-04:00 the next day in Paris.
    start = hour_from_now(96).astimezone(ZoneInfo("America/Toronto")).replace(hour=20)
    r = app.test_client().post(
        f"/api/v1/programs/{world.program.id}/availability",
        json={"starts_at": local_iso(start), "ends_at": local_iso(start + timedelta(hours=2))},
        headers=world.headers[world.expert.id],
    )
    slots = r.get_json()["slots"]
    pid, alice_id = world.program.id, world.alice.id
    c, html = page(app, login, world.alice, pid)
    assert "0 of 5 coaching sessions used" in html
    paris_day = datetime.fromisoformat(slots[0]["starts_at"]).astimezone(ZoneInfo("Europe/Paris"))
    picker = c.get(f"/programs/{pid}/coaching/book").get_data(as_text=True)
    assert f'"{paris_day.date().isoformat()}"' in picker  # the month marks the Paris day
    html = c.get(f"/programs/{pid}/coaching/book?day={paris_day.date().isoformat()}").get_data(
        as_text=True
    )
    assert format_date(paris_day.date(), "full", locale="en") in html  # "Tuesday, December 1, …"
    assert "02:00–03:00" in html and "03:00–04:00" in html

    r = c.post(
        f"/programs/{pid}/coaching/slots/{slots[0]['id']}/book", data={"note": "Hiring plan"}
    )
    assert r.status_code == 302 and "/coaching/bookings/" in r.headers["Location"]
    done = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "You are booked" in done and "calendar.google.com/calendar/render" in done
    html = c.get(f"/programs/{pid}/coaching").get_data(as_text=True)
    assert "1 of 5 coaching sessions used" in html and "Hiring plan" in html

    from training.coaching.models import Booking

    booking = db.session.scalar(db.select(Booking).where(Booking.participant_id == alice_id))
    ics = c.get(f"/programs/{pid}/coaching/bookings/{booking.id}/event.ics")
    assert ics.mimetype == "text/calendar" and b"METHOD:PUBLISH" in ics.data
    assert f"UID:coaching-{booking.id}@".encode() in ics.data
    moving = c.get(f"/programs/{pid}/coaching/book?move={booking.id}").get_data(as_text=True)
    assert "Moving your session" in moving
    r = c.post(
        f"/programs/{pid}/coaching/slots/{slots[1]['id']}/book",
        data={"move": str(booking.id)},
        follow_redirects=True,
    )
    assert "Your session is moved" in r.get_data(as_text=True)
    assert "1 of 5 coaching sessions used" in r.get_data(as_text=True)
    r = c.post(f"/programs/{pid}/coaching/bookings/{booking.id}/cancel", follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Cancelled." in html and "0 of 5 coaching sessions used" in html


def test_booking_error_is_shown_on_the_page(app, login, world, publish, book):
    slot = publish()[0]
    book(slot["id"], world.bob)
    pid = world.program.id
    c = login(app.test_client(), world.alice)
    r = c.post(f"/programs/{pid}/coaching/slots/{slot['id']}/book")
    assert r.status_code == 409 and "no longer available" in r.get_data(as_text=True)


def test_expert_page_publishes_and_lists_bookings(app, login, world, book):
    pid = world.program.id
    c = login(app.test_client(), world.expert)
    start = hour_from_now(120)
    r = c.post(
        f"/programs/{pid}/coaching/availability",
        data={
            "starts_at": local_iso(start),
            "ends_at": local_iso(start + timedelta(hours=2)),
            "slot_minutes": "50",
            "buffer_minutes": "10",
        },
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert "Availability published." in html and html.count(">Withdraw</button>") == 2
    listing = (
        app.test_client()
        .get(f"/api/v1/programs/{pid}/slots?status=open", headers=world.headers[world.alice.id])
        .get_json()["slots"]
    )
    book(listing[0]["id"], world.alice, note="Cash flow")
    html = c.get(f"/programs/{pid}/coaching").get_data(as_text=True)
    assert "Alice" in html and "Cash flow" in html and "Save note" in html
    # Overlapping availability is refused with a message.
    r = c.post(
        f"/programs/{pid}/coaching/availability",
        data={"starts_at": local_iso(start), "ends_at": local_iso(start + timedelta(hours=1))},
        follow_redirects=True,
    )
    assert "overlaps" in r.get_data(as_text=True)


def test_facilitator_page_table_and_company_chart(app, login, world, publish, book):
    slot = publish()[0]
    book(slot["id"], world.alice, note="Confidential plan")
    _, html = page(app, login, world.facilitator, world.program.id)
    assert "Coaching per participant" in html and "Coaching use per company" in html
    assert f'data-participant="{world.alice.id}"' in html
    assert "Acme" in html and "Bolt" in html
    assert "1 of 5 sessions · 20 %" in html and "0 of 5 sessions · 0 %" in html  # a row for 0
    assert "Each bar runs from 0" in html
    assert "Confidential plan" not in html
    # no program dates: no pace, so nobody is called on or behind schedule
    assert "needs the program’s start and end dates" in html
    assert "expected by now" not in html


def test_behind_schedule_counts_against_the_programs_pace(app, login, world, db):
    from datetime import date

    today = date.today()
    world.program.starts_on = today - timedelta(days=60)
    world.program.ends_on = today + timedelta(days=60)  # half-way: 2 of 5 expected
    db.session.commit()
    _, html = page(app, login, world.facilitator, world.program.id)
    row = html[html.index(f'data-participant="{world.alice.id}"') :].split("</tr>")[0]
    assert "yes: 2 expected by now" in row
    assert "needs the program’s start and end dates" not in html


def test_outsider_gets_404(app, login, world):
    c = login(app.test_client(), world.outsider)
    assert c.get(f"/programs/{world.program.id}/coaching").status_code == 404


def test_participant_accepts_proposal_and_sets_weekly_block(app, login, world, publish):
    pid = world.program.id
    for week in range(3):
        slot = publish(hours=72 + week * 24 * 7)[0]
    # A weekly block on another day than the slots' does not remove any of them.
    local_start = datetime.fromisoformat(slot["starts_at"]).astimezone(ZoneInfo(TZ))
    other_day = (local_start.weekday() + 1) % 7
    day_name = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][
        other_day
    ]
    c = login(app.test_client(), world.alice)
    r = c.post(
        f"/programs/{pid}/coaching/unavailability",
        data={"weekday": str(other_day), "start": "08:00", "end": "09:30"},
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert f"{day_name} 08:00–09:30" in html
    html = c.get(f"/programs/{pid}/coaching?propose=1").get_data(as_text=True)
    proposed = re.findall(r'type="checkbox" name="slot_id" value="(\d+)"', html)
    assert len(proposed) == 3
    r = c.post(
        f"/programs/{pid}/coaching/proposal/accept",
        data={"slot_id": proposed[:2]},
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert "2 sessions booked." in html and "2 of 5 coaching sessions used" in html
    r = c.post(
        f"/programs/{pid}/coaching/unavailability", data={"remove": "0"}, follow_redirects=True
    )
    assert f"{day_name} 08:00" not in r.get_data(as_text=True)


def test_expert_page_reads_times_in_the_experts_own_zone(app, login, world, db):
    """The page shows the expert's zone, so what they type is in that zone (not the program's),
    and a weekly repeat keeps their wall clock."""
    world.expert.timezone = "Europe/Paris"
    db.session.commit()
    pid = world.program.id
    c = login(app.test_client(), world.expert)
    day = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=6)).date()
    r = c.post(
        f"/programs/{pid}/coaching/availability",
        data={
            "starts_at": f"{day}T10:00",
            "ends_at": f"{day}T11:00",
            "repeat_until": str(day + timedelta(days=7)),
        },
        follow_redirects=True,
    )
    assert "Availability published." in r.get_data(as_text=True)
    slots = (
        app.test_client()
        .get(f"/api/v1/programs/{pid}/slots?status=open", headers=world.headers[world.alice.id])
        .get_json()["slots"]
    )
    paris = [
        datetime.fromisoformat(s["starts_at"]).astimezone(ZoneInfo("Europe/Paris")) for s in slots
    ]
    assert [(p.date(), p.strftime("%H:%M")) for p in paris] == [
        (day, "10:00"),
        (day + timedelta(days=7), "10:00"),
    ]


def test_expert_page_refuses_bad_numbers_and_dates_with_a_message(app, login, world):
    pid = world.program.id
    c = login(app.test_client(), world.expert)
    start = hour_from_now(120)
    base = {"starts_at": local_iso(start), "ends_at": local_iso(start + timedelta(hours=8))}
    for extra in ({"repeat_until": "someday"}, {"slot_minutes": "1"}, {"buffer_minutes": "-5"}):
        r = c.post(
            f"/programs/{pid}/coaching/availability", data=base | extra, follow_redirects=True
        )
        assert r.status_code == 200
        html = r.get_data(as_text=True)
        assert "Check the dates and numbers." in html and "Withdraw" not in html


def test_another_programs_ids_answer_like_missing_ones_and_change_nothing(
    app, login, world, publish, book, make_program, make_member, db
):
    """Posting program A's slot and booking ids under program B's path tells B's members
    nothing: the answer is the one for an id that does not exist, and A's data is untouched."""
    from training.coaching.models import Booking, CoachingSlot

    slot, spare = publish(count=2)
    bid = book(slot["id"], world.alice).get_json()["id"]
    other = make_program(title="Program B")
    b_facilitator = make_member(other, "facilitator", name="Bea Facilitator").user
    b_participant = make_member(other, "participant", name="Ben Participant").user
    forms = [
        ("slots/{sid}/book", {}),
        ("slots/{sid}/withdraw", {}),
        ("bookings/{bid}/cancel", {"reason": "x"}),
        ("bookings/{bid}/reschedule", {"slot_id": str(spare["id"])}),
        ("bookings/{bid}/attendance", {"status": "attended"}),
        ("bookings/{bid}/notes", {"kind": "private", "body": "x"}),
        ("bookings/{bid}/notes", {"kind": "shared", "body": "x"}),
        ("bookings/{bid}/notes", {"kind": "preparation", "body": "x"}),
    ]
    for user in (b_facilitator, b_participant):
        c = login(app.test_client(), user)
        for path, form in forms:
            real = path.format(sid=slot["id"], bid=bid)
            missing = path.format(sid=999999, bid=999999)
            got = c.post(f"/programs/{other.id}/coaching/{real}", data=form).status_code
            want = c.post(f"/programs/{other.id}/coaching/{missing}", data=form).status_code
            assert got == want, (user.name, path, got, want)
            assert got in (403, 404)
        # A participant of B, who may book and write notes there, gets 404 for A's ids.
    c = login(app.test_client(), b_participant)
    assert c.post(f"/programs/{other.id}/coaching/slots/{slot['id']}/book").status_code == 404
    db.session.expire_all()
    assert db.session.get(Booking, bid).status == "booked"
    assert db.session.get(Booking, bid).notes == []
    assert db.session.get(CoachingSlot, spare["id"]).status == "open"


def test_only_bookable_slots_are_offered(app, login, world, publish, db):
    """Slots inside the minimum notice (12 h) have no Book button; past the notice they do."""
    soon = publish(hours=2)[0]  # starts in ~3 h: too late to book
    later = publish(hours=48)[0]
    c, html = page(app, login, world.alice, world.program.id)
    assert f"slot={later['id']}" in html and f"slot={soon['id']}" not in html  # soonest times
    html = c.get(f"/programs/{world.program.id}/coaching/book").get_data(as_text=True)
    days = re.findall(r"day=(\d{4}-\d\d-\d\d)", html)
    times = "".join(
        c.get(f"/programs/{world.program.id}/coaching/book?day={d}").get_data(as_text=True)
        for d in set(days)
    )
    assert f"slot={later['id']}" in times and f"slot={soon['id']}" not in times
    # a time inside the notice, reached by its link, is refused before any form is shown
    r = c.get(f"/programs/{world.program.id}/coaching/book?slot={soon['id']}")
    assert "That time is no longer available" in r.get_data(as_text=True)
    assert 'id="confirm"' not in r.get_data(as_text=True)


def test_all_sessions_used_offers_nothing_to_book(app, login, world, publish, book, db):
    world.program.coaching_quota = 1
    db.session.commit()
    first, second = publish(hours=48, count=2)
    assert book(first["id"], world.alice).status_code == 201
    c, html = page(app, login, world.alice, world.program.id)
    assert "1 of 1 coaching sessions used" in html
    assert "You have used all 1 of your coaching sessions" in html
    assert f"slot={second['id']}" not in html and 'id="book-a-session"' not in html
    assert "Propose my remaining sessions" not in html
    html = c.get(f"/programs/{world.program.id}/coaching/book").get_data(as_text=True)
    assert 'id="quota-used"' in html and "calendar-date" not in html
    # moving the booked session stays possible, through the same picker
    booking_id = re.search(
        r"move=(\d+)", c.get(f"/programs/{world.program.id}/coaching").get_data(as_text=True)
    ).group(1)
    html = c.get(
        f"/programs/{world.program.id}/coaching/book?move={booking_id}&slot={second['id']}"
    ).get_data(as_text=True)
    assert 'id="confirm"' in html and "Move to this time" in html


def test_a_refused_booking_keeps_the_preparation_note(app, login, world, publish, book):
    taken, other = publish(hours=48)[0], publish(hours=72)[0]
    book(taken["id"], world.bob)  # taken while Alice was writing her note
    c = login(app.test_client(), world.alice)
    r = c.post(
        f"/programs/{world.program.id}/coaching/slots/{taken['id']}/book",
        data={"note": "Revoir la grille salariale"},
    )
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "no longer available" in html and "Your note is kept" in html
    # the next time chosen opens its confirm step with the note already in it
    html = c.get(f"/programs/{world.program.id}/coaching/book?slot={other['id']}").get_data(
        as_text=True
    )
    form = html[html.index(f"/coaching/slots/{other['id']}/book") :]
    assert ">Revoir la grille salariale</textarea>" in form[: form.index("</form>")]
    again = c.get(f"/programs/{world.program.id}/coaching/book?slot={other['id']}").get_data(
        as_text=True
    )
    assert "Revoir la grille salariale" not in again  # kept for the next page only
    # a note too long is refused beside the field, as typed, and nothing is booked
    r = c.post(
        f"/programs/{world.program.id}/coaching/slots/{other['id']}/book",
        data={"note": "x" * 4001},
    )
    assert r.status_code == 422
    assert 'id="f-note-error"' in r.get_data(as_text=True)
    assert "0 of 5 coaching sessions used" in c.get(
        f"/programs/{world.program.id}/coaching"
    ).get_data(as_text=True)


def test_an_admin_who_is_not_a_participant_gets_no_booking_section(
    app, login, world, make_user, publish
):
    publish(hours=48)
    admin = make_user(is_admin=True)
    _c, html = page(app, login, admin, world.program.id)
    assert 'id="my-coaching"' not in html and "My coaching sessions" not in html
    assert "/book" not in html
    assert "Coaching use per company" in html  # the facilitator's overview stays


def test_program_overview_says_whats_next_for_each_role(
    app, login, world, publish, book, client, db
):
    from datetime import date

    world.program.starts_on = date.today() - timedelta(days=60)
    world.program.ends_on = date.today() + timedelta(days=60)
    db.session.commit()
    start = hour_from_now(30)
    client.post(
        f"/api/v1/programs/{world.program.id}/sessions",
        json={
            "title": "Structure salariale",
            "starts_at": local_iso(start),
            "duration_minutes": 90,
        },
        headers=world.headers[world.facilitator.id],
    )
    slots = publish(hours=72, count=3)
    book(slots[0]["id"], world.alice)
    pid = world.program.id

    def overview(user):
        c = login(app.test_client(), user)
        return c.get(f"/programs/{pid}").get_data(as_text=True)

    alice = overview(world.alice)
    assert "Next training session" in alice and "Structure salariale" in alice
    assert "Say whether you are coming" in alice
    assert "1 of 5 coaching sessions used" in alice
    assert "Your next coaching:" in alice and "Eve Expert" in alice
    assert "Book a session (2 slots open)" in alice
    assert "participants behind schedule" not in alice  # not the facilitator's business

    expert = overview(world.expert)
    assert "Your next coaching:" in expert and "with Alice" in expert
    assert "1 coaching session booked with you" in expert

    facilitator = overview(world.facilitator)
    assert "1 participant has not booked any coaching yet" in facilitator  # Bob
    assert "2 participants behind schedule" in facilitator  # 2 expected by now, at 1 and 0
    assert "Book a session" not in facilitator


def test_overview_without_sessions_or_slots_says_so(app, login, world):
    c = login(app.test_client(), world.alice)
    html = c.get(f"/programs/{world.program.id}").get_data(as_text=True)
    assert "No training session is scheduled yet." in html
    assert "No slot is open right now" in html
