"""Who works on a day: the weekly pattern with leave, sickness, swaps and extra shifts."""

from __future__ import annotations

from datetime import date

from caseload.enums import ShiftExceptionKind as Kind
from caseload.team.rota import DayException, PatternSlot, resolve_day

TUESDAY = date(2026, 12, 8)
PATTERN = [PatternSlot(1, d, 7 * 60, 15 * 60, 30, "Medic 1", "CP-1") for d in range(5)] + [
    PatternSlot(2, d, 15 * 60, 23 * 60, 30, "Medic 2") for d in range(4)
]


def test_the_pattern_of_the_weekday_applies() -> None:
    day = resolve_day(TUESDAY, PATTERN, [])
    assert set(day) == {1, 2}
    assert (day[1].start_minute, day[1].end_minute, day[1].crew_name) == (420, 900, "Medic 1")
    assert resolve_day(date(2026, 12, 13), PATTERN, []) == {}  # a Sunday: nobody


def test_leave_takes_off_and_sick_keeps_listed_out_sick() -> None:
    leave = DayException(1, TUESDAY, Kind.LEAVE)
    sick = DayException(2, TUESDAY, Kind.SICK)
    day = resolve_day(TUESDAY, PATTERN, [leave, sick])
    assert set(day) == {2} and day[2].out_sick


def test_exceptions_on_other_days_do_not_apply() -> None:
    leave = DayException(1, date(2026, 12, 9), Kind.LEAVE)
    assert set(resolve_day(TUESDAY, PATTERN, [leave])) == {1, 2}


def test_a_swap_hands_the_shift_to_a_colleague() -> None:
    swap = DayException(1, TUESDAY, Kind.SWAP, swap_with_id=3)
    day = resolve_day(TUESDAY, PATTERN, [swap])
    assert set(day) == {2, 3}
    assert (day[3].start_minute, day[3].crew_name, day[3].vehicle) == (420, "Medic 1", "CP-1")


def test_two_swaps_exchange_shifts() -> None:
    swaps = [
        DayException(1, TUESDAY, Kind.SWAP, swap_with_id=2),
        DayException(2, TUESDAY, Kind.SWAP, swap_with_id=1),
    ]
    day = resolve_day(TUESDAY, PATTERN, swaps)
    assert day[1].start_minute == 15 * 60 and day[1].crew_name == "Medic 2"
    assert day[2].start_minute == 7 * 60 and day[2].crew_name == "Medic 1"


def test_an_extra_shift_adds_or_replaces_hours() -> None:
    extra = DayException(4, TUESDAY, Kind.EXTRA, 9 * 60, 17 * 60, 30, "Nurse 1")
    moved = DayException(1, TUESDAY, Kind.EXTRA, 11 * 60, 19 * 60, 0)
    day = resolve_day(TUESDAY, PATTERN, [extra, moved])
    assert day[4].crew_name == "Nurse 1" and day[4].start_minute == 540
    assert (day[1].start_minute, day[1].crew_name, day[1].break_minutes) == (660, "", 0)
