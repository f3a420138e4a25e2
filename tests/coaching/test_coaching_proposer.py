from datetime import UTC, datetime, time, timedelta

from training.coaching.proposer import (
    OpenSlot,
    ParticipantNeed,
    WeeklyBlock,
    is_blocked,
    propose_batch,
    propose_sessions,
)

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)  # Monday
END = datetime(2026, 4, 1, 4, tzinfo=UTC)


def daily_slots(expert_id, first_id, days=84, hour_utc=15):
    """One 1-hour slot a day (10:00 Toronto in winter) for ``days`` days."""
    out = []
    for d in range(days):
        s = datetime(2026, 1, 6, hour_utc, tzinfo=UTC) + timedelta(days=d)
        out.append(OpenSlot(first_id + d, expert_id, s, s + timedelta(hours=1)))
    return out


def gaps(plan):
    return [b.starts_at - a.starts_at for a, b in zip(plan, plan[1:], strict=False)]


def test_spreads_remaining_sessions_at_least_a_week_apart():
    plan = propose_sessions(ParticipantNeed(1, 5), daily_slots(10, 1), now=NOW, until=END)
    assert len(plan) == 5
    assert all(g >= timedelta(days=7) for g in gaps(plan))
    # Spread over the whole program, not bunched at the start.
    assert plan[0].starts_at < NOW + timedelta(days=20)
    assert plan[-1].starts_at > END - timedelta(days=20)


def test_keeps_away_from_sessions_already_booked():
    booked = [datetime(2026, 2, 10, 15, tzinfo=UTC)]
    plan = propose_sessions(
        ParticipantNeed(1, 3, booked_starts=booked), daily_slots(10, 1), now=NOW, until=END
    )
    assert len(plan) == 3
    assert all(abs(p.starts_at - booked[0]) >= timedelta(days=7) for p in plan)


def test_avoids_weekly_times_the_participant_cannot_make():
    # Mornings on Mondays to Thursdays are out (Toronto time); slots are at 10:00 Toronto.
    blocks = [WeeklyBlock(wd, time(8), time(12)) for wd in range(4)]
    plan = propose_sessions(
        ParticipantNeed(1, 5, unavailable=blocks), daily_slots(10, 1), now=NOW, until=END
    )
    assert len(plan) == 5
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("America/Toronto")
    assert {p.starts_at.astimezone(tz).weekday() for p in plan} <= {4, 5, 6}


def test_block_checked_in_participant_zone_across_dst():
    # 2026-03-09 (Monday after spring forward) 14:00 UTC = 10:00 EDT.
    s = datetime(2026, 3, 9, 14, tzinfo=UTC)
    slot = OpenSlot(1, 1, s, s + timedelta(hours=1))
    assert is_blocked(slot, [WeeklyBlock(0, time(10), time(11))], "America/Toronto")
    assert not is_blocked(slot, [WeeklyBlock(0, time(9), time(10))], "America/Toronto")
    assert is_blocked(slot, [WeeklyBlock(0, time(15), time(16))], "Europe/Paris")


def test_returns_fewer_when_not_enough_room():
    slots = daily_slots(10, 1, days=20)
    plan = propose_sessions(ParticipantNeed(1, 5), slots, now=NOW, until=END)
    assert len(plan) == 3  # 20 days: days 0, 7, 14
    assert all(g >= timedelta(days=7) for g in gaps(plan))


def test_prefers_the_participants_expert():
    slots = daily_slots(10, 1) + daily_slots(20, 1000, hour_utc=17)
    plan = propose_sessions(
        ParticipantNeed(1, 4, preferred_expert_id=20), slots, now=NOW, until=END
    )
    assert {p.expert_id for p in plan} == {20}


def test_nothing_to_propose_when_quota_used():
    assert propose_sessions(ParticipantNeed(1, 0), daily_slots(10, 1), now=NOW, until=END) == []


def test_batch_never_gives_a_slot_twice_and_balances_experts():
    slots = daily_slots(10, 1) + daily_slots(20, 1000)
    needs = [ParticipantNeed(pid, 3) for pid in range(1, 7)]
    plans = propose_batch(needs, slots, now=NOW, until=END)
    ids = [s.id for plan in plans.values() for s in plan]
    assert len(ids) == len(set(ids)) == 18
    load = {10: 0, 20: 0}
    for plan in plans.values():
        assert len({s.expert_id for s in plan}) == 1  # one expert per participant
        assert all(g >= timedelta(days=7) for g in gaps(plan))
        for s in plan:
            load[s.expert_id] += 1
    assert load == {10: 9, 20: 9}


def test_batch_keeps_existing_expert_and_counts_existing_load():
    slots = daily_slots(10, 1) + daily_slots(20, 1000)
    needs = [
        ParticipantNeed(1, 2, preferred_expert_id=10),
        ParticipantNeed(2, 2),
        ParticipantNeed(3, 2),
    ]
    plans = propose_batch(needs, slots, now=NOW, until=END, expert_load={10: 6, 20: 0})
    assert {s.expert_id for s in plans[1]} == {10}
    # Expert 10 already carries 6 + 2; the newcomers go to expert 20.
    assert {s.expert_id for s in plans[2]} == {20}
    assert {s.expert_id for s in plans[3]} == {20}
