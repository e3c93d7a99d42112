"""Soft deadlines: a late visit is served (not dropped), costs lateness, and every figure the
solution reports about it is checked by the validator."""

from __future__ import annotations

import dataclasses

from routing import Job, Problem, Solution, TimeWindow, Vehicle, assert_valid, solve, validate
from routing.search import SearchStrategy
from routing.vroom_json import (
    problem_from_vroom,
    problem_to_vroom,
    solution_from_vroom,
    solution_to_vroom,
)

SHIFT = TimeWindow(8 * 3600, 16 * 3600)
DESCENT = SearchStrategy(metaheuristic="GREEDY_DESCENT")


def _solve(problem: Problem) -> Solution:
    return solve(problem, time_limit_s=60.0, solution_limit=300, strategy=DESCENT)


def _line_day() -> Problem:
    """A depot at 0; six HIGH visits at +1..+6 km and two MUST overdose visits at -10, -11 km
    (one minute per km). The crew ends at its last visit, so travel alone would do the HIGH
    visits first and finish at the far MUST ones."""
    xs = [0, 1, 2, 3, 4, 5, 6, -10, -11]
    durations = [[abs(a - b) * 60 for b in xs] for a in xs]
    high = [Job(id=k, location_index=k, service_s=1800, priority=60) for k in range(1, 7)]
    must = [
        Job(
            id=k,
            location_index=k,
            service_s=1800,
            priority=100,
            soft_deadline_s=SHIFT.start_s,
            lateness_cost_per_min=100,
        )
        for k in (7, 8)
    ]
    crew = Vehicle(id=1, start_index=0, end_index=None, time_window=SHIFT)
    return Problem(jobs=(*high, *must), vehicles=(crew,), durations=durations)


def test_travel_alone_would_put_the_must_visits_last() -> None:
    plain = _line_day()
    plain = dataclasses.replace(
        plain,
        jobs=tuple(dataclasses.replace(j, soft_deadline_s=None) for j in plain.jobs),
    )
    solution = _solve(plain)
    assert_valid(plain, solution)
    assert set(solution.routes[0].job_ids[-2:]) == {7, 8}


def test_overdue_must_visits_are_the_first_two_stops() -> None:
    problem = _line_day()
    solution = _solve(problem)
    assert_valid(problem, solution)
    (route,) = solution.routes
    assert set(route.job_ids[:2]) == {7, 8}
    assert len(route.job_ids) == 8
    late = {s.id: s.late_s for s in route.steps if s.type == "job"}
    # The first MUST visit is 10-11 min away; lateness is its service start minus 08:00.
    first = next(s for s in route.steps if s.type == "job")
    assert first.late_s == first.service_start_s - SHIFT.start_s > 0
    assert all(late[k] == 0 for k in range(1, 7))
    assert solution.summary.late_s == late[7] + late[8]


def test_a_deadline_that_cannot_be_met_is_served_late_not_dropped() -> None:
    durations = [[0, 3600], [3600, 0]]
    job = Job(
        id=1,
        location_index=1,
        service_s=600,
        time_windows=(TimeWindow(0, 20 * 3600),),
        priority=80,
        soft_deadline_s=SHIFT.start_s + 600,
        lateness_cost_per_min=10,
    )
    crew = Vehicle(id=1, start_index=0, end_index=0, time_window=SHIFT)
    problem = Problem(jobs=(job,), vehicles=(crew,), durations=durations)
    solution = _solve(problem)
    assert_valid(problem, solution)
    assert solution.unassigned == ()
    step = solution.routes[0].steps[1]
    assert step.service_start_s == SHIFT.start_s + 3600
    assert step.late_s == 3000
    assert solution.summary.late_s == 3000


def test_a_hard_window_still_holds_when_it_makes_the_visit_late() -> None:
    durations = [[0, 60], [60, 0]]
    job = Job(
        id=1,
        location_index=1,
        service_s=600,
        time_windows=(TimeWindow(10 * 3600, 11 * 3600),),
        priority=100,
        soft_deadline_s=SHIFT.start_s,
        lateness_cost_per_min=100,
    )
    crew = Vehicle(id=1, start_index=0, end_index=0, time_window=SHIFT)
    problem = Problem(jobs=(job,), vehicles=(crew,), durations=durations)
    solution = _solve(problem)
    assert_valid(problem, solution)
    step = solution.routes[0].steps[1]
    assert step.service_start_s == 10 * 3600
    assert step.late_s == 2 * 3600


def test_soft_deadlines_and_lateness_survive_the_json_round_trip() -> None:
    problem = _line_day()
    solution = _solve(problem)
    data = problem_to_vroom(problem)
    assert data["jobs"][6]["soft_deadline"] == SHIFT.start_s
    assert data["jobs"][6]["lateness_cost_per_min"] == 100
    assert "soft_deadline" not in data["jobs"][0]
    back = problem_from_vroom(data)
    assert [(j.soft_deadline_s, j.lateness_cost_per_min) for j in back.jobs] == [
        (j.soft_deadline_s, j.lateness_cost_per_min) for j in problem.jobs
    ]
    out = solution_to_vroom(back, solution)
    assert out["summary"]["lateness"] == solution.summary.late_s > 0
    read = solution_from_vroom(back, out)
    assert_valid(back, read)
    assert [s.late_s for s in read.routes[0].steps] == [s.late_s for s in solution.routes[0].steps]


def test_a_file_without_lateness_gets_it_derived() -> None:
    problem = _line_day()
    solution = _solve(problem)
    out = solution_to_vroom(problem, solution)
    for step in out["routes"][0]["steps"]:
        step.pop("lateness", None)
    read = solution_from_vroom(problem, out)
    assert_valid(problem, read)
    assert read.summary.late_s == solution.summary.late_s


def test_validator_rejects_a_wrong_reported_lateness() -> None:
    problem = _line_day()
    solution = _solve(problem)
    route = solution.routes[0]
    k = next(i for i, s in enumerate(route.steps) if s.type == "job" and s.late_s > 0)
    steps = list(route.steps)
    steps[k] = dataclasses.replace(steps[k], late_s=steps[k].late_s - 60)
    wrong = dataclasses.replace(solution, routes=(dataclasses.replace(route, steps=tuple(steps)),))
    codes = {v.code for v in validate(problem, wrong)}
    assert "lateness" in codes
    assert "summary" not in codes  # the summary is checked against service starts, not steps


def test_validator_rejects_a_wrong_summary_lateness() -> None:
    problem = _line_day()
    solution = _solve(problem)
    summary = dataclasses.replace(solution.summary, late_s=solution.summary.late_s + 1)
    codes = [v.code for v in validate(problem, dataclasses.replace(solution, summary=summary))]
    assert codes == ["summary"]


def test_days_without_soft_deadlines_write_no_extension_keys() -> None:
    # The benchmark days carry no soft deadline: their JSON has no extension keys.
    problem = _line_day()
    plain = dataclasses.replace(problem, jobs=problem.jobs[:6])
    data = problem_to_vroom(plain)
    assert all("soft_deadline" not in j for j in data["jobs"])
    assert "lateness" not in problem_to_vroom(plain)
