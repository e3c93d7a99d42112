"""`solve(problem, ...)`: pre-check, search, schedule, explain.

The OR-Tools model is imported lazily (in `routing.model`), so importing `routing` stays cheap.
With `workers > 1` the search runs in that many processes with different strategies and the
best plan wins (the app keeps `workers=1` by default: the machines have two cores).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from routing.errors import ProblemError, SolveError
from routing.explain import eligible_vehicles, explain_dropped, precheck
from routing.problem import Job, Problem, Vehicle
from routing.solution import (
    Route,
    ScheduleError,
    Solution,
    schedule_route,
    schedule_with_breaks,
    summarize,
)

if TYPE_CHECKING:
    from routing.model import CancelToken, Improvement, SearchResult, SearchStrategy


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


def _strategies(seed: int, workers: int) -> list[SearchStrategy]:
    from routing.model import PORTFOLIO

    return [PORTFOLIO[(seed + k) % len(PORTFOLIO)] for k in range(workers)]


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

    `time_limit_s` bounds the search (local search runs until it, unless `solution_limit`
    solutions were found first or `cancel` is set). `seed` picks the search strategy from a
    fixed portfolio (worker k uses entry seed + k); `strategy` overrides it for one worker.
    The same input, seed and `solution_limit` give the same plan; with only a time limit the
    plan can differ when the machine is busier (the search gets further or not).
    `cpu_time_limit_s` additionally caps the CPU time of each search (benchmarks on a shared
    machine use it to give every instance the same compute).
    Raises ProblemError when locked routes cannot be kept.
    """
    if time_limit_s <= 0:
        raise ProblemError(f"time limit must be positive, got {time_limit_s}", where="solve")
    t0 = time.monotonic()
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

    remaining = max(0.01, time_limit_s - (time.monotonic() - t0))
    if workers <= 1 or not modelled:
        from routing.model import run_search

        result = run_search(
            problem,
            modelled,
            time_limit_s=remaining,
            strategy=strategy or _strategies(seed, 1)[0],
            on_improvement=lambda info: forward(info, 0),
            cancel=cancel,
            solution_limit=solution_limit,
            cpu_time_limit_s=cpu_time_limit_s,
        )
    else:
        strategies = _strategies(seed, workers)
        if strategy is not None:
            strategies[0] = strategy
        result = _run_parallel(
            problem, modelled, remaining, strategies, forward, cancel, solution_limit,
            cpu_time_limit_s,
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
        routes = _repair(problem, routes, dropped, deadline=time.monotonic() + min(
            1.0, max(0.05, 0.1 * time_limit_s)))
        served = {jid for r in routes for jid in r.job_ids}
        dropped = [j for j in modelled if j.id not in served]
    unassigned += explain_dropped(
        problem, routes, dropped, search_found=result.found, cancelled=result.cancelled
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


def _worker(
    problem: Problem,
    jobs: Sequence[Job],
    time_limit_s: float,
    strategy: SearchStrategy,
    solution_limit: int | None,
    cpu_time_limit_s: float | None,
    out: mp.Queue[tuple[int, str, object]],
    cancel: CancelToken,
    worker: int,
) -> None:
    from routing.model import run_search

    try:
        result = run_search(
            problem,
            jobs,
            time_limit_s=time_limit_s,
            strategy=strategy,
            on_improvement=lambda info: out.put((worker, "progress", info)),
            cancel=cancel,
            solution_limit=solution_limit,
            cpu_time_limit_s=cpu_time_limit_s,
        )
        out.put((worker, "result", result))
    except Exception as exc:  # reported to the parent, which re-raises it
        out.put((worker, "error", repr(exc)))


def _run_parallel(
    problem: Problem,
    jobs: Sequence[Job],
    time_limit_s: float,
    strategies: Sequence[SearchStrategy],
    forward: Callable[[Improvement, int], None],
    cancel: threading.Event | None,
    solution_limit: int | None,
    cpu_time_limit_s: float | None,
) -> SearchResult:
    ctx = mp.get_context("spawn")
    out: mp.Queue[tuple[int, str, object]] = ctx.Queue()
    stop = ctx.Event()
    procs = [
        ctx.Process(
            target=_worker,
            args=(problem, jobs, time_limit_s, s, solution_limit, cpu_time_limit_s, out, stop,
                  k),
            daemon=True,
        )
        for k, s in enumerate(strategies)
    ]
    for p in procs:
        p.start()
    results: dict[int, SearchResult] = {}
    best: int | None = None
    deadline = time.monotonic() + time_limit_s + 30.0
    try:
        while len(results) < len(procs):
            if cancel is not None and cancel.is_set():
                stop.set()
            try:
                worker, kind, payload = out.get(timeout=0.05)
            except queue.Empty:
                if time.monotonic() > deadline or not any(p.is_alive() for p in procs):
                    if not out.empty():
                        continue
                    raise SolveError("a search process died without a result") from None
                continue
            if kind == "progress":
                info: Improvement = payload  # type: ignore[assignment]
                if best is None or info.objective < best:
                    best = info.objective
                    forward(info, worker)
            elif kind == "result":
                results[worker] = payload  # type: ignore[assignment]
            else:
                raise SolveError(f"search process {worker} failed: {payload}")
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
    # Lowest objective wins; ties go to the lower worker number (deterministic).
    found = [
        (r.objective, k, r)
        for k, r in sorted(results.items())
        if r.found and r.objective is not None
    ]
    if not found:
        return results[0]
    return min(found, key=lambda t: (t[0], t[1]))[2]


def _tier(job: Job) -> tuple[int, int]:
    return (1 if job.is_must else 0, job.priority)


def _try(problem: Problem, vehicle: Vehicle, seq: Sequence[tuple[str, int]]) -> Route | None:
    try:
        return schedule_route(problem, vehicle, seq)  # type: ignore[arg-type]
    except ScheduleError:
        return None


def _repair(
    problem: Problem, routes: list[Route], dropped: Sequence[Job], *, deadline: float
) -> list[Route]:
    """Greedy post-search repair, highest priority first: insert a dropped visit where it fits
    (least added cost), else let it replace a lower-priority visit on one route. Every change
    strictly improves the objective's tiers (MUST, priority, visits), so it never undoes what
    the search achieved; it catches what local search missed near its time limit."""
    by_vehicle = {r.vehicle_id: r for r in routes}
    pool = sorted(dropped, key=lambda j: (-j.is_must, -j.priority, j.id))
    penalty = problem.continuity_penalty_s

    def cost(job: Job, vehicle: Vehicle) -> int:
        pref = job.preferred_vehicle
        return penalty if pref is not None and pref != vehicle.id else 0

    while pool and time.monotonic() < deadline:
        job = pool.pop(0)
        best: tuple[tuple[int, int, int, int], int, Route, int | None] | None = None
        for vehicle in eligible_vehicles(problem, job):
            if time.monotonic() >= deadline:
                break
            route = by_vehicle.get(vehicle.id)
            seq = [(s.type, s.id) for s in route.steps[1:-1]] if route else [
                ("break", b.id) for b in vehicle.breaks]
            seq_i: list[tuple[str, int]] = [(k, i) for k, i in seq if i is not None]
            old_travel = route.travel_s if route else 0
            n_jobs = len(route.job_ids) if route else 0
            load = route.delivery if route else 0
            locked = len(vehicle.locked_jobs)
            first_free = 0
            seen_jobs = 0
            while seen_jobs < locked:
                if seq_i[first_free][0] == "job":
                    seen_jobs += 1
                first_free += 1
            options: list[tuple[list[tuple[str, int]], Job | None]] = []
            fits_tasks = vehicle.max_tasks is None or n_jobs < vehicle.max_tasks
            fits_load = vehicle.capacity is None or load + job.delivery <= vehicle.capacity
            if fits_tasks and fits_load:
                options.append((seq_i, None))
            for k in range(first_free, len(seq_i)):
                kind, jid = seq_i[k]
                if kind != "job":
                    continue
                other = problem.job(jid)
                if _tier(other) >= _tier(job):
                    continue
                if vehicle.capacity is not None and (
                    load - other.delivery + job.delivery > vehicle.capacity
                ):
                    continue
                options.append((seq_i[:k] + seq_i[k + 1:], other))
            for base, removed in options:
                for pos in range(first_free, len(base) + 1):
                    cand = [*base[:pos], ("job", job.id), *base[pos:]]
                    new = _try(problem, vehicle, cand)
                    if new is None:
                        continue
                    delta = new.travel_s - old_travel + cost(job, vehicle)
                    if removed is None:
                        gain = (_tier(job)[0], _tier(job)[1], 1, -delta)
                    else:
                        delta -= cost(removed, vehicle)
                        gain = (_tier(job)[0] - _tier(removed)[0],
                                _tier(job)[1] - _tier(removed)[1], 0, -delta)
                    if best is None or gain > best[0]:
                        best = (gain, vehicle.id, new, None if removed is None else removed.id)
        if best is None:
            continue
        _, vid, new_route, removed_id = best
        by_vehicle[vid] = new_route
        if removed_id is not None:
            pool.append(problem.job(removed_id))
            pool.sort(key=lambda j: (-j.is_must, -j.priority, j.id))
    order = {v.id: k for k, v in enumerate(problem.vehicles)}
    return sorted(by_vehicle.values(), key=lambda r: order[r.vehicle_id])
