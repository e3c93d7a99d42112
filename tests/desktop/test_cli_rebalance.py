"""`rounds rebalance`: exit codes, the JSON shape, --apply changes and audits, without it nothing
changes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client
from desktop.cli import main
from tests.caseload.rebalance_data import ClientSpec, StaffSpec, add_clients, add_staff


def _seed(db: Database) -> dict[str, int]:
    staff = add_staff(
        db,
        [
            StaffSpec("Lee", 35.99, -78.90, capacity=10.0),
            StaffSpec("Ortiz", 36.00, -78.91, capacity=30.0),
        ],
    )
    specs = [
        ClientSpec(f"C{i:02d}", "Lee", 35.99 + i * 0.001, -78.90, programs=("high_utilizer",))
        for i in range(10)
    ]
    add_clients(db, specs, staff)
    return staff


def _assignments(db: Database) -> dict[str, int | None]:
    with db.session() as session:
        return {c.external_id: c.assigned_clinician_id for c in session.scalars(select(Client))}


def _audit_count(db: Database) -> int:
    with db.session() as session:
        return len(list(session.scalars(select(AuditEntry))))


def test_json_has_workloads_moves_and_status_and_changes_nothing(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(db)
    before = _assignments(db)
    code = main(["rebalance", "--db", db.url, "--max-moves", "3", "--time-limit", "5", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "OPTIMAL"
    assert set(out["workload_before"]) == {"Lee", "Ortiz"} == set(out["workload_after"])
    assert out["workload_before"]["Ortiz"] == 0.0
    assert out["workload_after"]["Ortiz"] > 0.0
    assert out["spread_after"] < out["spread_before"]
    assert 0 < len(out["moves"]) <= 3
    for move in out["moves"]:
        assert set(move) >= {"client_id", "external_id", "from", "to", "reason"}
        assert (move["from"], move["to"]) == ("Lee", "Ortiz")
        assert move["reason"].startswith("Lee: ")
    assert out["applied"] is False
    assert _assignments(db) == before
    assert _audit_count(db) == 0


def test_apply_moves_clients_and_writes_audit_rows(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    staff = _seed(db)
    code = main(["rebalance", "--db", db.url, "--max-moves", "2", "--json", "--apply"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["applied"] is True
    now = _assignments(db)
    for move in out["moves"]:
        assert now[move["external_id"]] == staff["Ortiz"]
    assert sum(1 for v in now.values() if v == staff["Ortiz"]) == len(out["moves"]) == 2
    assert _audit_count(db) == 2


def test_text_output_is_a_table(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(db)
    assert main(["rebalance", "--db", db.url, "--max-moves", "1", "--time-limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "Clinician" in out and "Capacity" in out and "Before" in out and "After" in out
    assert "Lee -> Ortiz" in out
    assert "run again with --apply" in out


def test_negative_max_moves_is_exit_2(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rebalance", "--db", db.url, "--max-moves", "-1"]) == 2
    assert "--max-moves must be 0 or more" in capsys.readouterr().err


def test_no_staff_is_exit_2(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rebalance", "--db", db.url]) == 2
    assert "no active community paramedic" in capsys.readouterr().err
