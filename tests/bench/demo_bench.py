"""How long `create_demo` takes (prints figures; asserts no wall time).

    python -m tests.bench.demo_bench [--clients 150 2000] [--repeats 3]
    pytest -m bench -s tests/bench/demo_bench.py

Each run uses a fresh, migrated SQLite file; the time is create_demo alone (generation, the
bulk inserts and the commit), not opening or migrating the database.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest

from caseload.actor import SYSTEM_ACTOR
from caseload.demo.create import create_demo
from caseload.store.database import open_database

TODAY = date(2026, 3, 10)


def measure(n_clients: int, folder: Path, repeats: int = 3) -> float:
    times: list[float] = []
    rows = 0
    for r in range(repeats):
        db = open_database(f"sqlite:///{folder / f'demo-{n_clients}-{r}.db'}", create=True)
        try:
            started = time.perf_counter()
            summary = create_demo(db, SYSTEM_ACTOR, clients=n_clients, today=TODAY)
            times.append(time.perf_counter() - started)
        finally:
            db.dispose()
        rows = (
            summary.active_clients
            + summary.discharged_clients
            + summary.events
            + summary.past_visits
            + summary.appointments
            + summary.enrollments
            + summary.referrals
            + summary.shifts
            + summary.crews
        )
    median = statistics.median(times)
    print(
        f"create_demo clients={n_clients:5d}: median {median:.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {repeats} runs), "
        f"~{rows} rows, {rows / median:,.0f} rows/s"
    )
    return median


@pytest.mark.bench
def test_bench_demo_150_and_2000(tmp_path: Path) -> None:
    for n in (150, 2000):
        measure(n, tmp_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, nargs="+", default=[150, 2000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for n in args.clients:
            measure(n, Path(folder), args.repeats)


if __name__ == "__main__":
    main()
