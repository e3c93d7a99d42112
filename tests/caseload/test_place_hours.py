"""Opening hours and times of day: what people write, read into weekly intervals, and bad
values rejected with the value and what is expected."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from caseload.places.hours import HoursError, parse_opening_hours, parse_times_of_day

ZONE = ZoneInfo("America/New_York")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday 2026-11-16 (day 0 = Monday)."""
    return datetime(2026, 11, 16 + day, hour, minute, tzinfo=ZONE)


def test_weekday_hours_and_a_saturday_morning() -> None:
    hours = parse_opening_hours("Mon-Fri 07:00-19:00; Sat 09:00-13:00")
    assert hours.open_at(at(0, 7))  # opening minute counts
    assert not hours.open_at(at(0, 19))  # closing minute does not
    assert hours.open_at(at(4, 18, 59))
    assert hours.open_at(at(5, 10))
    assert not hours.open_at(at(5, 13, 30))
    assert not hours.open_at(at(6, 10))  # Sunday


def test_overnight_hours_run_into_the_next_morning_even_across_the_week() -> None:
    shelter = parse_opening_hours("daily 18:00-08:00")
    assert shelter.open_at(at(2, 23))
    assert shelter.open_at(at(3, 7, 30))
    assert not shelter.open_at(at(3, 9))
    sunday_night = parse_opening_hours("Sun 20:00-02:00")
    assert sunday_night.open_at(at(7, 1))  # Monday 01:00, after Sunday's opening
    assert not sunday_night.open_at(at(1, 1))  # Tuesday 01:00


def test_day_lists_wrapping_ranges_and_two_ranges_a_day() -> None:
    hours = parse_opening_hours("Fri-Mon 10:00-12:00,14:00-16:00")
    assert hours.open_at(at(6, 11)) and hours.open_at(at(0, 15))
    assert not hours.open_at(at(0, 13))
    assert not hours.open_at(at(2, 11))  # Wednesday


def test_unknown_or_round_the_clock_hours_are_always_open() -> None:
    for text in ("", "  ", "24/7"):
        assert parse_opening_hours(text).open_at(at(6, 3))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Mon-Fry 07:00-19:00", 'cannot read the days "mon-fry"'),
        ("Mon 25:00-26:00", "25:00 is not a time of day"),
        ("07:00-19:00", "has no days"),
        ("Mon 7-19", 'cannot read "7-19"'),
        ("Tue 09:00-09:00", "opens and closes at the same time"),
    ],
)
def test_bad_opening_hours_name_the_value_and_what_is_expected(text: str, says: str) -> None:
    with pytest.raises(HoursError) as raised:
        parse_opening_hours(text)
    message = str(raised.value)
    assert says in message
    assert f'"{text}"' in message


def test_times_of_day_named_parts_and_clock_ranges() -> None:
    times = parse_times_of_day("morning, 18:00-20:00")
    assert times.covers(time(6)) and times.covers(time(11, 59))
    assert not times.covers(time(12, 30))
    assert times.covers(time(19))
    night = parse_times_of_day("night")
    assert night.covers(time(23)) and night.covers(time(2))
    assert not night.covers(time(12))
    assert parse_times_of_day("").any_time and parse_times_of_day("").covers(time(3))


def test_bad_times_of_day_say_what_is_expected() -> None:
    with pytest.raises(HoursError, match="morning, afternoon, evening, night"):
        parse_times_of_day("lunchtime")
