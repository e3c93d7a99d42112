"""The independent validator: it accepts what the solver returns on random small days and
rejects solutions that break a constraint."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from routing import Job, Problem, Solution, TimeWindow, Vehicle, solve, validate
from routing.search import SearchStrategy
from routing.solution import Route, Step, Unassigned, summarize
from tests.routing.factories import random_problem

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Greedy descent stops at its first local optimum: the same plan on a busy machine or an idle
# one, and quick (guided local search on a one-job day never reaches a solution limit).
DESCENT = SearchStrategy(metaheuristic="GREEDY_DESCENT")


def _solve(problem: Problem) -> Solution:
    return solve(problem, time_limit_s=60.0, solution_limit=200, strategy=DESCENT)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    return random_problem(
        draw(st.integers(0, 10_000)),
        draw(st.integers(1, 9)),
        draw(st.integers(1, 3)),
        windows=draw(st.booleans()),
        skills=draw(st.booleans()),
        breaks=draw(st.booleans()),
        capacity=draw(st.booleans()),
        max_tasks=draw(st.booleans()),
        shift_h=draw(st.sampled_from([1.5, 3.0, 8.0])),
    )


@SETTINGS
@given(problems())
def test_solver_output_is_valid(problem: Problem) -> None:
    solution = _solve(problem)
    assert validate(problem, solution) == []
    assert all(u.reason and u.code for u in solution.unassigned)


def _replace_route(solution: Solution, k: int, route: Route) -> Solution:
    routes = list(solution.routes)
    routes[k] = route
    return dataclasses.replace(solution, routes=tuple(routes))


def _swap_breaks_a_rule(problem: Problem, route: Route, to: Vehicle) -> bool:
    """Whether moving `route` unchanged onto crew `to` breaks a constraint, worked out here
    from the problem alone (not by the validator under test)."""
    origin = problem.vehicle(route.vehicle_id)
    # The generator gives every crew the same base, shift and breaks; only skills, capacity
    # and the task limit differ, so those are the only rules a swap can break.
    assert (origin.start_index, origin.end_index, origin.time_window, origin.breaks) == (
        to.start_index,
        to.end_index,
        to.time_window,
        to.breaks,
    )
    jobs = [problem.job(j) for j in route.job_ids]
    return (
        any(not job.skills <= to.skills for job in jobs)
        or (to.capacity is not None and sum(job.delivery for job in jobs) > to.capacity)
        or (to.max_tasks is not None and len(jobs) > to.max_tasks)
    )


# The case issue 9 reported: one job (delivery 1, no window) and two crews that differ only
# in capacity (4 and 8). Moving the route to the other crew breaks nothing, so the validator
# must accept it.
_CAPACITY_ONLY = Problem(
    (Job(1, 1, 600, delivery=1),),
    (
        Vehicle(1, 0, 0, TimeWindow(8 * 3600, 16 * 3600), capacity=4),
        Vehicle(2, 0, 0, TimeWindow(8 * 3600, 16 * 3600), capacity=8),
    ),
    np.array([[0, 300], [300, 0]]),
)
# And its counterpart: the only crew with the skill the visit needs serves it; moving the
# route to the other crew breaks the skill rule.
_SKILL_ONLY = dataclasses.replace(
    _CAPACITY_ONLY,
    jobs=(Job(1, 1, 600, skills=frozenset({1})),),
    vehicles=(
        Vehicle(1, 0, 0, TimeWindow(8 * 3600, 16 * 3600), skills=frozenset({1})),
        Vehicle(2, 0, 0, TimeWindow(8 * 3600, 16 * 3600)),
    ),
)


@settings(SETTINGS, max_examples=150)
@given(
    problems(),
    st.sampled_from(["duplicate", "drop", "early", "travel", "service", "window", "swap_vehicle"]),
    st.integers(0, 1_000),
    st.integers(0, 1_000),
)
@example(_CAPACITY_ONLY, "swap_vehicle", 0, 0)
@example(_SKILL_ONLY, "swap_vehicle", 0, 0)
def test_validator_rejects_mutations(
    problem: Problem, mutation: str, route_pick: int, job_pick: int
) -> None:
    """Every mutation that breaks a constraint is rejected; a crew swap that breaks none (the
    new crew has the skills, capacity and task limit the route needs) is accepted."""
    solution = _solve(problem)
    routes = [k for k, r in enumerate(solution.routes) if r.job_ids]
    if not routes:
        return
    k = routes[route_pick % len(routes)]
    route = solution.routes[k]
    steps = list(route.steps)
    job_pos = [i for i, s in enumerate(steps) if s.type == "job"]
    i = job_pos[job_pick % len(job_pos)]
    step = steps[i]
    if mutation == "duplicate":
        steps.insert(i, step)
    elif mutation == "drop":
        del steps[i]
        if not any(s.type == "job" for s in steps):
            return
    elif mutation == "early":
        if (
            step.arrival_s == 0
            or problem.travel_s(steps[i - 1].location_index, step.location_index) == 0
        ):
            return
        steps[i] = dataclasses.replace(
            step,
            arrival_s=steps[i - 1].departure_s - 1,
            departure_s=steps[i - 1].departure_s - 1 + step.waiting_s + step.service_s,
        )
    elif mutation == "travel":
        route = dataclasses.replace(route, travel_s=route.travel_s + 1)
    elif mutation == "service":
        steps[i] = dataclasses.replace(
            step, service_s=step.service_s + 1, departure_s=step.departure_s + 1
        )
    elif mutation == "window":
        assert step.id is not None
        job = problem.job(step.id)
        if not job.time_windows:
            return
        late = job.time_windows[-1].end_s + 1
        steps[i] = dataclasses.replace(
            step, waiting_s=late - step.arrival_s, departure_s=late + step.service_s
        )
        if late < step.arrival_s:
            return
    elif mutation == "swap_vehicle":
        # Hand the route to another crew; if that crew has a route, it takes this one's crew.
        others = [v for v in problem.vehicles if v.id != route.vehicle_id]
        if not others:
            return
        to = others[job_pick % len(others)]
        routes_now = list(solution.routes)
        routes_now[k] = dataclasses.replace(route, vehicle_id=to.id)
        breaks_a_rule = _swap_breaks_a_rule(problem, route, to)
        theirs = solution.route_of(to.id)
        if theirs is not None:
            j = solution.routes.index(theirs)
            routes_now[j] = dataclasses.replace(theirs, vehicle_id=route.vehicle_id)
            origin = problem.vehicle(route.vehicle_id)
            breaks_a_rule = breaks_a_rule or _swap_breaks_a_rule(problem, theirs, origin)
        violations = validate(problem, dataclasses.replace(solution, routes=tuple(routes_now)))
        if breaks_a_rule:
            assert violations != []
        else:
            assert violations == [], violations
        return
    mutated = _replace_route(solution, k, dataclasses.replace(route, steps=tuple(steps)))
    assert validate(problem, mutated) != []


def test_order_that_misses_a_window_is_rejected() -> None:
    """A hand-made route that reaches a job after its window closes, with times that lie."""
    d = np.array([[0, 100, 100], [100, 0, 100], [100, 100, 0]])
    jobs = (Job(1, 1, 50, (TimeWindow(0, 1000),)), Job(2, 2, 50, (TimeWindow(0, 150),)))
    problem = Problem(jobs, (Vehicle(1, 0, 0, TimeWindow(0, 5000)),), d)
    steps = (
        Step("start", None, 0, 0, 0, 0, 0),
        Step("job", 1, 1, 100, 0, 50, 150),
        Step("job", 2, 2, 140, 0, 50, 190),  # impossible: left job 1 at 150, 100 s away
        Step("end", None, 0, 290, 0, 0, 290),
    )
    route = Route(1, steps, 300, 100, 0, 0, 0)
    solution = Solution((route,), (), summarize(problem, [route], []))
    codes = {v.code for v in validate(problem, solution)}
    assert {"time_window", "schedule"} <= codes


def test_missing_and_unknown_jobs() -> None:
    d = np.zeros((2, 2), dtype=np.int64)
    problem = Problem((Job(1, 1),), (Vehicle(1, 0, 0, None),), d)
    empty = Solution((), (), summarize(problem, [], []))
    assert [v.code for v in validate(problem, empty)] == ["missing_job"]
    ghost = Solution(
        (),
        (Unassigned(1, "x", "y"), Unassigned(1, "x", "y")),
        summarize(problem, [], [Unassigned(1, "x", "y")]),
    )
    assert "duplicate_job" in {v.code for v in validate(problem, ghost)}
