from datetime import UTC, date, datetime, timedelta

import pytest

from training.coaching import rules as r

NOW = datetime(2026, 2, 2, 12, tzinfo=UTC)


def test_quota_counts_active_and_late_cancellations_by_setting():
    statuses = [r.BOOKED, r.ATTENDED, r.NO_SHOW, r.CANCELLED, r.LATE_CANCELLED, r.EXPERT_CANCELLED]
    assert r.used_sessions(statuses, r.CoachingRules()) == 4
    assert r.used_sessions(statuses, r.CoachingRules(late_cancel_counts=False)) == 3
    assert r.remaining_sessions(statuses, r.CoachingRules()) == 1


def test_quota_exceeded():
    rules = r.CoachingRules(quota=5)
    start = NOW + timedelta(days=3)
    r.check_booking(rules, start, start + timedelta(hours=1), NOW, used=4)
    with pytest.raises(r.RuleViolation) as err:
        r.check_booking(rules, start, start + timedelta(hours=1), NOW, used=5)
    assert (err.value.code, err.value.status) == ("quota_exceeded", 409)
    # A reschedule does not use more quota.
    r.check_booking(rules, start, start + timedelta(hours=1), NOW, used=5, rescheduling=True)


def test_minimum_notice_default_12h():
    rules = r.CoachingRules()
    ok = NOW + timedelta(hours=12)
    r.check_timing(rules, ok, ok + timedelta(hours=1), NOW)
    late = NOW + timedelta(hours=11, minutes=59)
    with pytest.raises(r.RuleViolation) as err:
        r.check_timing(rules, late, late + timedelta(hours=1), NOW)
    assert (err.value.code, err.value.status) == ("too_late", 422)


def test_program_dates_in_program_zone():
    rules = r.CoachingRules(starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 28))
    # 2026-02-28 23:00-24:00 Toronto = 2026-03-01 04:00-05:00 UTC: still inside the program.
    s = datetime(2026, 3, 1, 5, tzinfo=UTC)
    r.check_timing(rules, s - timedelta(hours=1), s, NOW)
    with pytest.raises(r.RuleViolation) as err:
        r.check_timing(rules, s, s + timedelta(hours=1), NOW)
    assert err.value.code == "outside_program"


def test_pacing_off_by_default_and_enforced_when_set():
    start = NOW + timedelta(days=5)
    r.check_pacing(r.CoachingRules(), start, [start + timedelta(days=1)])
    with pytest.raises(r.RuleViolation) as err:
        r.check_pacing(r.CoachingRules(pacing_days=7), start, [start + timedelta(days=6)])
    assert err.value.code == "pacing"
    r.check_pacing(r.CoachingRules(pacing_days=7), start, [start + timedelta(days=7)])


def test_cancel_cutoff_default_24h_and_override():
    rules = r.CoachingRules()
    assert r.cancellation_status(rules, NOW + timedelta(hours=24), NOW) == r.CANCELLED
    with pytest.raises(r.RuleViolation) as err:
        r.cancellation_status(rules, NOW + timedelta(hours=23), NOW)
    assert (err.value.code, err.value.status) == ("cancel_cutoff", 409)
    assert (
        r.cancellation_status(rules, NOW + timedelta(hours=23), NOW, override=True)
        == r.LATE_CANCELLED
    )


def test_behind_schedule():
    rules = r.CoachingRules(quota=5, starts_on=date(2026, 1, 1), ends_on=date(2026, 5, 31))
    # Halfway through (day 76 of 151): 2 sessions expected.
    assert r.expected_used_by(rules, date(2026, 3, 17)) == 2
    assert r.is_behind_schedule(rules, 1, date(2026, 3, 17))
    assert not r.is_behind_schedule(rules, 2, date(2026, 3, 17))
    assert r.expected_used_by(rules, date(2026, 5, 31)) == 5
    assert r.expected_used_by(r.CoachingRules(), date(2026, 3, 17)) == 0
