"""Benchmark: solver cost as the day grows, and the default matrix for 2,000 locations.

    .venv/bin/python -m tests.bench.scaling [--time-limit 10] [--out benchmarks/results/scaling.md]

Days from tests.bench.cp_days (30, 60, 120, 250, 500 visits; one crew per ten visits, at least
four; lunch breaks, skills, windows). For each: time to the first feasible plan, the plan at
1 s and at the time limit (served priority, served visits, travel), validated.

Then the promises of issue 13, in wall-clock seconds as a user sees them: `rounds solve` as a
fresh process (start-up included) on VROOM's docs/example_2.json (two jobs, a top-level
matrix), a 10-visit day, 250, 1,000 and 2,000 visits and 10,000 (refused up front); and the
app's call (two search processes, `solve(..., workers=2)`) on the 250-visit day with a cancel.
Figures, not assertions; the machine is shared (its load average is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from routing import LatLon, ProgressInfo, assert_valid, solve
from routing.vroom_json import problem_from_vroom, problem_to_vroom, solution_from_vroom
from tests.bench.cp_days import cp_day

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_2 = {
    "vehicles": [{"id": 0, "start_index": 0, "end_index": 3}],
    "jobs": [{"id": 1414, "location_index": 1}, {"id": 1515, "location_index": 2}],
    "matrix": [
        [0, 2104, 197, 1299],
        [2103, 0, 2255, 3152],
        [197, 2256, 0, 1102],
        [1299, 3153, 1102, 0],
    ],
}
"""VROOM's docs/example_2.json."""


def located_day(n: int, seed: int = 5) -> dict[str, object]:
    """`n` visits around Durham as [lon, lat] (no matrix: `rounds solve` computes it), one crew
    per ten visits with a lunch break."""
    rng = random.Random(seed)
    jobs = [
        {
            "id": k + 1,
            "location": [rng.uniform(-79.15, -78.70), rng.uniform(35.85, 36.25)],
            "service": 1200,
            "time_windows": [[8 * 3600, 17 * 3600]],
            "priority": rng.randint(0, 100),
        }
        for k in range(n)
    ]
    lunch = {"id": 1, "time_windows": [[11 * 3600, 14 * 3600]], "service": 1800}
    vehicles = [
        {
            "id": v + 1,
            "start": [-78.9, 36.0],
            "end": [-78.9, 36.0],
            "time_window": [8 * 3600, 17 * 3600],
            "breaks": [lunch],
        }
        for v in range(max(1, n // 10))
    ]
    return {"jobs": jobs, "vehicles": vehicles}


def cli_run(name: str, data: dict[str, object], time_limit: float, folder: Path) -> str:
    """One `rounds solve` process: wall s, its CPU s and peak memory, the plan (validated)."""
    src = folder / f"{name}.json"
    out = folder / f"{name}.out.json"
    src.write_text(json.dumps(data))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.cli",
            "solve",
            str(src),
            "-o",
            str(out),
            "--time-limit",
            f"{time_limit:g}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak_mb = after.ru_maxrss / 1024
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [""])[-1]
        plan = f"exit {proc.returncode}: {last[:160]}"
    else:
        problem = problem_from_vroom(data, durations_provider=_durations)
        solution = solution_from_vroom(problem, json.loads(out.read_text()))
        assert_valid(problem, solution)
        s = solution.summary
        plan = f"{s.served_jobs} served / {s.unassigned_jobs} not, priority {s.served_priority}"
    jobs = data["jobs"]
    assert isinstance(jobs, list)
    return (
        f"| {name} | {len(jobs)} | {time_limit:g} | **{wall:.2f}** | {cpu:.1f} | "
        f"{peak_mb:.0f} | {plan} |"
    )


def _durations(locations: object) -> object:
    from routing.matrix import GeodesicProvider

    return GeodesicProvider().durations(locations)  # type: ignore[arg-type]


def promises(folder: Path) -> list[str]:
    lines = [
        "",
        "## Time limits as promises: `rounds solve` processes (wall s include start-up)",
        "",
        "Targets: 2 and 10 jobs < 0.5 s; 250 visits within the limit + 0.5 s; 1,000 jobs at "
        "`--time-limit 10` within 12 s; 10,000 within 2x the limit under 2 GB, or refused up "
        "front. Peak MB is the largest child process so far (max RSS).",
        "",
        "| case | jobs | limit s | wall s | CPU s | peak MB | plan |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    cases: list[tuple[str, dict[str, object], float]] = [
        ("vroom example_2", EXAMPLE_2, 5.0),
        ("cp day 10", problem_to_vroom(cp_day(110, 10, 4)), 5.0),
        ("cp day 250", problem_to_vroom(cp_day(350, 250, 25)), 10.0),
        ("located 1,000", located_day(1000), 10.0),
        ("located 2,000", located_day(2000), 10.0),
        ("located 10,000", located_day(10000), 10.0),
    ]
    for name, data, limit in cases:
        lines.append(cli_run(name, data, limit, folder))
        print(lines[-1], flush=True)
    return lines


def app_call() -> list[str]:
    """The app's solve: two search processes (GLS and the iterated search), 10 s, then a
    cancel 3 s into a second solve."""
    problem = cp_day(350, 250, 25)
    lines = [
        "",
        "## The app's call on the 250-visit day: `solve(workers=2)`, wall s",
        "",
        "| run | limit s | wall s | served priority / visits | stopped by |",
        "|---|---:|---:|---|---|",
    ]
    t0 = time.monotonic()
    sol = solve(problem, time_limit_s=10.0, workers=2)
    wall = time.monotonic() - t0
    assert_valid(problem, sol)
    s = sol.summary
    lines.append(f"| full | 10 | **{wall:.2f}** | {s.served_priority} / {s.served_jobs} | limit |")
    cancel = threading.Event()
    timer = threading.Timer(3.0, cancel.set)
    timer.start()
    t0 = time.monotonic()
    sol = solve(problem, time_limit_s=10.0, workers=2, cancel=cancel)
    wall = time.monotonic() - t0
    assert_valid(problem, sol)
    s = sol.summary
    lines.append(
        f"| cancel at 3.0 s | 10 | **{wall:.2f}** (cancel answered after {wall - 3.0:.2f}) | "
        f"{s.served_priority} / {s.served_jobs} | cancel |"
    )
    for line in lines[-2:]:
        print(line, flush=True)
    return lines


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
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
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
    for n in [int(x) for x in args.sizes.split(",") if x]:
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
    with tempfile.TemporaryDirectory() as tmp:
        lines += promises(Path(tmp))
    lines += app_call()
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
