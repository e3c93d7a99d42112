"""`rounds import ...` as a user runs it: exit codes, what is printed, what is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.store.database import open_database
from caseload.store.models import AddressPoint, Client, UtilizationEvent
from desktop.cli import main
from tests.data import DURHAM_ADDRESS_POINTS

CLIENTS = (
    "external_id,first_name,last_name,date_of_birth,address,zip,housing_status,programs\n"
    "C1,Ann,Able,1950-02-03,3808 Guess Road,27705,housed,fall_prevention\n"
    "C2,Bob,Baker,1961-07-24,1 Nowhere Lane,27705,,\n"
)


def _count(db_url: str, model: type[object]) -> int:
    db = open_database(db_url)
    try:
        with db.session() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        db.dispose()


def test_import_addresses_then_clients_then_events(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "addresses", str(DURHAM_ADDRESS_POINTS), "--db", db_url]) == 0
    assert "2411 rows read" in capsys.readouterr().out
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS)

    assert main(["import", "clients", str(clients), "--db", db_url, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run" in out and "would create 2 clients" in out
    assert _count(db_url, Client) == 0

    assert main(["import", "clients", str(clients), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "2 clients created" in out
    assert "Locations: 1 exact, 1 zip" in out
    assert "row 3, column 'address'" in out  # placed at its ZIP centre: a warning
    assert _count(db_url, Client) == 2
    assert _count(db_url, AddressPoint) > 1800

    events = tmp_path / "events.csv"
    events.write_text("external_id,kind,occurred_at\nC1,911,2024-05-01 14:30\nC2,ED,2024-05-02\n")
    assert main(["import", "events", str(events), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "row 3, column 'occurred_at'" in err
    assert _count(db_url, UtilizationEvent) == 0
    events.write_text("external_id,kind,occurred_at\nC1,911,2024-05-01 14:30\n")
    assert main(["import", "events", str(events), "--db", db_url]) == 0
    assert _count(db_url, UtilizationEvent) == 1


def test_bad_client_file_exits_2_naming_each_bad_row(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "external_id;first_name;last_name;date_of_birth;lat;lon;housing_status;programs\n"
        "B1;Ann;Able;1950-02-03;;;housed;\n"
        "B2;Bob;;1950-02-03;;;housed;\n"
        "B3;Cy;Cole;02/03/1950;;;housed;\n"
        "B4;Di;Dale;1950-02-03;;;homeless;\n"
        "B5;Ed;Eve;1950-02-03;35.9;;housed;\n"
        "B6;Fi;Fox;1950-02-03;;;housed;yoga\n"
        "B1;Gus;Gray;1950-02-03;;;housed;\n"
    )
    assert main(["import", "clients", str(bad), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rounds: ")
    assert "6 problem(s), nothing was imported" in err
    for row, column in [
        (3, "last_name"),
        (4, "date_of_birth"),
        (5, "housing_status"),
        (6, "lon"),
        (7, "programs"),
        (8, "external_id"),
    ]:
        assert f"row {row}, column '{column}'" in err
    assert "row 2," not in err
    assert _count(db_url, Client) == 0


def test_unusable_file_exits_2_with_the_file_named(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.csv"
    assert main(["import", "clients", str(missing), "--db", db_url]) == 2
    assert "missing.csv: file not found" in capsys.readouterr().err
    no_header = tmp_path / "names.csv"
    no_header.write_text("first_name,last_name\nAnn,Able\n")
    assert main(["import", "clients", str(no_header), "--db", db_url]) == 2
    assert "missing required column(s) external_id" in capsys.readouterr().err
