"""Benchmark: how fast a small day answers (issue 13: a small day answers at once).

    .venv/bin/python -m tests.bench.small_days [--time-limit 60]

Days of 1, 2, 5, 10 and 12 visits from tests.bench.cp_days (lunch breaks, skills, windows),
on one crew and on two, plus a lone visit on a lone crew without breaks (where guided local
search accepts no solution after its first). Each is solved in this process with a long time
limit: the figures are the wall seconds to the plan and whether the limit was reached (it
should not be: the search stops after a slice of search branches without a new best).
Figures, not assertions; the machine is shared (its load average is printed).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from routing import Job, Problem, Vehicle, assert_valid, solve
from tests.bench.cp_days import cp_day

SIZES = (1, 2, 5, 10, 12)


def _row(name: str, problem: Problem, time_limit_s: float) -> str:
    started = time.monotonic()
    solution = solve(problem, time_limit_s=time_limit_s)
    wall = time.monotonic() - started
    assert_valid(problem, solution)
    return (
        f"| {name} | {wall:.3f} | {solution.time_limit_reached} | "
        f"{solution.summary.served_jobs} / {len(problem.jobs)} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    # Load OR-Tools once first, so the first row does not carry the import.
    solve(cp_day(1, 2, 1), time_limit_s=1.0)
    print(f"load average {os.getloadavg()[0]:.1f}, time limit {args.time_limit:g} s")
    print("| day | wall s | time limit reached | served |")
    print("|---|---:|---|---:|")
    lone = Problem(
        (Job(1, 1, 2700, priority=100),),
        (Vehicle(1, 0, 0, None),),
        np.array([[0, 600], [600, 0]], dtype=np.int64),
    )
    print(_row("1 visit, 1 crew, no breaks", lone, args.time_limit), flush=True)
    for crews in (1, 2):
        for n in SIZES:
            print(_row(f"{n} visits, {crews} crew(s)", cp_day(7, n, crews), args.time_limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
