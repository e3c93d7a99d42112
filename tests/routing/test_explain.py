"""Why-not-served reasons, one per cause."""

from __future__ import annotations

import numpy as np

from routing import Job, Problem, TimeWindow, Vehicle, assert_valid, solve
from tests.routing.factories import HOUR

D = np.array([[0, 600, 600, 3000], [600, 0, 600, 3000], [600, 600, 0, 3000], [3000, 3000, 3000, 0]])
SHIFT = TimeWindow(8 * HOUR, 12 * HOUR)


def _reasons(problem: Problem) -> dict[int, tuple[str, str]]:
    solution = solve(problem, time_limit_s=2.0, solution_limit=200)
    assert_valid(problem, solution)
    return {u.job_id: (u.code, u.reason) for u in solution.unassigned}


def test_no_crew_with_skill() -> None:
    problem = Problem(
        (Job(1, 1, 600, skills=frozenset({4})),),
        (Vehicle(1, 0, 0, SHIFT, skills=frozenset({1})),),
        D,
    )
    code, reason = _reasons(problem)[1]
    assert code == "no_skill" and "[4]" in reason


def test_pinned_crew_lacks_skill() -> None:
    problem = Problem(
        (Job(1, 1, 600, skills=frozenset({4}), pinned_vehicle=1),),
        (Vehicle(1, 0, 0, SHIFT), Vehicle(2, 0, 0, SHIFT, skills=frozenset({4}))),
        D,
    )
    code, reason = _reasons(problem)[1]
    assert code == "no_skill" and "pinned" in reason


def test_window_outside_every_shift() -> None:
    job = Job(1, 1, 600, (TimeWindow(14 * HOUR, 15 * HOUR),))
    problem = Problem((job,), (Vehicle(1, 0, 0, SHIFT),), D)
    code, reason = _reasons(problem)[1]
    assert code == "outside_shifts" and "14:00-15:00" in reason


def test_unreachable_in_its_window_alone() -> None:
    # 50 minutes away, window closes 40 minutes into the shift.
    job = Job(1, 3, 600, (TimeWindow(7 * HOUR, 8 * HOUR + 2400),))
    problem = Problem((job,), (Vehicle(1, 0, 0, SHIFT),), D)
    code, _ = _reasons(problem)[1]
    assert code == "unreachable"


def test_too_big_for_any_crew() -> None:
    problem = Problem((Job(1, 1, 600, delivery=5),), (Vehicle(1, 0, 0, SHIFT, capacity=2),), D)
    assert _reasons(problem)[1][0] == "capacity"


def test_outranked_by_higher_priority() -> None:
    """Two visits that fit alone but not together: the lower priority one is outranked."""
    jobs = (
        Job(1, 1, 3000, (TimeWindow(9 * HOUR, 9 * HOUR + 600),), priority=80),
        Job(2, 2, 3000, (TimeWindow(9 * HOUR, 9 * HOUR + 600),), priority=20),
    )
    problem = Problem(jobs, (Vehicle(1, 0, 0, SHIFT),), D)
    reasons = _reasons(problem)
    assert list(reasons) == [2]
    assert reasons[2][0] == "outranked"


def test_no_crew_on_shift() -> None:
    problem = Problem((Job(1, 1, 600),), (), D)
    assert _reasons(problem)[1][0] == "no_vehicle"
