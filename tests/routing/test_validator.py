"""The independent validator: it accepts what the solver returns on random small days and
rejects solutions that break a constraint."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing import Job, Problem, Solution, TimeWindow, Vehicle, solve, validate
from routing.solution import Route, Step, Unassigned, summarize
from tests.routing.factories import random_problem

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
    solution = solve(problem, time_limit_s=2.0, solution_limit=60)
    assert validate(problem, solution) == []
    assert all(u.reason and u.code for u in solution.unassigned)


def _replace_route(solution: Solution, k: int, route: Route) -> Solution:
    routes = list(solution.routes)
    routes[k] = route
    return dataclasses.replace(solution, routes=tuple(routes))


@SETTINGS
@given(
    problems(),
    st.sampled_from(["duplicate", "drop", "early", "travel", "service", "window", "swap_vehicle"]),
    st.data(),
)
def test_validator_rejects_mutations(problem: Problem, mutation: str, data: st.DataObject) -> None:
    solution = solve(problem, time_limit_s=2.0, solution_limit=60)
    routes = [k for k, r in enumerate(solution.routes) if r.job_ids]
    if not routes:
        return
    k = data.draw(st.sampled_from(routes))
    route = solution.routes[k]
    steps = list(route.steps)
    job_pos = [i for i, s in enumerate(steps) if s.type == "job"]
    i = data.draw(st.sampled_from(job_pos))
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
        others = [
            v
            for v in problem.vehicles
            if v.id != route.vehicle_id and solution.route_of(v.id) is None
        ]
        if not others:
            return
        route = dataclasses.replace(route, vehicle_id=others[0].id)
        vehicle = problem.vehicle(route.vehicle_id)
        original = problem.vehicle(solution.routes[k].vehicle_id)
        if (
            vehicle.skills == original.skills
            and vehicle.capacity == original.capacity
            and (vehicle.max_tasks == original.max_tasks)
        ):
            return  # an identical crew: still valid
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
