"""Benchmark: realistic community-paramedic days, ours vs VROOM vs PyVRP on the same instances.

    .venv/bin/python -m tests.bench.cp_days [--time-limit 5] [--out benchmarks/results/cp_days.md]

A generated day (`cp_day`): a station in Durham NC, 30-120 visits within ~15 km, 4-8 crews on
08:00-16:30 or 09:00-17:30 shifts with a 30-minute lunch starting 11:30-13:30, skills
(1 paramedic: all crews; 2 peer support; 3 vaccines), one-hour appointments with a 30-minute
start window, half-day (AM/PM) windows, two-window visits, 12% MUST visits, the rest priority
10-90; the larger days are over-subscribed. Travel: the default offline provider.

Table 1 (full days, with lunch breaks): ours vs VROOM (pyvroom, exploration level 5, one
thread, same time budget). Table 2 (the same days without breaks, because PyVRP has none):
ours vs VROOM vs PyVRP (skills as per-crew travel profiles, two-window visits as a
mutually-exclusive client group, priorities as prizes). Every plan, including the peers', is
checked by routing.validate. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from routing import (
    Break,
    Job,
    LatLon,
    Problem,
    ProgressInfo,
    Solution,
    TimeWindow,
    Vehicle,
    assert_valid,
    solve,
)
from routing.schedule import ScheduleError, schedule_with_breaks
from routing.solution import Unassigned, summarize
from routing.vroom_json import problem_to_vroom, solution_from_vroom

H = 3600
WALL_FACTOR = 20  # wall-clock safety limit = 20 x the CPU budget
STATION = LatLon(35.994, -78.899)
SIZES = [(30, 4, 1), (60, 6, 1), (60, 6, 2), (60, 6, 3), (90, 6, 4), (120, 8, 5)]


def cp_day(seed: int, n_visits: int, n_crews: int) -> Problem:
    from routing.matrix import GeodesicProvider

    rng = np.random.default_rng(seed)
    points = [STATION] + [
        LatLon(
            STATION.lat + float(rng.uniform(-0.12, 0.12)),
            STATION.lon + float(rng.uniform(-0.15, 0.15)),
        )
        for _ in range(n_visits)
    ]
    durations = GeodesicProvider().durations(points)
    jobs = []
    for i in range(1, n_visits + 1):
        kind = rng.random()
        service = int(rng.choice([1200, 1800, 2700, 3600]))
        windows: tuple[TimeWindow, ...] = ()
        if kind < 0.15:  # appointment
            start = int(rng.integers(9, 16)) * H
            service = 3600
            windows = (TimeWindow(start, start + 1800),)
        elif kind < 0.50:  # half day
            windows = (
                (TimeWindow(8 * H, 12 * H),)
                if rng.random() < 0.5
                else (TimeWindow(12 * H, 16 * H + 1800),)
            )
        elif kind < 0.60:  # two windows
            windows = (TimeWindow(9 * H, 10 * H), TimeWindow(14 * H, 15 * H))
        r = rng.random()
        skills: frozenset[int] = (
            frozenset({2}) if r < 0.2 else frozenset({3}) if r < 0.3 else frozenset()
        )
        priority = 100 if rng.random() < 0.12 else int(rng.integers(10, 91))
        jobs.append(Job(i, i, service, windows, skills | {1}, priority))
    vehicles = []
    for k in range(1, n_crews + 1):
        start = 8 * H if k % 2 else 9 * H
        crew_skills = {1} | ({2} if k % 2 == 0 else set()) | ({3} if k % 3 == 0 else set())
        vehicles.append(
            Vehicle(
                k,
                0,
                0,
                TimeWindow(start, start + 8 * H + 1800),
                frozenset(crew_skills),
                (Break(1, (TimeWindow(11 * H + 1800, 13 * H + 1800),), 1800, "lunch"),),
            )
        )
    return Problem(tuple(jobs), tuple(vehicles), durations, tuple(points))


def without_breaks(problem: Problem) -> Problem:
    return dataclasses.replace(
        problem, vehicles=tuple(dataclasses.replace(v, breaks=()) for v in problem.vehicles)
    )


def run_vroom(problem: Problem, time_limit_s: float) -> tuple[Solution, float]:
    import vroom

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(problem_to_vroom(problem), f)
    try:
        c0 = cpu_s()
        inp = vroom.Input.from_json(Path(f.name))
        out = inp.solve(
            exploration_level=5,
            nb_threads=1,
            timeout=datetime.timedelta(seconds=WALL_FACTOR * time_limit_s),
        )
        cpu = cpu_s() - c0
    finally:
        Path(f.name).unlink()
    return solution_from_vroom(problem, out.to_dict()), cpu


def cpu_s() -> float:
    """CPU seconds of this process so far (all threads, and finished child processes)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    k = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + k.ru_utime + k.ru_stime


