"""Small routing instances for tests: hand-made ones with known optima and a seeded generator."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from routing.problem import Break, Job, Problem, TimeWindow, Vehicle

HOUR = 3600


def line(n: int, step: int = 100) -> np.ndarray:
    """Locations on a line, `step` seconds apart."""
    x = np.arange(n) * step
    return np.abs(x[:, None] - x[None, :])


def grid_durations(points: Sequence[tuple[float, float]], speed: float = 1.0) -> np.ndarray:
    """Euclidean travel seconds between points (rounded), as an int matrix."""
    xy = np.asarray(points, dtype=float)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) / speed
    return np.rint(d).astype(np.int64)


def random_problem(
    seed: int,
    n_jobs: int,
    n_vehicles: int,
    *,
    windows: bool = True,
    skills: bool = True,
    breaks: bool = False,
    capacity: bool = False,
    max_tasks: bool = False,
    musts: bool = True,
    shift_h: float = 8.0,
    service_s: tuple[int, int] = (600, 1800),
    area_s: float = 1800.0,
) -> Problem:
    """A random day: depot at index 0, one location per job, crews on an 08:00 shift."""
    rng = np.random.default_rng(seed)
    points = [(area_s / 2, area_s / 2)] + [
        (float(x), float(y)) for x, y in rng.uniform(0, area_s, size=(n_jobs, 2))
    ]
    durations = grid_durations(points)
    day0, day1 = 8 * HOUR, int(8 * HOUR + shift_h * HOUR)
    jobs = []
    for i in range(1, n_jobs + 1):
        tws: tuple[TimeWindow, ...] = ()
        if windows and rng.random() < 0.6:
            if rng.random() < 0.3:
                a = int(rng.integers(day0, day0 + (day1 - day0) // 4 + 1))
                b = int(rng.integers(a + HOUR + 1, a + HOUR + 2 + (day1 - day0) // 2))
                tws = (TimeWindow(a, a + HOUR // 2), TimeWindow(b, b + HOUR // 2))
            else:
                a = int(rng.integers(day0 - HOUR, day1 - HOUR))
                tws = (TimeWindow(max(0, a), a + int(rng.integers(HOUR // 2, 4 * HOUR))),)
        jobs.append(
            Job(
                id=i,
                location_index=i,
                service_s=int(rng.integers(*service_s)),
                time_windows=tws,
                skills=frozenset({1}) if skills and rng.random() < 0.25 else frozenset(),
                priority=100 if musts and rng.random() < 0.15 else int(rng.integers(0, 100)),
                delivery=int(rng.integers(1, 4)) if capacity else 0,
            )
        )
    vehicles = []
    for k in range(n_vehicles):
        brk: tuple[Break, ...] = ()
        if breaks:
            brk = (Break(1, (TimeWindow(11 * HOUR, 13 * HOUR),), 1800, "lunch"),)
        vehicles.append(
            Vehicle(
                id=k + 1,
                start_index=0,
                end_index=0,
                time_window=TimeWindow(day0, day1),
                skills=frozenset({1}) if skills and k % 2 == 0 else frozenset(),
                breaks=brk,
                capacity=int(rng.integers(3, 10)) if capacity else None,
                max_tasks=int(rng.integers(1, 5)) if max_tasks else None,
            )
        )
    return Problem(tuple(jobs), tuple(vehicles), durations)


def _earliest_ok(problem: Problem, vehicle: Vehicle, order: Sequence[int]) -> int | None:
    """Travel of a route without breaks if feasible (brute-force helper), else None."""
    tw = vehicle.time_window
    t = tw.start_s if tw else 0
    here, travel = vehicle.start_index, 0
    for jid in order:
        job = problem.job(jid)
        d = problem.travel_s(here, job.location_index)
        travel += d
        t += d
        if job.time_windows:
            starts = [max(t, w.start_s) for w in job.time_windows if w.end_s >= t]
            if not starts:
                return None
            t = min(starts)
        t += job.service_s
        here = job.location_index
    d = problem.travel_s(here, vehicle.end_index)
    travel += d
    if tw is not None and t + d > tw.end_s:
        return None
    return travel


def brute_force(problem: Problem) -> tuple[int, int, int, int]:
    """Best (served MUST jobs, served priority, served jobs, -travel) over all assignments and
    orders: the solver's lexicographic objective (tiny problems without breaks, capacity or
    max tasks)."""
    jobs = [j.id for j in problem.jobs]
    vehicles = problem.vehicles
    best: tuple[int, int, int, int] | None = None
    # Each job goes to a vehicle (0..V-1) or is dropped (V).
    for assign in itertools.product(range(len(vehicles) + 1), repeat=len(jobs)):
        total_travel = 0
        ok = True
        for v, vehicle in enumerate(vehicles):
            mine = [j for j, a in zip(jobs, assign, strict=True) if a == v]
            if any(not problem.job(j).skills <= vehicle.skills for j in mine):
                ok = False
                break
            if not mine:
                continue
            best_route = None
            for perm in itertools.permutations(mine):
                t = _earliest_ok(problem, vehicle, perm)
                if t is not None and (best_route is None or t < best_route):
                    best_route = t
            if best_route is None:
                ok = False
                break
            total_travel += best_route
        if not ok:
            continue
        served = [j for j, a in zip(jobs, assign, strict=True) if a < len(vehicles)]
        key = (
            sum(1 for j in served if problem.job(j).is_must),
            sum(problem.job(j).priority for j in served),
            len(served),
            -total_travel,
        )
        if best is None or key > best:
            best = key
    assert best is not None
    return best
