"""Why-not-served reasons, one per cause."""

from __future__ import annotations

import numpy as np

from routing import Job, Problem, TimeWindow, Unassigned, Vehicle, assert_valid, solve
from routing.explain import explain_dropped
from routing.schedule import schedule_with_breaks
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


# The facts behind each reason, as data (`Unassigned.vehicle_id`, `missing_skills`, `windows`).


def _unassigned(problem: Problem) -> dict[int, Unassigned]:
    solution = solve(problem, time_limit_s=2.0, solution_limit=200)
    assert_valid(problem, solution)
    return {u.job_id: u for u in solution.unassigned}


def test_missing_skill_is_named_and_no_crew_is_blamed() -> None:
    problem = Problem(
        (Job(1, 1, 600, skills=frozenset({1, 4})),),
        (Vehicle(1, 0, 0, SHIFT, skills=frozenset({1})),),
        D,
    )
    u = _unassigned(problem)[1]
    assert (u.code, u.vehicle_id, u.missing_skills, u.windows) == (
        "no_skill",
        None,
        frozenset({4}),
        (),
    )


def test_skills_spread_over_two_crews_are_all_missing() -> None:
    """Each skill exists, but no single crew has both: every required skill is reported."""
    problem = Problem(
        (Job(1, 1, 600, skills=frozenset({1, 4})),),
        (
            Vehicle(1, 0, 0, SHIFT, skills=frozenset({1})),
            Vehicle(2, 0, 0, SHIFT, skills=frozenset({4})),
        ),
        D,
    )
    u = _unassigned(problem)[1]
    assert (u.code, u.vehicle_id, u.missing_skills) == ("no_skill", None, frozenset({1, 4}))


def test_pinned_crew_is_the_crew_the_reason_is_about() -> None:
    problem = Problem(
        (Job(1, 1, 600, skills=frozenset({4}), pinned_vehicle=1),),
        (Vehicle(1, 0, 0, SHIFT), Vehicle(2, 0, 0, SHIFT, skills=frozenset({4}))),
        D,
    )
    u = _unassigned(problem)[1]
    assert (u.code, u.vehicle_id, u.missing_skills) == ("no_skill", 1, frozenset({4}))


def test_pinned_crew_too_small() -> None:
    problem = Problem(
        (Job(1, 1, 600, delivery=5, pinned_vehicle=2),),
        (Vehicle(1, 0, 0, SHIFT), Vehicle(2, 0, 0, SHIFT, capacity=2)),
        D,
    )
    u = _unassigned(problem)[1]
    assert (u.code, u.vehicle_id, u.missing_skills, u.windows) == ("capacity", 2, frozenset(), ())


def test_windows_outside_the_shifts_are_reported() -> None:
    windows = (TimeWindow(6 * HOUR, 7 * HOUR), TimeWindow(14 * HOUR, 15 * HOUR))
    problem = Problem((Job(1, 1, 600, windows),), (Vehicle(1, 0, 0, SHIFT),), D)
    u = _unassigned(problem)[1]
    assert (u.code, u.vehicle_id, u.windows) == ("outside_shifts", None, windows)


def test_unreachable_window_is_reported() -> None:
    windows = (TimeWindow(7 * HOUR, 8 * HOUR + 2400),)
    problem = Problem((Job(1, 3, 600, windows),), (Vehicle(1, 0, 0, SHIFT),), D)
    u = _unassigned(problem)[1]
    assert (u.code, u.windows, u.missing_skills) == ("unreachable", windows, frozenset())


def test_a_visit_that_still_fits_names_the_crew_it_fits() -> None:
    """A search that stopped before placing a visit that fits crew 2's route says so."""
    jobs = (Job(1, 1, 600, skills=frozenset({3})), Job(2, 2, 600))
    vehicles = (Vehicle(1, 0, 0, SHIFT), Vehicle(2, 0, 0, SHIFT, skills=frozenset({3})))
    problem = Problem(jobs, vehicles, D)
    routes = [schedule_with_breaks(problem, vehicles[1], [2])]
    (u,) = explain_dropped(problem, routes, [jobs[0]], search_found=True, cancelled=False)
    assert (u.code, u.vehicle_id) == ("not_scheduled", 2)
    assert "crew 2" in u.reason


def test_outranked_blames_no_single_crew() -> None:
    jobs = (
        Job(1, 1, 3000, (TimeWindow(9 * HOUR, 9 * HOUR + 600),), priority=80),
        Job(2, 2, 3000, (TimeWindow(9 * HOUR, 9 * HOUR + 600),), priority=20),
    )
    u = _unassigned(Problem(jobs, (Vehicle(1, 0, 0, SHIFT),), D))[2]
    assert (u.code, u.vehicle_id, u.missing_skills, u.windows) == (
        "outranked",
        None,
        frozenset(),
        (),
    )
