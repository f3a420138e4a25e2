from datetime import UTC, date, datetime

import pytest

from training.coaching.slotgen import (
    AvailabilityError,
    Interval,
    find_overlaps,
    generate_slots,
)

TZ = "America/Toronto"


def utc(*a):
    return datetime(*a, tzinfo=UTC)


def test_window_cut_into_slots_with_buffer():
    slots = generate_slots(
        datetime(2026, 1, 12, 9), datetime(2026, 1, 12, 12), TZ, slot_minutes=45, buffer_minutes=15
    )
    # EST = UTC-5: 09:00, 10:00, 11:00 local; the last slot ends 11:45.
    assert [(s.starts_at, s.ends_at) for s in slots] == [
        (utc(2026, 1, 12, 14), utc(2026, 1, 12, 14, 45)),
        (utc(2026, 1, 12, 15), utc(2026, 1, 12, 15, 45)),
        (utc(2026, 1, 12, 16), utc(2026, 1, 12, 16, 45)),
    ]


def test_slot_running_past_window_end_is_dropped():
    slots = generate_slots(datetime(2026, 1, 12, 9), datetime(2026, 1, 12, 10, 30), TZ)
    assert len(slots) == 1


def test_weekly_repeat_keeps_wall_clock_across_spring_forward():
    # Sunday 2026-03-01 and 2026-03-08 (DST starts at 02:00 on the 8th), 09:00 local.
    slots = generate_slots(
        datetime(2026, 3, 1, 9), datetime(2026, 3, 1, 10), TZ, repeat_until=date(2026, 3, 15)
    )
    assert [s.starts_at for s in slots] == [
        utc(2026, 3, 1, 14),  # EST
        utc(2026, 3, 8, 13),  # EDT: same 09:00 wall clock
        utc(2026, 3, 15, 13),
    ]


def test_weekly_repeat_keeps_wall_clock_across_fall_back():
    slots = generate_slots(
        datetime(2026, 10, 25, 9), datetime(2026, 10, 25, 10), TZ, repeat_until=date(2026, 11, 1)
    )
    assert [s.starts_at for s in slots] == [utc(2026, 10, 25, 13), utc(2026, 11, 1, 14)]


def test_slots_in_the_spring_forward_gap_are_skipped():
    # 01:00-04:00 on 2026-03-08: 02:00-03:00 does not exist.
    slots = generate_slots(datetime(2026, 3, 8, 1), datetime(2026, 3, 8, 4), TZ)
    assert [s.starts_at for s in slots] == [utc(2026, 3, 8, 7)]  # 03:00 EDT
    # 01:00-02:00 ends at a non-existent wall time; 02:00-03:00 is inside the gap.


def test_fall_back_ambiguous_hour_uses_first_occurrence():
    slots = generate_slots(datetime(2026, 11, 1, 1), datetime(2026, 11, 1, 2), TZ)
    # 01:00 EDT (05:00 UTC) to 02:00 EST (07:00 UTC): the wall-clock hour spans two real hours.
    assert [(s.starts_at, s.ends_at) for s in slots] == [(utc(2026, 11, 1, 5), utc(2026, 11, 1, 7))]


def test_aware_input_is_converted_to_program_wall_clock():
    slots = generate_slots(utc(2026, 1, 12, 14), utc(2026, 1, 12, 15), TZ)
    assert slots[0].starts_at == utc(2026, 1, 12, 14)


def test_program_dates_limit_repeats():
    slots = generate_slots(
        datetime(2026, 1, 5, 9),
        datetime(2026, 1, 5, 10),
        TZ,
        repeat_until=date(2026, 2, 28),
        window_dates=(date(2026, 1, 10), date(2026, 1, 31)),
    )
    assert [s.starts_at.date() for s in slots] == [
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    ]


@pytest.mark.parametrize(
    "start,end,kw,code",
    [
        (datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 9), {}, "invalid_window"),
        (datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9), {}, "invalid_window"),
        (datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 30), {}, "invalid_window"),
        (
            datetime(2026, 1, 5, 9),
            datetime(2026, 1, 5, 10),
            {"slot_minutes": 0},
            "invalid_slot_length",
        ),
        (
            datetime(2026, 1, 5, 9),
            datetime(2026, 1, 5, 10),
            {"buffer_minutes": -5},
            "invalid_buffer",
        ),
        (
            datetime(2026, 1, 5, 9),
            datetime(2026, 1, 5, 10),
            {"repeat_until": date(2026, 1, 1)},
            "invalid_repeat",
        ),
    ],
)
def test_bad_windows_are_refused(start, end, kw, code):
    with pytest.raises(AvailabilityError) as err:
        generate_slots(start, end, TZ, **kw)
    assert err.value.code == code


def test_overlaps_against_existing_and_within_new():
    a = Interval(utc(2026, 1, 5, 14), utc(2026, 1, 5, 15))
    touching = Interval(utc(2026, 1, 5, 15), utc(2026, 1, 5, 16))
    inside = Interval(utc(2026, 1, 5, 14, 30), utc(2026, 1, 5, 14, 45))
    assert find_overlaps([touching], [a]) == []
    assert find_overlaps([inside], [a]) == [(inside, a)]
    assert find_overlaps([a, inside], []) == [(a, inside)]
