"""Benchmark: the 56 Solomon VRPTW instances, DIMACS convention, gap to the best-known distance.

    .venv/bin/python -m tests.bench.solomon [--time-limit 10] [--workers 1] [--only R1,C101]
        [--out benchmarks/results/solomon_10s.md] [--data ../shared/benchmarks]

DIMACS convention (../shared/benchmarks/README.md): distance = Euclidean truncated to one
decimal, travel time = distance; we scale by 10 to integers (tenths). Every solution is checked
by routing.validate before its gap is counted. Figures, not assertions; wall times depend on
the machine's load. The instances come from ../shared/benchmarks (not part of a clone); the
default test run reads only C101, from tests/data/benchmarks.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from routing import Job, Problem, TimeWindow, Vehicle, assert_valid, solve

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "benchmarks"


@dataclass(frozen=True)
class Instance:
    name: str
    problem: Problem
    bks: float | None


def read_solomon(path: Path) -> Problem:
    lines = path.read_text().splitlines()
    n_vehicles, capacity = (int(x) for x in lines[4].split())
    rows = [[int(x) for x in line.split()] for line in lines[9:] if line.strip()]
    xy = np.array([[r[1], r[2]] for r in rows], dtype=float)
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    durations = np.floor(10 * dist + 1e-9).astype(np.int64)
    depot = rows[0]
    jobs = tuple(
        Job(
            id=r[0],
            location_index=r[0],
            service_s=10 * r[6],
            time_windows=(TimeWindow(10 * r[4], 10 * r[5]),),
            delivery=r[3],
        )
        for r in rows[1:]
    )
    vehicles = tuple(
        Vehicle(k + 1, 0, 0, TimeWindow(10 * depot[4], 10 * depot[5]), capacity=capacity)
        for k in range(n_vehicles)
    )
    return Problem(jobs, vehicles, durations)


def load(only: list[str] | None = None, data: Path = SHARED) -> list[Instance]:
    """The instances in `data`/solomon (all 56 in ../shared by default) with their DIMACS BKS
    from `data`/bks.csv."""
    bks: dict[str, float] = {}
    with (data / "bks.csv").open() as f:
        for row in csv.DictReader(f):
            if row["objective_kind"] == "distance_only_dimacs":
                name = row["instance"]
                value = float(row["distance"])
                bks[name] = min(bks.get(name, math.inf), value)
    out = []
    for path in sorted((data / "solomon").glob("*.txt")):
        name = path.stem.upper()
        if only and not any(name.startswith(o.upper()) for o in only):
            continue
        out.append(Instance(name, read_solomon(path), bks.get(name)))
    return out


def _cpu() -> float:
    self_ = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass(frozen=True)
class Row:
    instance: str
    bks: float | None
    cost: float
    gap: float
    vehicles: int
    served: int
    wall: float
    cpu: float


def run(
    time_limit_s: float,
    workers: int,
    only: list[str] | None,
    cpu_budget: bool,
    data: Path = SHARED,
) -> list[Row]:
    """With `cpu_budget`, each search gets `time_limit_s` of CPU time (wall limit 20x)."""
    results = []
    for inst in load(only, data):
        t0, c0 = time.monotonic(), _cpu()
        if cpu_budget:
            solution = solve(
                inst.problem,
                time_limit_s=20 * time_limit_s,
                workers=workers,
                cpu_time_limit_s=time_limit_s,
            )
        else:
            solution = solve(inst.problem, time_limit_s=time_limit_s, workers=workers)
        wall, cpu = time.monotonic() - t0, _cpu() - c0
        assert_valid(inst.problem, solution)
        cost = solution.summary.travel_s / 10
        served = solution.summary.served_jobs
        full = served == len(inst.problem.jobs)
        gap = 100 * (cost / inst.bks - 1) if inst.bks and full else math.nan
        row = Row(inst.name, inst.bks, cost, gap, solution.summary.routes, served, wall, cpu)
        results.append(row)
        print(
            f"{inst.name:6} bks {inst.bks or 0:8.1f} ours {cost:8.1f} gap {gap:6.2f}% "
            f"veh {row.vehicles:2} served {served:3} {wall:5.1f}s cpu {cpu:5.1f}s",
            flush=True,
        )
    return results


def table(results: list[Row], time_limit_s: float, workers: int, cpu_budget: bool) -> str:
    gaps = [r.gap for r in results if not math.isnan(r.gap)]
    budget = "of CPU time" if cpu_budget else "wall clock"
    lines = [
        f"# Solomon VRPTW (DIMACS distances), {time_limit_s:g} s {budget} per instance, "
        f"{workers} worker(s)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load average at the "
        f"end {os.getloadavg()[0]:.1f} (other engineers' tests share the machine). Every "
        "solution passed routing.validate.",
        "",
        f"**Mean gap {statistics.mean(gaps):.2f}%, median {statistics.median(gaps):.2f}%, "
        f"worst {max(gaps):.2f}%** over {len(gaps)} instances "
        f"({len(results) - len(gaps)} not fully served).",
        "",
    ]
    for family in ("C1", "C2", "R1", "R2", "RC1", "RC2"):
        fam = [r.gap for r in results if r.instance[:-2] == family and not math.isnan(r.gap)]
        if fam:
            lines.append(f"- {family}: mean {statistics.mean(fam):.2f}%, worst {max(fam):.2f}%")
    lines += [
        "",
        f"Mean wall {statistics.mean(r.wall for r in results):.1f} s, mean process CPU "
        f"{statistics.mean(r.cpu for r in results):.1f} s per instance (includes building the "
        "model and the checks).",
        "",
        "| instance | BKS | ours | gap % | vehicles | wall s | cpu s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.instance} | {r.bks} | {r.cost:.1f} | {r.gap:.2f} | {r.vehicles} | "
            f"{r.wall:.1f} | {r.cpu:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated name prefixes (R1,C101)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="budget CPU time rather than wall time (fair on a shared machine)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=SHARED,
        help="folder with bks.csv and solomon/*.txt (default: ../shared/benchmarks)",
    )
    args = parser.parse_args(argv)
    if not (args.data / "bks.csv").is_file():
        parser.error(f"no bks.csv in {args.data}: pass --data with the benchmark folder")
    only = [o for o in args.only.split(",") if o] or None
    results = run(args.time_limit, args.workers, only, args.cpu, args.data)
    text = table(results, args.time_limit, args.workers, args.cpu)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