class CpuBudget:
    """A PyVRP stopping criterion: stop after `budget_s` CPU seconds of this process."""

    def __init__(self, budget_s: float) -> None:
        self.end = cpu_s() + budget_s

    def __call__(self, best_cost: float) -> bool:
        return cpu_s() >= self.end


def run_ours(
    problem: Problem, time_limit_s: float, workers: int = 1
) -> tuple[Solution, float, float | None]:
    """Our plan, its CPU seconds and the time to the first plan."""
    seen: list[ProgressInfo] = []
    c0 = cpu_s()
    sol = solve(
        problem,
        time_limit_s=WALL_FACTOR * time_limit_s,
        cpu_time_limit_s=time_limit_s,
        progress=seen.append,
        workers=workers,
    )
    return sol, cpu_s() - c0, seen[0].elapsed_s if seen else None


def run_pyvrp(problem: Problem, time_limit_s: float) -> tuple[Solution, float]:
    """PyVRP on a day without breaks (it has none)."""
    import pyvrp

    assert all(not v.breaks for v in problem.vehicles)
    m = pyvrp.Model()
    n = problem.n_locations
    locs = [m.add_location(x=0, y=0) for _ in range(n)]
    depot = m.add_depot(locs[0], tw_early=0, tw_late=24 * H)
    big = 10**7
    clients: list[tuple[Any, int]] = []
    for job in problem.jobs:
        prize = 10**9 if job.is_must else 10_000 * (job.priority + 1)
        windows = job.time_windows or (TimeWindow(0, 24 * H),)
        group = m.add_client_group(required=False) if len(windows) > 1 else None
        for tw in windows:
            c = m.add_client(
                locs[job.location_index],
                service_duration=job.service_s,
                tw_early=tw.start_s,
                tw_late=tw.end_s,
                prize=prize,
                required=False,
                group=group,
            )
            clients.append((c, job.id))
    skill_sets = sorted({v.skills for v in problem.vehicles}, key=sorted)
    profiles = {s: m.add_profile() for s in skill_sets}
    node_job = {id(c): jid for c, jid in clients}
    d = problem.durations
    skills_at = {j.location_index: j.skills for j in problem.jobs}
    for skills, prof in profiles.items():
        for la in range(n):
            for lb in range(n):
                if la == lb:
                    continue
                ok = skills_at.get(lb, frozenset()) <= skills
                t = int(d[la, lb]) if ok else big
                m.add_edge(locs[la], locs[lb], distance=t, duration=t, profile=prof)
    types = []
    for v in problem.vehicles:
        assert v.time_window is not None
        types.append(
            (
                m.add_vehicle_type(
                    1,
                    start_depot=depot,
                    end_depot=depot,
                    tw_early=v.time_window.start_s,
                    tw_late=v.time_window.end_s,
                    profile=profiles[v.skills],
                ),
                v,
            )
        )
    t0 = time.monotonic()
    res = m.solve(stop=CpuBudget(time_limit_s), seed=1, display=False)
    wall = time.monotonic() - t0
    routes = []
    served: set[int] = set()
    for route in res.best.routes():
        vehicle = types[route.vehicle_type()][1]
        job_ids = [
            node_job[id(clients[a.idx][0])]  # a client activity: index among clients
            for a in route
            if a.is_client()
        ]
        try:
            routes.append(schedule_with_breaks(problem, vehicle, job_ids))
            served.update(job_ids)
        except ScheduleError as exc:
            raise AssertionError(f"PyVRP route infeasible under our schedule: {exc}") from exc
    unassigned = [
        Unassigned(j.id, "dropped by PyVRP", "pyvrp") for j in problem.jobs if j.id not in served
    ]
    sol = Solution(
        tuple(routes),
        tuple(unassigned),
        summarize(problem, routes, unassigned),
        feasible=res.is_feasible(),
        computing_time_s=wall,
    )
    return sol, wall


