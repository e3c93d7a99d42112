"""How long route sheets take for a 6-crew day of 60 stops (prints figures; asserts no wall time).

    python -m tests.bench.sheets_bench [--crews 6] [--stops 10] [--repeats 3]
    pytest -m bench -s tests/bench/sheets_bench.py

The day is stored in a fresh SQLite file (staff, shifts, crews, clients, visits, a plan). Timed:
building the read models from the stored plan (`build_crew_sheets`),
one PDF per crew (`write_crew_pdfs`: layout, route maps, QR codes), the stops CSV and one ICS
per crew. The target is the whole day's sheets in under 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pytest

from caseload.actor import Actor, Role
from caseload.planning.exports import crew_file_stems, write_crew_ics, write_stops_csv
from caseload.planning.sheets import build_crew_sheets
from caseload.store.database import open_database
from desktop.printing.route_sheet import ensure_gui_application, write_crew_pdfs
from tests.caseload.sheets_data import make_plan_day

ACTOR = Actor(user_id="bench", role=Role.PROGRAM_MANAGER)


def measure(folder: Path, crews: int, stops: int, repeats: int) -> dict[str, float]:
    db = open_database(f"sqlite:///{folder / 'sheets.db'}", create=True)
    try:
        day = make_plan_day(db, crews=crews, stops_per_crew=stops)
        phases: dict[str, list[float]] = {"read models": [], "PDFs": [], "CSV + ICS": []}
        for r in range(repeats):
            out = folder / f"run{r}"
            t0 = time.perf_counter()
            sheets = build_crew_sheets(db, day.plan_id, ACTOR, phi_minimised=False)
            t1 = time.perf_counter()
            pdfs = write_crew_pdfs(sheets, out)
            t2 = time.perf_counter()
            write_stops_csv(sheets, out / "stops.csv")
            for sheet, stem in zip(sheets, crew_file_stems(sheets), strict=True):
                write_crew_ics(sheet, out / f"{stem}.ics")
            t3 = time.perf_counter()
            assert len(pdfs) == crews and sum(s.total_stops for s in sheets) == crews * stops
            phases["read models"].append(t1 - t0)
            phases["PDFs"].append(t2 - t1)
            phases["CSV + ICS"].append(t3 - t2)
    finally:
        db.dispose()
    medians = {name: statistics.median(times) for name, times in phases.items()}
    medians["total"] = sum(medians.values())
    return medians


def report(crews: int, stops: int, figures: dict[str, float]) -> str:
    lines = [f"Route sheets for {crews} crews x {stops} stops (median of runs):"]
    lines += [f"  {name:<12} {seconds:6.2f} s" for name, seconds in figures.items()]
    verdict = "under" if figures["total"] < 3.0 else "OVER"
    lines.append(f"  target 3 s: {verdict}")
    return "\n".join(lines)


@pytest.mark.bench
def test_bench_sheets_six_crews(tmp_path: Path, qapp: object) -> None:
    print()
    print(report(6, 10, measure(tmp_path, 6, 10, repeats=3)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crews", type=int, default=6)
    parser.add_argument("--stops", type=int, default=10, help="stops per crew")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ensure_gui_application()
    with tempfile.TemporaryDirectory() as folder:
        print(report(args.crews, args.stops, measure(Path(folder), args.crews, args.stops,
                                                     args.repeats)))  # fmt: skip


if __name__ == "__main__":
    main()
