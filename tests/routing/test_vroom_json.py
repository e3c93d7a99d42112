"""VROOM-format JSON: reading, writing, round trips, errors that say where."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest

from routing import (
    Job,
    LatLon,
    Problem,
    ProblemError,
    Solution,
    TimeWindow,
    Unassigned,
    Vehicle,
    assert_valid,
    solve,
)
from routing.solution import summarize
from routing.vroom_json import (
    problem_from_vroom,
    problem_to_vroom,
    solution_from_vroom,
    solution_to_vroom,
)
from tests.routing.factories import random_problem


def _flat(locations: Sequence[LatLon]) -> np.ndarray:
    """A stand-in provider: 100 s per 0.001 degree, Manhattan."""
    a = np.array([[p.lat, p.lon] for p in locations])
    return (np.abs(a[:, None] - a[None]).sum(-1) * 100_000).round().astype(np.int64)


DOC = {
    "vehicles": [
        {
            "id": 1,
            "start": [-78.90, 35.99],
            "end": [-78.90, 35.99],
            "time_window": [28800, 57600],
            "skills": [1],
            "breaks": [{"id": 1, "time_windows": [[43200, 46800]], "service": 1800}],
            "capacity": [10],
            "max_tasks": 8,
        },
    ],
    "jobs": [
        {
            "id": 11,
            "location": [-78.91, 35.99],
            "service": 900,
            "priority": 100,
            "delivery": [1],
            "description": "Ana",
        },
        {
            "id": 12,
            "location": [-78.90, 36.00],
            "service": 900,
            "time_windows": [[32400, 36000], [50400, 54000]],
        },
        {"id": 13, "location": [-78.89, 35.98], "service": 600, "skills": [2]},
    ],
}


def test_read_coordinates_with_a_provider() -> None:
    problem = problem_from_vroom(DOC, durations_provider=_flat)
    assert problem.n_locations == 4  # depot + three distinct job places
    assert problem.locations is not None
    assert problem.locations[problem.job(11).location_index] == LatLon(35.99, -78.91)
    assert len(problem.job(12).time_windows) == 2
    assert problem.vehicle(1).capacity == 10


def test_solve_round_trip() -> None:
    """problem -> JSON -> problem -> solve -> JSON -> solution gives the same plan, and the
    output carries reasons."""
    problem = problem_from_vroom(DOC, durations_provider=_flat)
    again = problem_from_vroom(json.loads(json.dumps(problem_to_vroom(problem))))
    assert again.jobs == problem.jobs and again.vehicles == problem.vehicles
    assert np.array_equal(again.durations, problem.durations)
    assert again.locations == problem.locations
    solution = solve(again, time_limit_s=1.0, solution_limit=100)
    out = json.loads(json.dumps(solution_to_vroom(again, solution)))
    assert out["code"] == 0
    assert out["unassigned"][0]["id"] == 13 and out["unassigned"][0]["reason_code"] == "no_skill"
    assert out["routes"][0]["steps"][0]["type"] == "start"
    assert out["summary"]["cost"] == solution.summary.cost
    back = solution_from_vroom(again, out)
    assert back.routes == solution.routes and back.unassigned == solution.unassigned
    assert back.summary == solution.summary
    assert_valid(again, back)


def test_random_round_trips() -> None:
    for seed in range(3):
        problem = random_problem(seed, 12, 3, breaks=True, capacity=True)
        solution = solve(problem, time_limit_s=1.0, solution_limit=100)
        doc = json.loads(json.dumps(solution_to_vroom(problem, solution)))
        p2 = problem_from_vroom(json.loads(json.dumps(problem_to_vroom(problem))))
        back = solution_from_vroom(p2, doc)
        assert back.routes == solution.routes
        assert_valid(p2, back)


@pytest.mark.parametrize(
    ("patch", "where"),
    [
        ({"jobs": [{"id": 1, "location_index": 5}]}, "job 1: location index 5"),
        ({"jobs": [{"id": 1, "location_index": 0, "service": -5}]}, "jobs[0] (id 1).service"),
        (
            {"jobs": [{"id": 1, "location_index": 0, "time_windows": [[10, 5]]}]},
            "jobs[0] (id 1).time_windows[0]",
        ),
        ({"jobs": [{"location_index": 0}]}, "jobs[0]: missing id"),
        ({"jobs": [{"id": 1}]}, "missing location"),
        (
            {"vehicles": [{"id": 4, "start_index": 0, "capacity": [1, 2]}]},
            "vehicles[0] (id 4).capacity",
        ),
        ({"jobs": "nope"}, "jobs: expected a list"),
        ({"shipments": [{}]}, "shipments"),
        ({"matrices": {"car": {"durations": [[0, 1]]}}}, "matrices.car.durations[0]"),
    ],
)
def test_errors_say_where(patch: dict[str, object], where: str) -> None:
    doc: dict[str, object] = {"jobs": [], "vehicles": [], "matrices": {"car": {"durations": [[0]]}}}
    doc.update(patch)
    with pytest.raises(ProblemError) as info:
        problem_from_vroom(doc)
    assert where in str(info.value)


def test_no_matrix_and_no_provider() -> None:
    with pytest.raises(ProblemError, match="provider"):
        problem_from_vroom(DOC)


def _unassigned_problem() -> Problem:
    windows = (TimeWindow(9 * 3600, 10 * 3600), TimeWindow(14 * 3600, 15 * 3600))
    jobs = (
        Job(1, 1, 600, windows, skills=frozenset({2, 5})),
        Job(2, 1, 600),
        Job(3, 1, 600, windows),
    )
    vehicles = (Vehicle(-4, 0, 0, None), Vehicle(7, 0, 0, None))
    return Problem(jobs, vehicles, np.array([[0, 60], [60, 0]]))


def _solution_of(problem: Problem, unassigned: tuple[Unassigned, ...]) -> Solution:
    return Solution((), unassigned, summarize(problem, [], unassigned))


def test_unassigned_facts_are_written_as_routing_json() -> None:
    problem = _unassigned_problem()
    late = problem.job(3).time_windows[1:]
    unassigned = (
        Unassigned(1, "pinned crew lacks skills", "no_skill", -4, frozenset({5, 2})),
        Unassigned(2, "outranked", "outranked"),
        Unassigned(3, "cannot be reached", "unreachable", windows=late),
    )
    out = solution_to_vroom(problem, _solution_of(problem, unassigned))["unassigned"]
    assert out[0]["reason_vehicle"] == -4 and out[0]["missing_skills"] == [2, 5]
    assert "time_windows" not in out[0]
    assert not {"reason_vehicle", "missing_skills", "time_windows"} & set(out[1])
    assert out[2]["time_windows"] == [[14 * 3600, 15 * 3600]]
    assert (out[2]["reason"], out[2]["reason_code"]) == ("cannot be reached", "unreachable")


def test_unassigned_facts_round_trip() -> None:
    """Written and read back, every structured field is the same (also a vehicle id below
    zero and windows that are only some of the job's)."""
    problem = _unassigned_problem()
    unassigned = (
        Unassigned(1, "pinned crew lacks skills", "no_skill", -4, frozenset({2, 5})),
        Unassigned(2, "fits crew 7", "not_scheduled", vehicle_id=7),
        Unassigned(3, "cannot be reached", "unreachable", windows=problem.job(3).time_windows[:1]),
    )
    solution = _solution_of(problem, unassigned)
    doc = json.loads(json.dumps(solution_to_vroom(problem, solution)))
    back = solution_from_vroom(problem, doc)
    assert back.unassigned == unassigned
    assert_valid(problem, back)


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("missing_skills", ["x"], "unassigned[0].missing_skills[0]"),
        ("time_windows", [[10, 5]], "unassigned[0].time_windows[0]"),
        ("reason_vehicle", "crew", "unassigned[0].reason_vehicle"),
    ],
)
def test_bad_unassigned_facts_say_where(field: str, value: object, where: str) -> None:
    problem = _unassigned_problem()
    doc = {"unassigned": [{"id": 2, "reason": "r", "reason_code": "outranked", field: value}]}
    with pytest.raises(ProblemError) as info:
        solution_from_vroom(problem, doc)
    assert where in str(info.value)
