"""`rounds plan`: the headless day, from a demo database to the files crews take along."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.planning.versions import list_versions
from caseload.store.database import open_database
from desktop.cli import main

TODAY = date(2026, 3, 10)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('plan') / 'rounds.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=3, clients=40, today=TODAY)
    db.dispose()
    return url


def _pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils must be installed (scripts/run-tests does)"
    raw = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return unicodedata.normalize("NFKC", raw)


def test_plan_writes_sheets_json_csv_and_calendars(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "plan",
            "--date",
            TODAY.isoformat(),
            "--db",
            demo_url,
            "--time-limit",
            "1",
            "--out",
            str(out),
            "--full",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Planned Tue 10 Mar 2026 (version 1)" in printed
    pdfs = sorted(out.glob("*.pdf"))
    icss = sorted(out.glob("*.ics"))
    assert pdfs and len(pdfs) == len(icss)
    with (out / "2026-03-10-stops.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    document = json.loads((out / "2026-03-10-plan.json").read_text(encoding="utf-8"))
    jobs_routed = sum(
        1
        for route in document["solution"]["routes"]
        for step in route["steps"]
        if step["type"] == "job"
    )
    assert jobs_routed == len(rows) > 0
    assert {"jobs", "vehicles"} <= set(document["problem"])
    # The first crew's sheet lists its stops in route order.
    first_crew_rows = [
        r
        for r in rows
        if pdfs[0].stem.endswith(
            r[next(k for k in r if "crew" in k.lower())].lower().replace(" ", "-")
        )
    ]
    text = _pdf_text(pdfs[0])
    names = [r[next(k for k in r if "client" in k.lower())] for r in first_crew_rows]
    cursor = 0
    for name in names:  # each stop's client appears after the previous stop's
        found = text.find(name.split()[0], cursor)
        assert found >= 0, f"{name} missing or out of order in {pdfs[0].name}"
        cursor = found + 1
    # Calendars go to phones (often cloud-synced): initials only, even with --full sheets.
    client_column = next(k for k in rows[0] if "client" in k.lower())
    calendars = "".join(path.read_text(encoding="utf-8") for path in icss)
    full_names = [r[client_column] for r in rows if " " in r[client_column]]
    assert full_names, "the CSV of full sheets has full names"
    assert not [name for name in full_names if name in calendars]
    db = open_database(demo_url)
    assert list_versions(db, TODAY, local_actor())[0].version_no >= 1


def test_day_without_crews_exits_2(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plan", "--date", "2031-01-01", "--db", demo_url, "--out", str(tmp_path)])
    assert code == 2
    assert "No crews are on shift" in capsys.readouterr().err


def test_bad_date_exits_2(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--date", "10/03/2026", "--db", demo_url]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
