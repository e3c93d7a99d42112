"""Building the routing problem from crews and candidates (pure: no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from caseload.enums import Tier
from caseload.planning.build import PlanEdits, build_problem
from caseload.planning.candidates import Candidate
from caseload.planning.crews import CrewInfo, CrewMemberInfo
from routing.geo import LatLon

ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 3, 8)  # the day US clocks spring forward: 23 hours long
BASE = LatLon(35.9968, -78.8980)
HOME = LatLon(36.0, -78.9)


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def _crew(name: str, start: int, end: int, skills: frozenset[str] = frozenset()) -> CrewInfo:
    return CrewInfo(
        name=name,
        crew_id=None,
        members=(CrewMemberInfo(1, name, "community_paramedic", 1, 1),),
        skills=skills | {"paramedic"},
        languages=frozenset({"en"}),
        starts_at=_at(start),
        ends_at=_at(end),
        base_name="Station 1",
        base=BASE,
        break_earliest=_at(11),
        break_latest=_at(14),
        break_minutes=30,
    )


def _cand(
    client_id: int,
    *,
    windows: tuple[tuple[datetime, datetime], ...] = (),
    deadline: bool = False,
    location: LatLon | None = HOME,
    skills: frozenset[str] = frozenset(),
) -> Candidate:
    return Candidate(
        key=f"c{client_id}",
        client_id=client_id,
        visit_id=None,
        name=f"Client {client_id}",
        tier=Tier.MUST,
        score=100.0,
        priority=100,
        purpose="Follow-up",
        visit_type="follow_up",
        reasons=("test",),
        location=location,
        location_text="somewhere",
        service_min=45,
        windows=windows,
        window_is_deadline=deadline,
        required_skills=skills,
        assigned_clinician_id=1,
        assigned_clinician="A",
        due_by=None,
        selected=True,
    )


def _durations(locations: object) -> NDArray[np.int64]:
    n = len(locations)  # type: ignore[arg-type]
    return np.full((n, n), 600, dtype=np.int64) - 600 * np.eye(n, dtype=np.int64)


def test_times_are_seconds_since_local_midnight_even_on_a_dst_day() -> None:
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], [_cand(1)], _durations)
    window = built.problem.vehicles[0].time_window
    assert window is not None
    # 07:00 EDT on the spring-forward day is 6 hours after 00:00 EST (one hour skipped).
    assert window.start_s == 6 * 3600
    assert built.at(window.start_s) == _at(7)


def test_deadline_before_any_shift_means_as_soon_as_possible() -> None:
    overdue = _cand(1, windows=((_at(2) - timedelta(hours=24), _at(2)),), deadline=True)
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], [overdue], _durations)
    assert built.problem.jobs[0].time_windows == ()
    assert not built.unroutable


def test_deadline_during_the_shift_is_kept() -> None:
    due = _cand(1, windows=((_at(10) - timedelta(hours=24), _at(10)),), deadline=True)
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], [due], _durations)
    (window,) = built.problem.jobs[0].time_windows
    assert built.at(window.end_s) == _at(10)


def test_appointment_on_another_day_is_unroutable_with_reason() -> None:
    other = _cand(
        1, windows=((_at(10, day=DAY + timedelta(days=3)), _at(11, day=DAY + timedelta(days=3))),)
    )
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], [other], _durations)
    assert [reason for _, reason in built.unroutable] == ["Its time window is not on this day."]


def test_no_location_is_unroutable_and_pins_map_to_vehicles() -> None:
    crews = [_crew("Medic 1", 7, 15), _crew("Medic 2", 7, 15, frozenset({"spanish"}))]
    lost = _cand(1, location=None)
    pinned = _cand(2, skills=frozenset({"spanish"}))
    built = build_problem(
        DAY, ZONE, crews, [lost, pinned], _durations, edits=PlanEdits(pinned={"c2": "Medic 2"})
    )
    assert built.unroutable[0][0].key == "c1"
    job = built.problem.jobs[0]
    assert job.pinned_vehicle == 2
    spanish = built.skill_ids["spanish"]
    assert spanish in job.skills
    assert spanish in built.problem.vehicles[1].skills
    assert spanish not in built.problem.vehicles[0].skills
