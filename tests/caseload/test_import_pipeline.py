"""The import pipeline with a small stand-in import kind: every problem listed in row order,
all or nothing, dry runs and cancels write nothing, progress as rows are checked."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload.actor import local_actor
from caseload.errors import InputFileError, RowProblem
from caseload.importing.common import ImportReport, RowWarning, report_duplicates
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import (
    ImportJob,
    ImportKind,
    Planned,
    Progress,
    Steps,
    run_import,
)
from caseload.importing.tabular import Table
from caseload.store.database import Database
from caseload.store.models import AddressPoint, AuditEntry


@dataclass(frozen=True, slots=True)
class _Point:
    row: int
    address: str
    lat: float


class _PointJob(ImportJob[_Point]):
    """Stores each row as an address point; records which steps ran."""

    def __init__(self, session: Session, calls: list[str], fail_after: int | None) -> None:
        self.session, self.calls, self.fail_after = session, calls, fail_after

    def check_row(self, cells: RowChecker) -> _Point | None:
        address = cells.text("address", max_len=20, required=True)
        lat = cells.number("lat", low=-90.0, high=90.0, what="latitude")
        return _Point(cells.row.number, address, lat) if cells.ok and lat is not None else None

    def check_file(self, table: Table, rows: Sequence[_Point], problems: list[RowProblem]) -> None:
        self.calls.append("check_file")
        report_duplicates(
            problems, ((p.row, p.address, p.address, "a new address") for p in rows), "address"
        )

    def plan(self, rows: Sequence[_Point], steps: Steps) -> Planned:
        self.calls.append("plan")
        return Planned(
            created=len(rows),
            warnings=(RowWarning(0, "lat", "planned"),),
            audited={"points": len(rows)},
        )

    def write(self, rows: Sequence[_Point], steps: Steps) -> None:
        self.calls.append("write")
        for n, p in enumerate(rows):
            if n == self.fail_after:
                self.session.flush()  # the first rows really reach the database
                raise RuntimeError("disk full")
            self.session.add(
                AddressPoint(address=p.address, match_key=p.address, lat=p.lat, lon=0.0)
            )
        self.session.flush()


def _kind(calls: list[str], fail_after: int | None = None) -> ImportKind[_Point]:
    return ImportKind(
        "addresses",
        ("address", "lat"),
        ("address", "lat"),
        lambda session: _PointJob(session, calls, fail_after),
        progress_every=2,
    )


def _file(tmp_path: Path, *rows: str, header: str = "address,lat") -> Path:
    path = tmp_path / "points.csv"
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def _run(
    db: Database,
    path: Path,
    kind: ImportKind[_Point],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    return run_import(
        db, local_actor(), path, kind, dry_run=dry_run, progress=progress, cancel=cancel
    )


def _stored(db: Database) -> tuple[int, int]:
    with db.session() as session:
        points = session.scalar(select(func.count()).select_from(AddressPoint)) or 0
        audits = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return points, audits


def test_problems_of_rows_and_between_rows_are_listed_in_row_order_and_nothing_is_planned(
    sqlite_db: Database, tmp_path: Path
) -> None:
    calls: list[str] = []
    path = _file(tmp_path, "1 Oak St,35.9", ",35.9", "1 Oak St,35.9", "2 Elm St,north")
    with pytest.raises(InputFileError) as err:
        _run(sqlite_db, path, _kind(calls))
    # Row 4 repeats row 2 (found after every row was checked), yet it is listed before row 5.
    assert [(p.row, p.column) for p in err.value.problems] == [
        (3, "address"),
        (4, "address"),
        (5, "lat"),
    ]
    assert "row 2 has the same one" in str(err.value)
    assert calls == ["check_file"]
    assert _stored(sqlite_db) == (0, 0)


def test_a_good_file_is_planned_written_and_audited_with_progress(
    sqlite_db: Database, tmp_path: Path
) -> None:
    calls: list[str] = []
    seen: list[tuple[int, int, str]] = []
    path = _file(
        tmp_path,
        *(f"{n} Oak St,35.9,x" for n in range(1, 6)),
        header="address,lat,colour",
    )
    report = _run(
        sqlite_db,
        path,
        _kind(calls),
        progress=lambda done, total, message: seen.append((done, total, message)),
    )
    assert calls == ["check_file", "plan", "write"]
    assert seen == [
        (2, 5, "checking rows"),
        (4, 5, "checking rows"),
        (5, 5, "checking rows"),
        (5, 5, "done"),
    ]
    assert (report.kind, report.rows_read, report.created, report.dry_run) == (
        "addresses",
        5,
        5,
        False,
    )
    assert [(w.row, w.column) for w in report.warnings] == [(1, "colour"), (0, "lat")]
    assert report.unknown_columns == ("colour",)
    assert _stored(sqlite_db) == (5, 1)
    with sqlite_db.session() as session:
        [entry] = session.scalars(select(AuditEntry))
        assert (entry.action, entry.entity_id) == ("import.addresses", "points.csv")
        assert '"counts": {"created": 5, "points": 5, "rows": 5}' in entry.details


def test_a_dry_run_plans_but_never_writes(sqlite_db: Database, tmp_path: Path) -> None:
    calls: list[str] = []
    path = _file(tmp_path, "1 Oak St,35.9", "2 Oak St,35.8")
    report = _run(sqlite_db, path, _kind(calls), dry_run=True)
    assert calls == ["check_file", "plan"]
    assert (report.dry_run, report.created) == (True, 2)
    assert _stored(sqlite_db) == (0, 0)


def test_a_write_that_fails_midway_leaves_nothing_behind(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = _file(tmp_path, "1 Oak St,35.9", "2 Oak St,35.8", "3 Oak St,35.7")
    with pytest.raises(RuntimeError, match="disk full"):
        _run(sqlite_db, path, _kind([], fail_after=2))
    assert _stored(sqlite_db) == (0, 0)


def test_a_cancel_while_checking_returns_a_cancelled_report(
    sqlite_db: Database, tmp_path: Path
) -> None:
    calls: list[str] = []
    cancel = threading.Event()
    path = _file(tmp_path, *(f"{n} Oak St,35.9" for n in range(1, 6)))
    report = _run(
        sqlite_db,
        path,
        _kind(calls),
        progress=lambda done, total, message: cancel.set(),
        cancel=cancel,
    )
    assert (report.cancelled, report.created, report.rows_read) == (True, 0, 5)
    assert "cancelled; nothing was written" in report.summary()
    assert calls == []
    assert _stored(sqlite_db) == (0, 0)
