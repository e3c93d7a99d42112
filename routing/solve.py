"""`solve(problem, ...)`: the pipeline, stage by stage.

1. `routing.explain.precheck` sets aside the visits no crew could ever serve;
2. the search (`routing.model`, in this process; or `routing.portfolio`, one process per
   strategy with `workers > 1`: the app keeps `workers=1`, the machines have two cores);
3. `routing.schedule` times the routes the search returned;
4. `routing.repair` plans dropped visits the search missed;
5. `routing.explain.explain_dropped` says why the rest are not served.

The OR-Tools model is imported lazily (in `routing.model`), so importing `routing` stays cheap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from routing.errors import ProblemError, SolveError
from routing.explain import explain_dropped, precheck
from routing.portfolio import run_parallel, strategies
from routing.problem import Job, Problem
from routing.repair import repair
from routing.schedule import ScheduleError, schedule_with_breaks
from routing.search import Improvement, SearchResult, SearchStrategy
from routing.solution import Route, Solution, summarize

IN_PROCESS_JOBS = 12
"""Days this small are searched in this process whatever `workers` says: starting search
processes costs more than the search (a few hundredths of a second)."""
MAX_JOBS = 2000
"""The largest day `solve` takes: beyond it the travel-time matrix alone outgrows a desktop's
memory and no plan comes within seconds (see benchmarks/results/scaling.md)."""
GREEDY_JOBS = 400
"""Days with more visits than this are planned by greedy insertion (`routing.repair` from
empty routes) instead of OR-Tools, whose first plan alone takes minutes there (1,000 visits:
40 CPU s for parallel cheapest insertion; 500 visits: 6 CPU s)."""
_AFTER_SEARCH_S = 0.3
"""Kept from the time limit for the repair and the explanations after the search."""


@dataclass(frozen=True, slots=True)
class ProgressInfo:
    """A new best plan during the search. `objective` is the solver's internal value (drop
    penalties + travel): lower is better, comparable within one solve only."""

    elapsed_s: float
    objective: int
    served_priority: int
    served_jobs: int
    unassigned_jobs: int
    solutions: int
    worker: int = 0


def solve(
    problem: Problem,
    *,
    time_limit_s: float,
    progress: Callable[[ProgressInfo], None] | None = None,
    cancel: threading.Event | None = None,
    seed: int = 0,
    workers: int = 1,
    solution_limit: int | None = None,
    strategy: SearchStrategy | None = None,
    cpu_time_limit_s: float | None = None,
) -> Solution:
    """Plan the day: serve as much priority as possible, then minimise travel.

    `time_limit_s` bounds the whole call, building the model included: the search stops a
    little before it (earlier once `solution_limit` solutions were found, `cancel` is set, or
    the best plan has not improved for a stagnation window scaled to the day, see
    `routing.model.stagnation_window`), then a greedy repair and the explanations of unserved
    visits run, together finishing within the limit plus under half a second. `seed`
    picks the search strategy from a fixed portfolio (worker k uses entry seed + k);
    `strategy` overrides it for one worker.
    The same input, seed and `solution_limit` give the same plan; with only a time limit the
    plan can differ when the machine is busier (the search gets further or not).
    `cpu_time_limit_s` additionally caps the CPU time of each search (benchmarks on a shared
    machine use it to give every instance the same compute).
    Raises ProblemError when locked routes cannot be kept. With `workers > 1`, an error in a
    search process is raised here as its own type (see `routing.portfolio`).
    """
    if time_limit_s <= 0:
        raise ProblemError(f"time limit must be positive, got {time_limit_s}", where="solve")
    t0 = time.monotonic()
    if len(problem.jobs) > MAX_JOBS:
        raise ProblemError(
            f"{len(problem.jobs):,} visits are more than one plan supports ({MAX_JOBS:,}); "
            "split the day by area or by crew",
            where="jobs",
        )
    modelled, unassigned = precheck(problem)
    total_jobs = len(problem.jobs)

    def forward(info: Improvement, worker: int) -> None:
        if progress is not None:
            progress(
                ProgressInfo(
                    elapsed_s=time.monotonic() - t0,
                    objective=info.objective,
                    served_priority=info.served_priority,
                    served_jobs=info.served_jobs,
                    unassigned_jobs=total_jobs - info.served_jobs,
                    solutions=info.solutions,
                    worker=worker,
                )
            )

    # The time limit is a promise: the search ends early enough for the repair and the
    # explanations to finish within it (plus a little when they have much to do).
    deadline = t0 + time_limit_s
    search_deadline = deadline - min(_AFTER_SEARCH_S, 0.05 * time_limit_s)
    remaining = max(0.01, search_deadline - time.monotonic())
    if len(modelled) > GREEDY_JOBS:
        greedy_end = search_deadline
        if cpu_time_limit_s is not None:  # benchmarks: the same compute as a search gets
            greedy_end = min(greedy_end, time.monotonic() + cpu_time_limit_s)
        result = _greedy(problem, modelled, greedy_end, cancel)
        if progress is not None and result.objective is not None:
            planned = [problem.job(j) for r in result.routes.values() for j in r]
            progress(
                ProgressInfo(
                    elapsed_s=time.monotonic() - t0,
                    objective=result.objective,
                    served_priority=sum(j.priority for j in planned),
                    served_jobs=len(planned),
                    unassigned_jobs=total_jobs - len(planned),
                    solutions=1,
                )
            )
    elif workers <= 1 or len(modelled) <= IN_PROCESS_JOBS:
        from routing.model import run_search

        result = run_search(
            problem,
            modelled,
            time_limit_s=remaining,
            strategy=strategy or strategies(seed, 1)[0],
            on_improvement=lambda info: forward(info, 0),
            cancel=cancel,
            solution_limit=solution_limit,
            cpu_time_limit_s=cpu_time_limit_s,
            deadline=search_deadline,
        )
    else:
        chosen = strategies(seed, workers)
        if strategy is not None:
            chosen[0] = strategy
        result = run_parallel(
            problem,
            modelled,
            remaining,
            chosen,
            forward,
            cancel,
            solution_limit,
            cpu_time_limit_s,
            search_deadline,
        )
    if not result.found and not result.cancelled:
        _raise_for_locks(problem)
        raise SolveError("the solver found no plan at all, not even an empty one")

    routes: list[Route] = []
    for vehicle in problem.vehicles:
        job_ids = result.routes.get(vehicle.id)
        if not job_ids:
            continue
        try:
            routes.append(
                schedule_with_breaks(
                    problem,
                    vehicle,
                    job_ids,
                    service_starts=result.service_starts,
                    break_starts=result.break_starts.get(vehicle.id),
                )
            )
        except ScheduleError as exc:
            raise SolveError(
                f"cannot time the solver's route of vehicle {vehicle.id}: {exc}"
            ) from exc
    served = {jid for r in routes for jid in r.job_ids}
    dropped = [j for j in modelled if j.id not in served]
    if dropped and result.found and not result.cancelled:
        now = time.monotonic()
        routes = repair(
            problem,
            routes,
            dropped,
            deadline=max(now + 0.05, min(now + 1.0, deadline + 0.15)),
        )
        served = {jid for r in routes for jid in r.job_ids}
        dropped = [j for j in modelled if j.id not in served]
    unassigned += explain_dropped(
        problem,
        routes,
        dropped,
        search_found=result.found,
        cancelled=result.cancelled,
        deadline=max(time.monotonic() + 0.05, deadline + 0.3),
    )
    order = {j.id: k for k, j in enumerate(problem.jobs)}
    unassigned.sort(key=lambda u: order[u.job_id])
    return Solution(
        routes=tuple(routes),
        unassigned=tuple(unassigned),
        summary=summarize(problem, routes, unassigned),
        feasible=result.found,
        optimal=result.optimal,
        cancelled=result.cancelled,
        time_limit_reached=result.time_limit_reached,
        computing_time_s=time.monotonic() - t0,
        objective=result.objective,
    )


def _greedy(
    problem: Problem, jobs: list[Job], deadline: float, cancel: threading.Event | None
) -> SearchResult:
    """A plan for a day too big for the search: locked prefixes, then greedy insertion by
    priority until the deadline."""
    t0 = time.monotonic()
    locked: list[Route] = []
    for vehicle in problem.vehicles:
        if vehicle.locked_jobs:
            try:
                locked.append(schedule_with_breaks(problem, vehicle, vehicle.locked_jobs))
            except ScheduleError as exc:
                raise ProblemError(
                    f"its locked visits {list(vehicle.locked_jobs)} cannot be kept in this "
                    f"order ({exc})",
                    where=f"vehicle {vehicle.id}",
                ) from exc
    in_locks = {j for v in problem.vehicles for j in v.locked_jobs}
    free = [j for j in jobs if j.id not in in_locks]
    routes = repair(problem, locked, free, deadline=deadline, cancel=cancel)
    served = {j for r in routes for j in r.job_ids}
    unserved = sum(1 for j in jobs if j.id not in served)
    return SearchResult(
        found=True,
        routes={r.vehicle_id: r.job_ids for r in routes},
        service_starts={
            s.id: s.service_start_s
            for r in routes
            for s in r.steps
            if s.type == "job" and s.id is not None
        },
        break_starts={
            r.vehicle_id: {
                s.id: s.service_start_s for s in r.steps if s.type == "break" and s.id is not None
            }
            for r in routes
        },
        objective=sum(r.travel_s for r in routes) + unserved,
        optimal=False,
        cancelled=cancel is not None and cancel.is_set(),
        time_limit_reached=time.monotonic() >= deadline,
        elapsed_s=time.monotonic() - t0,
        first_solution_s=time.monotonic() - t0,
        solutions=1,
    )


def _raise_for_locks(problem: Problem) -> None:
    for vehicle in problem.vehicles:
        if not vehicle.locked_jobs:
            continue
        try:
            schedule_with_breaks(problem, vehicle, vehicle.locked_jobs)
        except ScheduleError as exc:
            raise ProblemError(
                f"its locked visits {list(vehicle.locked_jobs)} cannot be kept in this order "
                f"({exc})",
                where=f"vehicle {vehicle.id}",
            ) from exc
    if any(v.locked_jobs for v in problem.vehicles):
        raise ProblemError("the locked routes cannot all be kept together", where="vehicles")
