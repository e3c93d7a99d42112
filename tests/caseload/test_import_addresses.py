"""Address table import on small files: new points added, moved points updated, repeats and
unusable ZIP codes only warned about, dry runs write nothing. (The full Durham table and bad
rows are in test_geocoding.py.)"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from caseload.actor import local_actor
from caseload.importing.addresses import import_address_table
from caseload.store.database import Database
from caseload.store.models import AddressPoint, AuditEntry

HEADER = "address,city,state,zip,lat,lon"


def _file(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def _points(db: Database) -> dict[str, tuple[str, float, float]]:
    with db.session() as session:
        return {p.address: (p.zip, p.lat, p.lon) for p in session.scalars(select(AddressPoint))}


def test_reloading_updates_moved_points_and_adds_new_ones(db: Database, tmp_path: Path) -> None:
    first = _file(
        tmp_path,
        "first.csv",
        "100 Main Street,Durham,NC,27701,35.99,-78.90",
        "200 Main Street,Durham,NC,27701,35.98,-78.91",
    )
    report = import_address_table(db, local_actor(), first)
    assert (report.created, report.updated) == (2, 0)
    second = _file(
        tmp_path,
        "second.csv",
        "100 Main St.,Durham,NC,27701,35.99,-78.90",  # same point, other spelling
        "200 MAIN ST,Durham,NC,27701,35.97,-78.92",  # moved
        "300 Main St,Durham,NC,27701,35.96,-78.93",  # new
    )
    dry = import_address_table(db, local_actor(), second, dry_run=True)
    assert (dry.dry_run, dry.created, dry.updated) == (True, 1, 1)
    assert "would create 1 address point, 1 updated" in dry.summary()
    assert _points(db)["200 Main Street"] == ("27701", 35.98, -78.91)
    again = import_address_table(db, local_actor(), second)
    assert (again.created, again.updated) == (1, 1)
    assert _points(db) == {
        "100 Main Street": ("27701", 35.99, -78.90),
        "200 Main Street": ("27701", 35.97, -78.92),
        "300 Main St": ("27701", 35.96, -78.93),
    }
    with db.session() as session:
        details = sorted(
            session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "import.addresses")
            )
        )
    assert details == [
        '{"counts": {"created": 1, "rows": 3, "updated": 1}, "file": "second.csv"}',
        '{"counts": {"created": 2, "rows": 2, "updated": 0}, "file": "first.csv"}',
    ]


def test_repeats_and_unusable_zip_codes_are_warnings_and_the_first_row_wins(
    db: Database, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        "points.csv",
        "1 Oak Ave,Durham,NC,27701,35.91,-78.91",
        "2 Oak Ave,Durham,NC,unknown,35.92,-78.92",
        "1 Oak Avenue,Durham,NC,27701,35.50,-78.50",
    )
    report = import_address_table(db, local_actor(), path)
    assert (report.rows_read, report.created) == (3, 2)
    assert [(w.row, w.column) for w in report.warnings] == [(3, "zip"), (0, "address")]
    assert "'unknown' is not a ZIP code" in report.warnings[0].message
    assert "1 rows repeat an address" in report.warnings[1].message
    assert "(rows 4)" in report.warnings[1].message
    assert _points(db) == {
        "1 Oak Ave": ("27701", 35.91, -78.91),
        "2 Oak Ave": ("", 35.92, -78.92),
    }
