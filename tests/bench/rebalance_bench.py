"""Rebalancing 2,000 clients among 20 clinicians: time to suggestions and the spread before/after.

    python -m tests.bench.rebalance_bench [--max-moves 50] [--time-limit 5] [--data demo|random]
    pytest -m bench -s tests/bench/rebalance_bench.py

Data: the demo program (`caseload.demo.create.create_demo`, 2,000 clients, 20 clinicians) or a
random, deliberately lopsided caseload (`--data random`). Prints figures; asserts no wall time.
The time to suggestions is `suggest_rebalance` end to end: reading the caseload (with priority
tiers), the workload model, the greedy start and the CP-SAT search up to the time limit.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest

from caseload.actor import SYSTEM_ACTOR
from caseload.demo.create import create_demo
from caseload.rebalance import load_snapshot, suggest_rebalance
from caseload.rebalance.problem import current_indices, evaluate
from caseload.rebalance.service import build_problem
from caseload.rebalance.warmstart import greedy_assignment
from caseload.store.database import Database, open_database
from tests.caseload.rebalance_data import random_caseload

TODAY = date(2026, 3, 10)


def seed(db: Database, data: str, clients: int) -> None:
    started = time.perf_counter()
    if data == "demo":
        create_demo(db, SYSTEM_ACTOR, seed=7, clients=clients, today=TODAY)
    else:
        random_caseload(db, clients=clients, clinicians=20)
    print(f"data: {data}, {clients} clients, written in {time.perf_counter() - started:.1f} s")


def measure(db: Database, max_moves: int, time_limit_s: float) -> None:
    started = time.perf_counter()
    snapshot = load_snapshot(db, SYSTEM_ACTOR, today=TODAY)
    read_s = time.perf_counter() - started
    problem = build_problem(snapshot, max_moves)
    started = time.perf_counter()
    start = greedy_assignment(problem)
    greedy_s = time.perf_counter() - started
    print(
        f"read + workload model: {read_s:.2f} s ({len(snapshot.clients)} clients, "
        f"{len(snapshot.clinicians)} clinicians, {len(problem.clients)} in the model); "
        f"greedy start {greedy_s:.2f} s: objective {evaluate(problem, current_indices(problem))}"
        f" -> {evaluate(problem, start)}"
    )
    first: list[float] = []
    began = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        if not first and "solution(s)" in message:
            first.append(time.perf_counter() - began)

    proposal = suggest_rebalance(
        db,
        SYSTEM_ACTOR,
        max_moves=max_moves,
        time_limit_s=time_limit_s,
        progress=progress,
        today=TODAY,
    )
    total_s = time.perf_counter() - began
    print(
        f"suggest_rebalance max_moves={max_moves} time_limit={time_limit_s:g} s: "
        f"{total_s:.2f} s to suggestions (solver {proposal.wall_time_s:.2f} s, first solution "
        f"reported after {first[0] if first else float('nan'):.2f} s), status {proposal.status}, "
        f"objective {proposal.objective}, {len(proposal.moves)} moves"
    )
    print(
        f"spread {proposal.spread_before:.0f} -> {proposal.spread_after:.0f} percentage points; "
        f"highest load/capacity {proposal.worst_before:.0f}% -> {proposal.worst_after:.0f}%; "
        f"hours {sum(x.load_hours for x in proposal.before):.0f} -> "
        f"{sum(x.load_hours for x in proposal.after):.0f} on "
        f"{sum(x.capacity_hours for x in proposal.before):.0f} h capacity"
    )


def run(folder: Path, data: str, clients: int, max_moves: int, time_limit_s: float) -> None:
    db = open_database(f"sqlite:///{folder / f'rebalance-{data}.db'}", create=True)
    try:
        seed(db, data, clients)
        measure(db, max_moves, time_limit_s)
    finally:
        db.dispose()


@pytest.mark.bench
@pytest.mark.parametrize("data", ["demo", "random"])
def test_bench_rebalance_2000(tmp_path: Path, data: str) -> None:
    run(tmp_path, data, 2000, 50, 5.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--max-moves", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--data", choices=["demo", "random"], default="demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), args.data, args.clients, args.max_moves, args.time_limit)


if __name__ == "__main__":
    main()