def stats(problem: Problem, sol: Solution) -> dict[str, Any]:
    assert_valid(problem, sol)
    musts = sum(1 for j in problem.jobs if j.is_must)
    served_musts = sum(1 for r in sol.routes for j in r.job_ids if problem.job(j).is_must)
    return {
        "prio": sol.summary.served_priority,
        "jobs": sol.summary.served_jobs,
        "travel": sol.summary.travel_s,
        "must": f"{served_musts}/{musts}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-pyvrp", action="store_true")
    parser.add_argument(
        "--workers", type=int, default=1, help="our search processes (each gets the CPU budget)"
    )
    args = parser.parse_args(argv)
    tl = args.time_limit
    lines = [
        f"# Community-paramedic days, {tl:g} s of CPU per solver per instance, ours with "
        f"{args.workers} worker(s), the peers with one thread",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores shared with other "
        "engineers' test runs (load varies, so budgets are CPU seconds: ours and PyVRP stop "
        f"after {tl:g} CPU s; VROOM stops by itself, its CPU s is shown). Priority = served "
        "priority (higher is better); travel in seconds; MUST = MUST visits served / MUST "
        "visits; first plan = wall seconds to our first feasible plan. Every plan (ours and "
        "the peers') passed routing.validate.",
        "",
        "## 1. Full days (lunch breaks): ours vs VROOM 1.15 (exploration 5)",
        "",
        "| day | visits | crews | ours prio | VROOM prio | ours jobs | VROOM jobs | "
        "ours travel | VROOM travel | travel diff | ours MUST | VROOM MUST | "
        "ours first plan s | ours CPU s | VROOM CPU s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    second = [
        "",
        "## 2. Same days without breaks: ours vs VROOM vs PyVRP 0.14.1",
        "",
        "| day | ours prio | VROOM prio | PyVRP prio | ours travel | VROOM travel | "
        "PyVRP travel | ours MUST | VROOM MUST | PyVRP MUST |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, crews, seed in SIZES:
        problem = cp_day(seed, n, crews)
        ours, ours_cpu, first = run_ours(problem, tl, args.workers)
        o = stats(problem, ours)
        vsol, vroom_cpu = run_vroom(problem, tl)
        v = stats(problem, vsol)
        diff = 100 * (o["travel"] / v["travel"] - 1) if v["travel"] else 0.0
        lines.append(
            f"| d{seed} | {n} | {crews} | {o['prio']} | {v['prio']} | {o['jobs']} | "
            f"{v['jobs']} | {o['travel']} | {v['travel']} | {diff:+.1f}% | {o['must']} "
            f"| {v['must']} | {first or float('nan'):.2f} | {ours_cpu:.1f} | {vroom_cpu:.1f} |"
        )
        print(lines[-1], flush=True)
        if not args.no_pyvrp:
            nb = without_breaks(problem)
            o2 = stats(nb, run_ours(nb, tl, args.workers)[0])
            v2 = stats(nb, run_vroom(nb, tl)[0])
            p2 = stats(nb, run_pyvrp(nb, tl)[0])
            second.append(
                f"| d{seed} ({n}/{crews}) | {o2['prio']} | {v2['prio']} | "
                f"{p2['prio']} | {o2['travel']} | {v2['travel']} | {p2['travel']} | "
                f"{o2['must']} | {v2['must']} | {p2['must']} |"
            )
            print(second[-1], flush=True)
    lines.append(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}.")
    text = "\n".join(lines + (second if not args.no_pyvrp else [])) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
