"""The multiprocess portfolio: several searches, the best plan wins, and a failure in a search
process comes back to the caller as a typed error (not a string)."""

from __future__ import annotations

import pickle

import pytest

from routing import (
    Break,
    Job,
    Problem,
    ProblemError,
    RoutingError,
    SolveError,
    TimeWindow,
    Vehicle,
    assert_valid,
    solve,
)
from routing.errors import SearchProcessError
from routing.portfolio import strategies
from routing.search import PORTFOLIO, SearchStrategy
from routing.solve import IN_PROCESS_JOBS
from tests.routing.factories import HOUR, line, random_problem

SHIFT = TimeWindow(8 * HOUR, 12 * HOUR)


def _bad_break_problem() -> Problem:
    """Crew 1's break lies outside its shift, which only building the model notices: the visits
    fit crew 2, so the pre-checks pass them on to the search. More visits than a day searched
    in-process (`IN_PROCESS_JOBS`), so `workers=2` really starts search processes."""
    lunch = Break(1, (TimeWindow(14 * HOUR, 15 * HOUR),), 1800)
    vehicles = (Vehicle(1, 0, 0, SHIFT, breaks=(lunch,)), Vehicle(2, 0, 0, SHIFT))
    jobs = tuple(Job(k, 1, 600) for k in range(1, IN_PROCESS_JOBS + 2))
    return Problem(jobs, vehicles, line(2, 600))


def test_two_workers() -> None:
    problem = random_problem(1, 25, 3)
    solution = solve(problem, time_limit_s=1.5, workers=2)
    assert_valid(problem, solution)
    assert solution.summary.served_jobs > 0


def test_strategies_rotate_through_the_portfolio_by_seed() -> None:
    assert strategies(0, 2) == [PORTFOLIO[0], PORTFOLIO[1]]
    assert strategies(len(PORTFOLIO) - 1, 2) == [PORTFOLIO[-1], PORTFOLIO[0]]


def test_problem_error_in_a_search_process_stays_a_problem_error() -> None:
    """The same type and message as when the search runs in this process."""
    problem = _bad_break_problem()
    with pytest.raises(ProblemError) as in_process:
        solve(problem, time_limit_s=5.0, solution_limit=10)
    with pytest.raises(ProblemError) as from_worker:
        solve(problem, time_limit_s=5.0, solution_limit=10, workers=2)
    assert type(from_worker.value) is ProblemError
    assert str(from_worker.value) == str(in_process.value)
    assert from_worker.value.where == "vehicle 1"
    assert "break 1" in str(from_worker.value)


def test_unexpected_exception_in_a_search_process_carries_its_traceback() -> None:
    """A bug in a search process (here an unknown first-solution strategy name, which OR-Tools'
    enum lookup rejects) is a SearchProcessError naming the exception, with the traceback."""
    problem = random_problem(2, IN_PROCESS_JOBS + 4, 2)
    broken = SearchStrategy(first_solution="NO_SUCH_STRATEGY")
    with pytest.raises(SearchProcessError) as caught:
        solve(problem, time_limit_s=5.0, solution_limit=10, workers=2, strategy=broken)
    error = caught.value
    assert isinstance(error, SolveError) and isinstance(error, RoutingError)
    assert error.worker == 0
    assert error.error_type == "AttributeError"
    assert "NO_SUCH_STRATEGY" in str(error)
    assert "Traceback (most recent call last)" in error.traceback
    assert "_parameters" in error.traceback
    # A logged traceback shows the process's one (as a note); the message stays one line.
    assert error.traceback.rstrip() in "\n".join(error.__notes__)
    assert "\n" not in str(error)


def test_problem_error_pickles_with_where() -> None:
    error = ProblemError("break 1 cannot be taken", where="vehicle 3")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ProblemError
    assert (copy.where, copy.message, str(copy)) == (error.where, error.message, str(error))
