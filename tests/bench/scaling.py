"""Benchmark: solver cost as the day grows, and the default matrix for 2,000 locations.

    .venv/bin/python -m tests.bench.scaling [--time-limit 10] [--out benchmarks/results/scaling.md]

Days from tests.bench.cp_days (30, 60, 120, 250, 500 visits; one crew per ten visits, at least
four; lunch breaks, skills, windows). For each: time to the first feasible plan, the plan at
1 s and at the time limit (served priority, served visits, travel), validated. Figures, not
assertions; the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from routing import LatLon, ProgressInfo, assert_valid, solve
from tests.bench.cp_days import cp_day

SIZES = (30, 60, 120, 250, 500)


def matrix_time(n: int = 2000, repeat: int = 3) -> float:
    from routing.matrix import GeodesicProvider

    rng = random.Random(1)
    points = [LatLon(rng.uniform(35.85, 36.25), rng.uniform(-79.15, -78.70)) for _ in range(n)]
    provider = GeodesicProvider()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        provider.durations(points)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    lines = [
        f"# Scaling: community-paramedic days, {args.time_limit:g} s of CPU, one thread",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores shared with other "
        "engineers' work. 'first plan' = first feasible plan (includes building the model); "
        "'at 1 s' / 'final' = served priority / served visits / travel s. Every plan passed "
        "routing.validate.",
        "",
        "| visits | crews | first plan s | at 1 s | final | solutions | total s |",
        "|---:|---:|---:|---|---|---:|---:|",
    ]
    for n in SIZES:
        crews = max(4, n // 10)
        problem = cp_day(100 + n, n, crews)
        seen: list[ProgressInfo] = []
        t0 = time.monotonic()
        solution = solve(
            problem,
            time_limit_s=20 * args.time_limit,
            cpu_time_limit_s=args.time_limit,
            progress=seen.append,
        )
        total = time.monotonic() - t0
        assert_valid(problem, solution)
        first = seen[0].elapsed_s if seen else float("nan")
        at1 = [p for p in seen if p.elapsed_s <= 1.0]
        one = f"{at1[-1].served_priority} / {at1[-1].served_jobs}" if at1 else "none yet"
        s = solution.summary
        lines.append(
            f"| {n} | {crews} | {first:.2f} | {one} | {s.served_priority} / "
            f"{s.served_jobs} / {s.travel_s} | {seen[-1].solutions if seen else 0} | "
            f"{total:.1f} |"
        )
        print(lines[-1], flush=True)
    mt = matrix_time()
    lines += [
        "",
        f"Default (geodesic) matrix for 2,000 locations: best of 3 **{mt:.3f} s** "
        "(target < 0.5 s).",
        "",
        f"Load average at the end: {os.getloadavg()[0]:.1f}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
