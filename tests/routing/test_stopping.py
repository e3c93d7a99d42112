"""When a search stops: early on a settled plan, at once on cancel whichever searcher runs,
never above the supported size, and the same plan for the same solution limit."""

from __future__ import annotations

import importlib
import threading
import time

import numpy as np
import pytest

from routing import Job, Problem, ProblemError, ProgressInfo, Vehicle, assert_valid, solve
from routing.explain import NOT_SCHEDULED, OUTRANKED, explain_dropped
from routing.model import stagnation_window
from routing.search import PORTFOLIO
from tests.routing.factories import random_problem

ITERATED = PORTFOLIO[1]
solve_module = importlib.import_module("routing.solve")  # `routing.solve` is also the function


def _two_jobs() -> Problem:
    """VROOM's docs/example_2.json: two jobs, one vehicle, a custom matrix."""
    durations = np.array(
        [[0, 2104, 197, 1299], [2103, 0, 2255, 3152], [197, 2256, 0, 1102], [1299, 3153, 1102, 0]]
    )
    return Problem((Job(1414, 1), Job(1515, 2)), (Vehicle(0, 0, 3, None),), durations)


def test_a_tiny_problem_stops_once_its_plan_stops_improving() -> None:
    problem = _two_jobs()
    solution = solve(problem, time_limit_s=600.0)
    assert_valid(problem, solution)
    assert solution.summary.served_jobs == 2 and solution.summary.travel_s == 5461
    assert not solution.time_limit_reached


def test_the_stagnation_window_grows_with_the_day() -> None:
    assert stagnation_window(2) < stagnation_window(30) < stagnation_window(250)


def test_more_visits_than_supported_are_refused_up_front() -> None:
    n = solve_module.MAX_JOBS + 1
    problem = Problem(
        tuple(Job(k, 0) for k in range(1, n + 1)), (Vehicle(1, 0, 0, None),), np.zeros((1, 1), int)
    )
    with pytest.raises(ProblemError, match="split the day"):
        solve(problem, time_limit_s=1.0)


def test_a_big_day_is_planned_greedily_and_keeps_its_locks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve_module, "GREEDY_JOBS", 5)
    base = random_problem(3, 30, 3, breaks=True)
    locked = base.vehicles[0]
    first = next(j.id for j in base.jobs if j.skills <= locked.skills and not j.time_windows)
    vehicles = (
        Vehicle(
            locked.id,
            locked.start_index,
            locked.end_index,
            locked.time_window,
            skills=locked.skills,
            breaks=locked.breaks,
            locked_jobs=(first,),
        ),
        *base.vehicles[1:],
    )
    problem = Problem(base.jobs, vehicles, base.durations)
    solution = solve(problem, time_limit_s=2.0)
    assert_valid(problem, solution)
    assert solution.summary.served_jobs > 0
    route = solution.route_of(locked.id)
    assert route is not None and route.job_ids[0] == first


def test_same_plan_for_the_same_solution_limit_with_two_processes() -> None:
    problem = random_problem(8, 30, 3, breaks=True)
    a = solve(problem, time_limit_s=60, solution_limit=150, workers=2)
    b = solve(problem, time_limit_s=60, solution_limit=150, workers=2)
    assert_valid(problem, a)
    assert a.routes == b.routes and a.unassigned == b.unassigned


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_returns_the_best_plan_of_the_iterated_search(workers: int) -> None:
    """The iterated local search ignores OR-Tools' own stop; in a search process the parent
    still returns its best plan (in this process the solve runs it to its limit)."""
    problem = random_problem(5, 40, 4, breaks=True)
    cancel = threading.Event()

    def on_progress(info: ProgressInfo) -> None:
        cancel.set()

    solution = solve(
        problem,
        time_limit_s=600.0 if workers == 2 else 3.0,
        workers=workers,
        strategy=ITERATED,
        cancel=cancel,
        progress=on_progress,
    )
    assert_valid(problem, solution)
    assert solution.summary.served_jobs > 0
    assert solution.cancelled


def test_explanations_out_of_time_say_the_visit_may_fit() -> None:
    problem = random_problem(4, 20, 2)
    solution = solve(problem, time_limit_s=5.0, solution_limit=50)
    dropped = [problem.job(u.job_id) for u in solution.unassigned]
    served = [problem.job(j) for r in solution.routes for j in r.job_ids]
    some = served[:3]
    kept = tuple(r for r in solution.routes if not set(r.job_ids) & {j.id for j in some})
    reasons = explain_dropped(
        problem, kept, [*dropped, *some], search_found=True, cancelled=False, deadline=0.0
    )
    assert {r.code for r in reasons} <= {NOT_SCHEDULED, OUTRANKED}
    assert any("may fit" in r.reason for r in reasons)


def test_a_search_that_finds_no_new_solutions_still_ends_at_its_time_limit() -> None:
    """One visit: guided local search accepts no solution after its first, so no stop rule that
    runs on accepted solutions fires; the search must still end at the time limit (it ran 30 s
    past a 2 s limit once). The bound is generous: this is not a speed test."""
    problem = Problem(
        (Job(1, 1, 2700, priority=100),),
        (Vehicle(1, 0, 0, None),),
        np.array([[0, 600], [600, 0]], dtype=np.int64),
    )
    started = time.monotonic()
    solution = solve(problem, time_limit_s=2.0)
    assert time.monotonic() - started < 15.0
    assert_valid(problem, solution)
    assert solution.summary.served_jobs == 1


@pytest.mark.parametrize("n_jobs", [1, 5])
def test_a_small_day_answers_long_before_its_time_limit(n_jobs: int) -> None:
    """One crew: on one visit guided local search accepts no solution after its first (every
    move is worse), so only the branch budget of small days ends the search. The bound is
    generous (the search ends in well under a second): not a speed test."""
    problem = random_problem(3, n_jobs, 1, breaks=True)
    started = time.monotonic()
    solution = solve(problem, time_limit_s=60.0)
    assert time.monotonic() - started < 20.0
    assert not solution.time_limit_reached
    assert_valid(problem, solution)
    assert solution.summary.served_jobs == n_jobs


def test_one_visit_on_one_crew_answers_long_before_its_time_limit() -> None:
    problem = Problem(
        (Job(1, 1, 2700, priority=100),),
        (Vehicle(1, 0, 0, None),),
        np.array([[0, 600], [600, 0]], dtype=np.int64),
    )
    started = time.monotonic()
    solution = solve(problem, time_limit_s=60.0)
    assert time.monotonic() - started < 20.0
    assert not solution.time_limit_reached
    assert_valid(problem, solution)
    assert solution.summary.served_jobs == 1
