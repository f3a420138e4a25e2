"""The booking state machine: every change of a booking's state goes through one table."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from training.coaching import lifecycle
from training.coaching import rules as r

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def _booking(status=r.BOOKED):
    return SimpleNamespace(status=status, sequence=0, slot_id=1, cancelled_at=None, updated_at=None)


def test_cancel_moves_and_bumps_the_invite_sequence(app):
    b = _booking()
    lifecycle.cancel(b, r.LATE_CANCELLED, NOW)
    assert (b.status, b.sequence, b.cancelled_at) == (r.LATE_CANCELLED, 1, NOW)
    with pytest.raises(r.RuleViolation) as refused:  # a cancelled booking stays cancelled
        lifecycle.cancel(b, r.CANCELLED, NOW)
    assert refused.value.code == "not_active" and b.sequence == 1


def test_a_move_keeps_it_booked_and_bumps_the_sequence(app):
    b = _booking()
    lifecycle.move_to_slot(b, 9, NOW)
    assert (b.status, b.slot_id, b.sequence) == (r.BOOKED, 9, 1)
    lifecycle.mark_attendance(b, r.ATTENDED, NOW)
    with pytest.raises(r.RuleViolation):  # a session that took place is not moved
        lifecycle.move_to_slot(b, 10, NOW)
    assert b.slot_id == 9


def test_attendance_can_be_corrected_but_not_after_a_cancellation(app):
    b = _booking()
    lifecycle.mark_attendance(b, r.NO_SHOW, NOW)
    lifecycle.mark_attendance(b, r.ATTENDED, NOW)
    assert b.status == r.ATTENDED
    gone = _booking(r.EXPERT_CANCELLED)
    with pytest.raises(r.RuleViolation):
        lifecycle.mark_attendance(gone, r.ATTENDED, NOW)
    with pytest.raises(ValueError):
        lifecycle.cancel(_booking(), r.ATTENDED, NOW)  # not a cancellation


def test_every_state_has_its_moves():
    assert set(lifecycle.MOVES) == set(r.STATUSES)
