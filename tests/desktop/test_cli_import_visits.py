"""`rounds import visits` as a user runs it, on the example file: exit codes, what is printed,
what is stored (all rows or none)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.enums import VisitStatus
from caseload.store.database import open_database
from caseload.store.models import UtilizationEvent, Visit
from desktop.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "visits.csv"
CLIENTS = (
    "external_id,first_name,last_name,date_of_birth,lat,lon,housing_status,programs\n"
    "C1001,Ann,Able,1950-02-03,36.0,-78.9,housed,chronic_disease\n"
    "C1002,Bob,Baker,1961-07-24,36.01,-78.91,unsheltered,overdose_followup\n"
    "C1003,Cy,Cole,1970-01-01,36.02,-78.92,housed,community_advocacy\n"
    "C1004,Di,Dunn,1944-05-05,36.03,-78.93,housed,high_utilizer\n"
    "C1005,Ed,Eng,1939-09-09,36.04,-78.94,housed,homebound_vaccine\n"
)


def _statuses(db_url: str) -> list[tuple[str, str, bool]]:
    db = open_database(db_url)
    try:
        with db.session() as s:
            rows = s.execute(
                select(Visit.visit_date, Visit.status, Visit.unplanned).order_by(Visit.id)
            )
            return [(str(d), status, unplanned) for d, status, unplanned in rows]
    finally:
        db.dispose()


def test_the_example_file_imports_and_a_bad_one_imports_nothing(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS)
    assert main(["import", "clients", str(clients), "--db", db_url]) == 0
    capsys.readouterr()

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "external_id,visit_date,outcome,started_at,ended_at\n"
        "C1001,2026-11-30,completed,09:00,08:00\n"
        "C9999,2026-11-30,maybe,,\n"
    )
    assert main(["import", "visits", str(bad), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "bad.csv: 2 problem(s), nothing was imported" in err
    assert "row 2, column 'ended_at'" in err
    assert "row 3, column 'outcome': got 'maybe'" in err
    assert _statuses(db_url) == []

    assert main(["import", "visits", str(EXAMPLE), "--db", db_url, "--dry-run"]) == 0
    assert "would create 6 visit outcomes" in capsys.readouterr().out
    assert _statuses(db_url) == []
    assert main(["import", "visits", str(EXAMPLE), "--db", db_url]) == 0
    assert "6 visit outcomes created" in capsys.readouterr().out
    stored = _statuses(db_url)
    assert [s for s in stored if s[0] == "2026-11-30"] == [
        ("2026-11-30", VisitStatus.COMPLETED.value, False),
        ("2026-11-30", VisitStatus.NO_CONTACT.value, False),
        ("2026-11-30", VisitStatus.REFUSED.value, False),
        ("2026-11-30", VisitStatus.TRANSPORTED.value, False),
        ("2026-11-30", VisitStatus.RESCHEDULED.value, False),
        ("2026-11-30", VisitStatus.COMPLETED.value, True),
    ]
    assert ("2026-12-02", VisitStatus.PLANNED.value, False) in stored  # the rescheduled visit
    db = open_database(db_url)
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(UtilizationEvent)) == 1  # the ED
    finally:
        db.dispose()
    # The same file again: every row already has its outcome.
    assert main(["import", "visits", str(EXAMPLE), "--db", db_url]) == 2
    assert "correct a recorded outcome in the app" in capsys.readouterr().err
