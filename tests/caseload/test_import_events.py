"""Event import: aliases and the program's time zone, every bad row named, repeats refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.actor import local_actor
from caseload.errors import InputFileError
from caseload.importing.clients import import_clients
from caseload.importing.events import import_events
from caseload.store.database import Database
from caseload.store.models import UtilizationEvent
from tests.caseload.import_data import counts, good, write_csv

EVENT_HEADER = ["external_id", "kind", "occurred_at", "source", "notes"]


def test_events_import_with_aliases_and_program_zone(db: Database, tmp_path: Path) -> None:
    import_clients(db, local_actor(), write_csv(tmp_path / "c.csv", [good("E1"), good("E2")]))
    rows = [
        {"external_id": "E1", "kind": "911", "occurred_at": "2024-05-01 14:30"},
        {"external_id": "E1", "kind": "ED", "occurred_at": "2024-05-01T20:00:00Z"},
        {"external_id": "E2", "kind": "od", "occurred_at": "2024-05-02T01:00:00-04:00"},
        {"external_id": "E2", "kind": "Hospital Discharge", "occurred_at": "2024-05-03T09:00"},
    ]
    report = import_events(db, local_actor(), write_csv(tmp_path / "e.csv", rows, EVENT_HEADER))
    assert report.created == 4
    with db.session() as session:
        stored = sorted(
            session.execute(select(UtilizationEvent.kind, UtilizationEvent.occurred_at)).all(),
            key=lambda kv: kv[1],
        )
    assert stored[0] == ("call_911", datetime(2024, 5, 1, 18, 30, tzinfo=UTC))  # EDT = UTC-4
    assert [k for k, _ in stored] == ["call_911", "ed_visit", "overdose", "hospital_discharge"]
    # Loading the same file again is refused row by row: the events are already there.
    with pytest.raises(InputFileError) as err:
        import_events(db, local_actor(), write_csv(tmp_path / "e.csv", rows, EVENT_HEADER))
    assert [p.row for p in err.value.problems] == [2, 3, 4, 5]
    assert "already has this kind of event" in str(err.value)


def test_bad_events_are_all_reported(db: Database, tmp_path: Path) -> None:
    import_clients(db, local_actor(), write_csv(tmp_path / "c.csv", [good("E1")]))
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    rows = [
        {"external_id": "E1", "kind": "fall", "occurred_at": "2024-05-01T10:00"},
        {"external_id": "NOPE", "kind": "fall", "occurred_at": "2024-05-01T10:00"},
        {"external_id": "E1", "kind": "sneeze", "occurred_at": "2024-05-01T10:00"},
        {"external_id": "E1", "kind": "fall", "occurred_at": "2024-05-01"},
        {"external_id": "E1", "kind": "fall", "occurred_at": future},
        {"external_id": "E1", "kind": "FALL", "occurred_at": "2024-05-01T10:00:00"},
    ]
    before = counts(db)
    with pytest.raises(InputFileError) as err:
        import_events(db, local_actor(), write_csv(tmp_path / "e.csv", rows, EVENT_HEADER))
    assert [(p.row, p.column) for p in err.value.problems] == [
        (3, "external_id"),
        (4, "kind"),
        (5, "occurred_at"),
        (6, "occurred_at"),
        (7, "occurred_at"),
    ]
    assert "row 2 has the same one" in str(err.value)
    assert counts(db) == before


def test_admissions_and_transports_are_event_kinds(db: Database, tmp_path: Path) -> None:
    """The outcome report's readmission and balancing measures read these two kinds."""
    import_clients(db, local_actor(), write_csv(tmp_path / "c.csv", [good("E1")]))
    rows = [
        {"external_id": "E1", "kind": "Admission", "occurred_at": "2024-05-01T10:00"},
        {"external_id": "E1", "kind": "hospital_admission", "occurred_at": "2024-06-01T10:00"},
        {"external_id": "E1", "kind": "ambulance transport", "occurred_at": "2024-05-02T10:00"},
        {"external_id": "E1", "kind": "ems_transport", "occurred_at": "2024-05-03T10:00"},
    ]
    report = import_events(db, local_actor(), write_csv(tmp_path / "e.csv", rows, EVENT_HEADER))
    assert report.created == 4
    with db.session() as session:
        kinds = sorted(session.scalars(select(UtilizationEvent.kind)).all())
    assert kinds == ["ems_transport"] * 2 + ["hospital_admission"] * 2
