"""Building the routing problem from crews and candidates (pure: no database)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caseload.enums import Tier
from caseload.planning.build import IdMap, PlanEdits, build_problem
from caseload.planning.candidates import routing_priority
from caseload.planning.crews import CrewInfo
from caseload.settings import ProgramSettings
from routing.objective import drop_penalties
from tests.caseload.plan_data import DAY, ZONE, at, cand, crew, durations, spread


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return at(hour, minute, day)


def _crew(name: str, start: int, end: int, skills: frozenset[str] = frozenset()) -> CrewInfo:
    return crew(name, start, end, skills, break_minutes=30)


_cand = cand
_durations = durations


def test_times_are_seconds_since_local_midnight_even_on_a_dst_day() -> None:
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], [_cand(1)], _durations)
    window = built.problem.vehicles[0].time_window
    assert window is not None
    # 07:00 EDT on the spring-forward day is 6 hours after 00:00 EST (one hour skipped).
    assert window.start_s == 6 * 3600
    assert built.at(window.start_s) == _at(7)


def test_an_overdue_deadline_is_a_soft_bound_at_the_earliest_shift_start() -> None:
    overdue = _cand(1, due_by=_at(2) - timedelta(hours=30))
    crews = [_crew("Medic 1", 7, 15), _crew("Medic 2", 8, 16)]
    built = build_problem(DAY, ZONE, crews, [overdue], _durations)
    (job,) = built.problem.jobs
    assert job.time_windows == ()
    assert job.soft_deadline_s is not None
    assert built.at(job.soft_deadline_s) == _at(7)
    assert job.lateness_cost_per_min == ProgramSettings().must_lateness_cost_per_min
    assert not built.unroutable


def test_a_deadline_during_the_shift_is_soft_and_costs_by_tier() -> None:
    program = dataclasses.replace(
        ProgramSettings(), must_lateness_cost_per_min=300, high_lateness_cost_per_min=7
    )
    must = _cand(1, due_by=_at(10))
    high = _cand(2, due_by=_at(11), tier=Tier.HIGH)
    built = build_problem(
        DAY, ZONE, [_crew("Medic 1", 7, 15)], [must, high], _durations, program=program
    )
    first, second = built.problem.jobs
    assert first.time_windows == () and second.time_windows == ()
    assert first.soft_deadline_s is not None and second.soft_deadline_s is not None
    assert built.at(first.soft_deadline_s) == _at(10)
    assert built.at(second.soft_deadline_s) == _at(11)
    assert (first.lateness_cost_per_min, second.lateness_cost_per_min) == (300, 7)


def test_an_appointment_stays_a_hard_window_next_to_a_deadline() -> None:
    both = _cand(1, windows=((_at(9), _at(10)),), due_by=_at(8))
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], [both], _durations)
    (job,) = built.problem.jobs
    (window,) = job.time_windows
    assert (built.at(window.start_s), built.at(window.end_s)) == (_at(9), _at(10))
    assert job.soft_deadline_s is not None
    assert built.at(job.soft_deadline_s) == _at(8)


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


def test_id_map_is_built_once_and_names_every_vehicle_and_job() -> None:
    crews = [_crew("Medic 1", 7, 15), _crew("Medic 2", 7, 15)]
    built = build_problem(DAY, ZONE, crews, [spread(5), spread(9)], _durations)
    ids = built.ids
    assert ids == IdMap(vehicle_ids={"Medic 1": 1, "Medic 2": 2}, job_ids={"c5": 5, "c9": 9})
    assert [v.id for v in built.problem.vehicles] == [ids.vehicle_ids[c.name] for c in crews]
    assert [j.id for j in built.problem.jobs] == [5, 9]
    assert ids.crew_names[2] == "Medic 2" and ids.keys[9] == "c9"
    assert built.crew_for_vehicle(2).name == "Medic 2"
    assert built.candidate_for_job(9).key == "c9"


def test_locked_visits_become_the_vehicle_prefix_and_never_drop() -> None:
    routine = [spread(i, tier=Tier.ROUTINE) for i in (1, 2, 3)]
    edits = PlanEdits(locked={"Medic 1": ("c2", "c1")})
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], routine, _durations, edits=edits)
    assert built.problem.vehicles[0].locked_jobs == (2, 1)
    assert [j.priority for j in built.problem.jobs] == [100, 100, 60]


# --- priorities: candidates -> routing -> the solver's drop penalties -------------------------


def test_routing_priority_examples() -> None:
    assert routing_priority(Tier.MUST, 0.0, 10.0) == 100
    assert routing_priority(Tier.HIGH, 10.0, 10.0) == 95
    assert routing_priority(Tier.HIGH, 0.0, 10.0) == 55
    assert routing_priority(Tier.ROUTINE, 10.0, 10.0) == 50
    assert routing_priority(Tier.ROUTINE, 0.0, 10.0) == 5
    assert routing_priority(Tier.HIGH, 5.0, 0.0) == 55  # no positive score to compare with


scores = st.floats(min_value=-10, max_value=500, allow_nan=False)


@given(scores, scores, scores)
def test_routing_priority_orders_tiers_then_scores(a: float, b: float, top: float) -> None:
    for tier in (Tier.HIGH, Tier.ROUTINE):
        pa, pb = routing_priority(tier, a, top), routing_priority(tier, b, top)
        assert 0 < pa < 100
        if a <= b:
            assert pa <= pb
    assert routing_priority(Tier.ROUTINE, a, top) < routing_priority(Tier.HIGH, b, top) < 100


def test_drop_penalties_keep_the_tiers_lexicographic() -> None:
    """Built jobs carry the routing priority; dropping one MUST costs more than dropping every
    other visit, and one priority point more than any number of visits or any travel."""
    tiers = [Tier.MUST, Tier.HIGH, Tier.HIGH, Tier.ROUTINE, Tier.ROUTINE]
    cands = [
        dataclasses.replace(spread(i, tier=t), priority=p)
        for i, (t, p) in enumerate(zip(tiers, (100, 95, 60, 50, 5), strict=True), start=1)
    ]
    built = build_problem(DAY, ZONE, [_crew("Medic 1", 7, 15)], cands, _durations)
    jobs = built.problem.jobs
    travel_bound = 10_000
    must, high, high_low, routine, routine_low = drop_penalties(built.problem, jobs, travel_bound)
    assert must > high + high_low + routine + routine_low
    assert high > high_low > routine > routine_low > travel_bound
    # One priority point outweighs serving every visit more and all travel; one visit more
    # outweighs all travel.
    point, rest = divmod(high - high_low, 95 - 60)
    visit = high - 95 * point
    assert rest == 0 and routine_low == 5 * point + visit
    assert point > len(jobs) * visit + travel_bound
    assert visit > travel_bound
