"""Greedy post-search repair of a plan (`repair`).

Local search within a time limit misses moves that need an ejection first; this catches the
simple ones: insert a dropped visit where it fits, else move one planned visit to another crew
to make room, else let it replace a lower-priority visit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from routing.explain import eligible_vehicles
from routing.problem import Job, Problem, Vehicle
from routing.schedule import ScheduleError, schedule_route
from routing.search import CancelToken
from routing.solution import Route, lateness_cost


def _tier(job: Job) -> tuple[int, int]:
    return (1 if job.is_must else 0, job.priority)


Seq = list[tuple[str, int]]


class _Repairer:
    """The plan being repaired, by vehicle id (see `repair`)."""

    def __init__(self, problem: Problem, routes: Sequence[Route], deadline: float) -> None:
        self.problem = problem
        self.deadline = deadline
        self.routes = {r.vehicle_id: r for r in routes}

    def seq(self, vehicle: Vehicle) -> Seq:
        route = self.routes.get(vehicle.id)
        if route is None:
            return [("break", b.id) for b in vehicle.breaks]
        return [(s.type, s.id) for s in route.steps[1:-1] if s.id is not None]

    def cost(self, vehicle: Vehicle) -> int:
        route = self.routes.get(vehicle.id)
        return self.route_cost(route) if route else 0

    def route_cost(self, route: Route) -> int:
        """Travel plus lateness cost: what the search minimises in its last tier."""
        return route.travel_s + lateness_cost(self.problem, route)

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
        base = self.cost(vehicle)
        best: tuple[int, Route] | None = None
        for pos in range(self.first_free(vehicle, seq), len(seq) + 1):
            cand = [*seq[:pos], ("job", job.id), *seq[pos:]]
            try:
                route = schedule_route(self.problem, vehicle, cand)  # type: ignore[arg-type]
            except ScheduleError:
                continue
            delta = self.route_cost(route) - base + self.extra(job, vehicle)
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
                saved = self.cost(vehicle) - self.route_cost(shorter) + self.extra(other, vehicle)
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


def repair(
    problem: Problem,
    routes: list[Route],
    dropped: Sequence[Job],
    *,
    deadline: float,
    cancel: CancelToken | None = None,
) -> list[Route]:
    """Greedy post-search repair, highest priority first: insert a dropped visit where it fits;
    else move one planned visit to another crew to make room; else let it replace a
    lower-priority visit. Every change strictly improves the objective's tiers (MUST,
    priority, visits), so it never undoes what the search achieved; it catches the moves local
    search misses within its time limit (an insertion that needs an ejection first)."""
    repairer = _Repairer(problem, routes, deadline)
    pool = sorted(dropped, key=lambda j: (-j.is_must, -j.priority, j.id))
    tried: set[int] = set()
    while pool and time.monotonic() < deadline and not (cancel is not None and cancel.is_set()):
        job = pool.pop(0)
        tried.add(job.id)
        for back in repairer.place(job):
            if back.id != job.id and back.id not in tried:
                pool.append(back)
        pool.sort(key=lambda j: (-j.is_must, -j.priority, j.id))
    order = {v.id: k for k, v in enumerate(problem.vehicles)}
    kept = [r for r in repairer.routes.values() if r.job_ids]
    return sorted(kept, key=lambda r: order[r.vehicle_id])
