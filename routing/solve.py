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
    solutions were found first or `cancel` is set); a greedy repair of the plan then takes at
    most 10% more (at most 1 s), and explaining the unserved visits a little more. `seed`
    picks the search strategy from a fixed portfolio (worker k uses entry seed + k);
    `strategy` overrides it for one worker.
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
            problem,
            modelled,
            remaining,
            strategies,
            forward,
            cancel,
            solution_limit,
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
        routes = _repair(
            problem,
            routes,
            dropped,
            deadline=time.monotonic() + min(1.0, max(0.05, 0.1 * time_limit_s)),
        )
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
            args=(problem, jobs, time_limit_s, s, solution_limit, cpu_time_limit_s, out, stop, k),
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


Seq = list[tuple[str, int]]


class _Repairer:
    """Greedy post-search repair of a plan (see `_repair`)."""

    def __init__(self, problem: Problem, routes: Sequence[Route], deadline: float) -> None:
        self.problem = problem
        self.deadline = deadline
        self.routes = {r.vehicle_id: r for r in routes}

    def seq(self, vehicle: Vehicle) -> Seq:
        route = self.routes.get(vehicle.id)
        if route is None:
            return [("break", b.id) for b in vehicle.breaks]
        return [(s.type, s.id) for s in route.steps[1:-1] if s.id is not None]

    def travel(self, vehicle: Vehicle) -> int:
        route = self.routes.get(vehicle.id)
        return route.travel_s if route else 0

    def extra(self, job: Job, vehicle: Vehicle) -> int:
        pref = job.preferred_vehicle
        return self.problem.continuity_penalty_s if pref not in (None, vehicle.id) else 0

    def first_free(self, vehicle: Vehicle, seq: Seq) -> int:
        """Index in `seq` after the locked prefix."""
        locked, k = len(vehicle.locked_jobs), 0
        while locked and k < len(seq):
            if seq[k][0] == "job":
                locked -= 1
            k += 1
        return k

    def room(self, vehicle: Vehicle, seq: Seq, job: Job) -> bool:
        jobs = [self.problem.job(i) for k, i in seq if k == "job"]
        if vehicle.max_tasks is not None and len(jobs) >= vehicle.max_tasks:
            return False
        load = sum(j.delivery for j in jobs) + job.delivery
        return vehicle.capacity is None or load <= vehicle.capacity

    def insert(self, vehicle: Vehicle, seq: Seq, job: Job) -> tuple[int, Route] | None:
        """Cheapest feasible insertion of `job` into `seq`: (added cost, route)."""
        if not self.room(vehicle, seq, job):
            return None
        base = self.travel(vehicle)
        best: tuple[int, Route] | None = None
        for pos in range(self.first_free(vehicle, seq), len(seq) + 1):
            cand = [*seq[:pos], ("job", job.id), *seq[pos:]]
            try:
                route = schedule_route(self.problem, vehicle, cand)  # type: ignore[arg-type]
            except ScheduleError:
                continue
            delta = route.travel_s - base + self.extra(job, vehicle)
            if best is None or delta < best[0]:
                best = (delta, route)
        return best

    def place(self, job: Job) -> list[Job]:
        """Try to plan `job`; returns the visits it displaced (to retry), or [job] if none."""
        problem = self.problem
        best: tuple[tuple[int, int, int, int], dict[int, Route], Job | None] | None = None

        def offer(
            gain: tuple[int, int, int, int], change: dict[int, Route], out: Job | None
        ) -> None:
            nonlocal best
            if best is None or gain > best[0]:
                best = (gain, change, out)

        able = eligible_vehicles(problem, job)
        for vehicle in able:  # 1. plain insertion
            found = self.insert(vehicle, self.seq(vehicle), job)
            if found is not None:
                offer((*_tier(job), 1, -found[0]), {vehicle.id: found[1]}, None)
        if best is not None:
            self._apply(best[1])
            return []
        for vehicle in able:  # 2. move one visit elsewhere to make room, or 3. replace it
            seq = self.seq(vehicle)
            for k in range(self.first_free(vehicle, seq), len(seq)):
                if time.monotonic() >= self.deadline:
                    break
                kind, other_id = seq[k]
                if kind != "job":
                    continue
                other = problem.job(other_id)
                rest = [*seq[:k], *seq[k + 1 :]]
                try:
                    shorter = schedule_route(problem, vehicle, rest)  # type: ignore[arg-type]
                except ScheduleError:
                    continue
                saved = self.travel(vehicle) - shorter.travel_s + self.extra(other, vehicle)
                self.routes[vehicle.id], previous = shorter, self.routes.get(vehicle.id)
                try:
                    found = self.insert(vehicle, rest, job)
                finally:
                    if previous is None:
                        del self.routes[vehicle.id]
                    else:
                        self.routes[vehicle.id] = previous
                if found is None:
                    continue
                delta = found[0] - saved
                change = {vehicle.id: found[1]}
                moved = False
                for target in eligible_vehicles(problem, other):
                    if target.id == vehicle.id:
                        continue
                    there = self.insert(target, self.seq(target), other)
                    if there is not None:
                        offer(
                            (*_tier(job), 1, -(delta + there[0])),
                            {**change, target.id: there[1]},
                            None,
                        )
                        moved = True
                if not moved and _tier(other) < _tier(job):
                    gain = (
                        _tier(job)[0] - _tier(other)[0],
                        _tier(job)[1] - _tier(other)[1],
                        0,
                        -delta,
                    )
                    offer(gain, change, other)
        if best is None:
            return [job]
        self._apply(best[1])
        return [] if best[2] is None else [best[2]]

    def _apply(self, change: dict[int, Route]) -> None:
        self.routes.update(change)


def _repair(
    problem: Problem, routes: list[Route], dropped: Sequence[Job], *, deadline: float
) -> list[Route]:
    """Greedy post-search repair, highest priority first: insert a dropped visit where it fits;
    else move one planned visit to another crew to make room; else let it replace a
    lower-priority visit. Every change strictly improves the objective's tiers (MUST,
    priority, visits), so it never undoes what the search achieved; it catches the moves local
    search misses within its time limit (an insertion that needs an ejection first)."""
    repairer = _Repairer(problem, routes, deadline)
    pool = sorted(dropped, key=lambda j: (-j.is_must, -j.priority, j.id))
    tried: set[int] = set()
    while pool and time.monotonic() < deadline:
        job = pool.pop(0)
        tried.add(job.id)
        for back in repairer.place(job):
            if back.id != job.id and back.id not in tried:
                pool.append(back)
        pool.sort(key=lambda j: (-j.is_must, -j.priority, j.id))
    order = {v.id: k for k, v in enumerate(problem.vehicles)}
    kept = [r for r in repairer.routes.values() if r.job_ids]
    return sorted(kept, key=lambda r: order[r.vehicle_id])
