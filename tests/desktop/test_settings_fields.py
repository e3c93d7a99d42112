"""The pure helpers behind the settings form (desktop.settings_fields): field checks named by
field, the time-zone order, readable labels, mnemonics and the travel-time example."""

from __future__ import annotations

import dataclasses
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from caseload.settings import ProgramSettings
from desktop.settings_fields import (
    program_problems,
    readable_label,
    timezone_choices,
    travel_example,
    with_mnemonic,
)
from routing.geo import LatLon
from routing.matrix import GeodesicProvider

ZONES = frozenset(zoneinfo.available_timezones())


def test_default_settings_are_valid() -> None:
    assert program_problems(ProgramSettings(), ZONES) == []


def test_program_problems_name_each_field() -> None:
    bad = dataclasses.replace(
        ProgramSettings(),
        timezone="Mars/Olympus",
        navigation_url="https://maps.example.org/?q={lat}",
        geocoder_url="nominatim.local",
        tile_url="https://t.example.org/{z}/{x}/{y}.png",
    )
    problems = program_problems(bad, ZONES)
    assert [p.field for p in problems] == ["timezone", "navigation_url", "geocoder_url"]
    assert problems[0].message.startswith("Time zone: 'Mars/Olympus'")
    assert "{lat} and {lon}" in problems[1].message
    assert problems[2].message.startswith("Geocoder:")


def test_timezone_choices_america_first_then_sorted() -> None:
    assert timezone_choices(["UTC", "America/Lima", "Europe/Oslo", "America/Boise"]) == [
        "America/Boise",
        "America/Lima",
        "Europe/Oslo",
        "UTC",
    ]


def test_readable_labels() -> None:
    assert readable_label("first_contact_hours") == "First contact (hours)"
    assert readable_label("familiar_face_ed_visits") == "Familiar face ED visits"
    assert readable_label("overdue_points_per_day") == "Overdue (points per day)"
    assert readable_label("high_tier_min_score") == "High tier minimum score"
    assert readable_label("plan_time_limit_s") == "Plan time limit (s)"


def test_mnemonics_avoid_letters_in_use() -> None:
    used = {"p", "t"}
    assert with_mnemonic("Program name", used) == "Program &name"
    assert with_mnemonic("Time zone", used) == "Time &zone"
    assert with_mnemonic("Paper size", used) == "Paper &size"
    assert with_mnemonic("Paper", used) == "P&aper"
    assert with_mnemonic("R&D", set()) == "&R&&D"
    assert with_mnemonic("Pa", {"p", "a"}) == "Pa"
    assert used == {"p", "t", "n", "z", "s", "a"}


@given(
    circuity=st.floats(1.0, 3.0),
    speed=st.floats(5.0, 130.0),
    overhead=st.integers(0, 3600).map(lambda s: s - s % 60),
)
def test_travel_example_matches_the_offline_provider(
    circuity: float, speed: float, overhead: int
) -> None:
    """The example's minutes are what the planner's own estimate gives for ~5 km (±1 min)."""
    a = LatLon(36.0, -78.9)
    b = LatLon(36.0 + 5.0 / 110.95, -78.9)  # ~5 km due north
    seconds = GeodesicProvider(circuity, speed, overhead).durations([a, b])[0, 1]
    minutes = int(travel_example(circuity, speed, overhead).rsplit("≈ ", 1)[1].split()[0])
    assert abs(minutes - seconds / 60.0) <= 1.0
