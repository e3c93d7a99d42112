"""How long `rounds report` takes on the demo (prints figures; asserts no wall time).

    python -m tests.bench.report_bench [--clients 2000] [--repeats 3]
    pytest -m bench -s tests/bench/report_bench.py

A fresh SQLite demo of N active clients (dated `TODAY`); the time is the whole command in this
process: open the database, load, compute every measure, write the PDF and both CSVs. The first
run also pays for starting Qt (the PDF needs it), as a real `rounds report` does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest

from caseload.actor import SYSTEM_ACTOR
from caseload.demo.create import create_demo
from caseload.store.database import open_database
from desktop.cli import main

TODAY = date(2026, 3, 10)


def measure(n_clients: int, folder: Path, repeats: int = 3) -> float:
    url = f"sqlite:///{folder / f'report-{n_clients}.db'}"
    db = open_database(url, create=True)
    try:
        summary = create_demo(db, SYSTEM_ACTOR, clients=n_clients, today=TODAY)
    finally:
        db.dispose()
    times: list[float] = []
    for r in range(repeats):
        args = ["report", "--from", "2025-09-01", "--to", "2026-02-28", "--db", url]
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = main([*args, "--out", str(folder / f"out-{r}")])
        times.append(time.perf_counter() - started)
        if code != 0:
            raise RuntimeError(f"rounds report exited {code}")
    median = statistics.median(times)
    print(
        f"rounds report clients={n_clients:5d} ({summary.events} events, "
        f"{summary.past_visits} past visits): median {median:.2f} s "
        f"(first {times[0]:.2f}, min {min(times):.2f}, max {max(times):.2f}, {repeats} runs)"
    )
    return median


@pytest.mark.bench
def test_bench_report_2000(tmp_path: Path) -> None:
    measure(2000, tmp_path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, nargs="+", default=[2000])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in options.clients:
            measure(n, Path(tmp), options.repeats)
