"""The expert's weekly availability editor: preview, publish, refusals that keep what was typed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.coaching.helpers import TZ
from training.coaching.weekly import WeekPlan, plan_slots


def _form(first: date, last: date, days: dict[int, tuple[str, str]], **extra) -> dict:
    data = {
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "slot_minutes": "60",
        "buffer_minutes": "0",
    }
    for n in range(7):
        if n in days:
            data[f"days-{n}-on"] = "y"
            data[f"days-{n}-starts"], data[f"days-{n}-ends"] = days[n]
        else:
            data[f"days-{n}-starts"], data[f"days-{n}-ends"] = "09:00", "12:00"
    return data | extra


def _period():
    today = datetime.now(ZoneInfo(TZ)).date()
    first = today + timedelta(days=(7 - today.weekday()))  # next Monday
    return first, first + timedelta(days=13)  # two full weeks


def _open_slots(app, world):
    return (
        app.test_client()
        .get(
            f"/api/v1/programs/{world.program.id}/slots?status=open",
            headers=world.headers[world.alice.id],
        )
        .get_json()["slots"]
    )


def test_preview_shows_the_slots_then_publish_creates_exactly_them(app, login, world):
    pid = world.program.id
    c = login(app.test_client(), world.expert)
    page = c.get(f"/programs/{pid}/coaching/availability/week")
    assert page.status_code == 200 and "My weekly availability" in page.get_data(as_text=True)
    first, last = _period()
    # Monday 09:00-11:00 and Thursday 14:00-15:30 with 45 min sessions and a 15 min pause.
    data = _form(first, last, {0: ("09:00", "11:00"), 3: ("14:00", "15:30")})
    data |= {"slot_minutes": "45", "buffer_minutes": "15", "action": "preview"}
    r = c.post(f"/programs/{pid}/coaching/availability/week", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "6 sessions will be created" in html and "Publish 6 sessions" in html
    assert html.count("09:00–09:45") == 2 and html.count("10:00–10:45") == 2
    assert html.count("14:00–14:45") == 2 and "14:45–15:30" not in html  # pause included
    assert _open_slots(app, world) == []  # a preview writes nothing
    r = c.post(
        f"/programs/{pid}/coaching/availability/week",
        data=data | {"action": "publish"},
        follow_redirects=True,
    )
    assert "6 coaching slots published." in r.get_data(as_text=True)
    starts = sorted(
        datetime.fromisoformat(s["starts_at"]).astimezone(ZoneInfo(TZ))
        for s in _open_slots(app, world)
    )
    assert [(s.date(), s.strftime("%H:%M")) for s in starts] == [
        (first, "09:00"),
        (first, "10:00"),
        (first + timedelta(days=3), "14:00"),
        (first + timedelta(days=7), "09:00"),
        (first + timedelta(days=7), "10:00"),
        (first + timedelta(days=10), "14:00"),
    ]


def test_a_refusal_keeps_what_was_typed_beside_the_field(app, login, world):
    pid = world.program.id
    c = login(app.test_client(), world.expert)
    first, last = _period()
    data = _form(first, last, {1: ("15:00", "13:30"), 4: ("08:15", "10:00")}, action="publish")
    r = c.post(f"/programs/{pid}/coaching/availability/week", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    tuesday = html[html.index('data-weekday="1"') :].split("</fieldset>")[0]
    assert "The end comes after the start." in tuesday
    assert 'value="15:00"' in tuesday and 'value="13:30"' in tuesday
    friday = html[html.index('data-weekday="4"') :].split("</fieldset>")[0]
    assert 'value="08:15"' in friday and "checked" in friday and "error" not in friday
    assert f'value="{first.isoformat()}"' in html
    assert _open_slots(app, world) == []
    # A period that ends before it starts is refused under the last day.
    data = _form(last, first, {0: ("09:00", "10:00")}, action="preview")
    html = c.post(f"/programs/{pid}/coaching/availability/week", data=data).get_data(as_text=True)
    assert 'id="e-last_day"' in html and "The last day comes before the first." in html
    # No day ticked at all.
    data = _form(first, last, {}, action="preview")
    r = c.post(f"/programs/{pid}/coaching/availability/week", data=data)
    assert r.status_code == 422 and "Choose at least one day of the week." in r.get_data(
        as_text=True
    )


def test_clashes_are_marked_and_a_second_publish_creates_nothing(app, login, world):
    """A double click, or a plan that overlaps what is published: refused, nothing doubled."""
    pid = world.program.id
    c = login(app.test_client(), world.expert)
    first, last = _period()
    data = _form(first, last, {2: ("10:00", "12:00")}, action="publish")
    assert c.post(f"/programs/{pid}/coaching/availability/week", data=data).status_code == 302
    assert len(_open_slots(app, world)) == 4
    r = c.post(f"/programs/{pid}/coaching/availability/week", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'data-code="overlap"' in html
    assert len(re.findall(r'class="badge text-bg-danger clash"', html)) == 4
    assert 'id="publish-week"' not in html  # no publish button while sessions clash
    assert len(_open_slots(app, world)) == 4
    # Wednesday 12:00-13:00 touches but does not overlap: publishable.
    data = _form(first, last, {2: ("12:00", "13:00")}, action="preview")
    html = c.post(f"/programs/{pid}/coaching/availability/week", data=data).get_data(as_text=True)
    assert "clash" not in html.split('id="week-preview"')[1] and 'id="publish-week"' in html


def test_only_the_programs_experts_reach_the_editor(app, login, world, make_program):
    pid = world.program.id
    for user, status in ((world.alice, 403), (world.facilitator, 403), (world.outsider, 404)):
        c = login(app.test_client(), user)
        assert c.get(f"/programs/{pid}/coaching/availability/week").status_code == status
        first, last = _period()
        r = c.post(
            f"/programs/{pid}/coaching/availability/week",
            data=_form(first, last, {0: ("09:00", "10:00")}, action="publish"),
        )
        assert r.status_code == status
    assert _open_slots(app, world) == []


def test_a_weekly_plan_keeps_its_wall_clock_across_the_fall_back_day():
    """2026-11-01: Toronto leaves EDT (UTC-4) for EST (UTC-5); 09:00 stays 09:00."""
    plan = WeekPlan(
        first_day=date(2026, 10, 26),
        last_day=date(2026, 11, 8),
        hours={0: (time(9), time(10)), 6: (time(1), time(2))},
    )
    slots = plan_slots(plan, TZ, now=datetime(2026, 10, 1, tzinfo=UTC))
    assert [s.starts_at.isoformat() for s in slots] == [
        "2026-10-26T13:00:00+00:00",  # Monday 09:00 EDT
        "2026-11-01T05:00:00+00:00",  # Sunday 01:00, the first of the two (EDT)
        "2026-11-02T14:00:00+00:00",  # Monday 09:00 EST
        "2026-11-08T06:00:00+00:00",  # Sunday 01:00 EST
    ]
