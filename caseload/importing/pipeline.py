"""The one import pipeline: read the table, check every row, then write all rows or none.

Each import kind (clients, events, addresses) plugs in an `ImportKind`: its columns and an
`ImportJob` that checks one row, checks the rows together, plans what writing them does and
writes them. The pipeline reads the whole file, checks every row and collects every problem; if
there is any, it raises `InputFileError` listing them all (row, column, value, expected) and
writes nothing. Otherwise the job writes in one unit of work together with an audit entry
(counts and file name only, never client details) and an `ImportReport` comes back. A dry run
checks and plans without writing.

Long work: `progress(done, total, message)` is called as rows are checked (and as the job plans);
setting `cancel` stops the import with nothing written (a cancel is not an error: the report says
`cancelled`).
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.errors import InputFileError, RowProblem
from caseload.importing.common import ImportReport, RowWarning
from caseload.importing.fields import RowChecker
from caseload.importing.tabular import Table, read_table
from caseload.store.database import Database
from caseload.users.accounts import AccessMode, access_mode_in
from caseload.users.errors import DEMO_IMPORT_REFUSED, DemoDatabaseError
from caseload.users.permissions import Permission, require

Progress = Callable[[int, int, str], None]
# Imports of real people (clients, their events, referrals and visits, the team): a demo
# database, which opens without log-in, refuses them.
REAL_DATA_KINDS = frozenset({"clients", "events", "referrals", "visits", "staff"})
R = TypeVar("R")  # one checked row, as an import kind reads it


class ImportCancelledError(Exception):
    """Raised inside the unit of work to roll it back when the user cancels."""


@dataclass(frozen=True, slots=True)
class Steps:
    """The caller's progress callback and cancel token, for a job's long loops."""

    progress: Progress
    cancel: threading.Event | None
    total: int  # rows in the file

    def checkpoint(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelledError

    def report(self, done: int, message: str) -> None:
        self.progress(done, self.total, message)


@dataclass(frozen=True, slots=True)
class Planned:
    """What writing the checked rows does (or, on a dry run, would do)."""

    created: int
    updated: int = 0
    enrollments: int = 0
    geocoded: Mapping[str, int] = field(default_factory=dict)  # GeocodeQuality value -> count
    warnings: tuple[RowWarning, ...] = ()
    audited: Mapping[str, int] = field(default_factory=dict)  # counts audited besides rows, created


class ImportJob(ABC, Generic[R]):
    """One import kind's part of the pipeline, made for one unit of work."""

    @abstractmethod
    def check_row(self, cells: RowChecker) -> R | None:
        """The row's values, or None when a cell has a problem (`cells` records it)."""

    def check_file(self, table: Table, rows: Sequence[R], problems: list[RowProblem]) -> None:
        """Record problems between rows or with the database (repeats, unknown references)."""

    @abstractmethod
    def plan(self, rows: Sequence[R], steps: Steps) -> Planned:
        """Work out what writing `rows` does; runs on dry runs too, so it writes nothing."""

    @abstractmethod
    def write(self, rows: Sequence[R], steps: Steps) -> None:
        """Write what `plan` worked out (not called on a dry run)."""


@dataclass(frozen=True, slots=True)
class ImportKind(Generic[R]):
    name: str  # "clients", "events" or "addresses": the report's kind, the audit's action
    required: tuple[str, ...]  # columns the header must have
    known: tuple[str, ...]  # every column the import reads (others are reported, then ignored)
    start: Callable[[Session], ImportJob[R]]
    progress_every: int = 100  # rows checked between two progress reports


def run_import(
    db: Database,
    actor: Actor,
    path: str | Path,
    kind: ImportKind[R],
    *,
    dry_run: bool,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> ImportReport:
    """Import the file at `path` as `kind`; all rows or none (see the module's docstring)."""
    require(actor, Permission.IMPORT)
    if kind.name in REAL_DATA_KINDS:
        _refuse_in_a_demo(db)
    table = read_table(path, required=kind.required, known=kind.known)
    total = len(table.rows)
    steps = Steps(progress or _no_progress, cancel, total)
    try:
        with db.session() as session:
            job = kind.start(session)
            problems: list[RowProblem] = []
            rows: list[R] = []
            for done, row in enumerate(table.rows, 1):
                steps.checkpoint()
                checked = job.check_row(RowChecker(row, problems))
                if checked is not None:
                    rows.append(checked)
                if done % kind.progress_every == 0 or done == total:
                    steps.report(done, "checking rows")
            job.check_file(table, rows, problems)
            if problems:
                problems.sort(key=lambda p: p.row)
                raise InputFileError(table.path, problems)
            planned = job.plan(rows, steps)
            if not dry_run:
                job.write(rows, steps)
                counts = {"rows": total, "created": planned.created, **planned.audited}
                _write_audit(session, actor, f"import.{kind.name}", table.path, counts)
            steps.report(total, "done")
    except ImportCancelledError:
        return ImportReport(kind.name, table.path, total, 0, dry_run, cancelled=True)
    return ImportReport(
        kind=kind.name,
        file=table.path,
        rows_read=total,
        created=planned.created,
        dry_run=dry_run,
        updated=planned.updated,
        enrollments=planned.enrollments,
        geocoded=dict(planned.geocoded),
        warnings=(*_unknown_column_warnings(table), *planned.warnings),
        unknown_columns=table.unknown_columns,
    )


def _no_progress(done: int, total: int, message: str) -> None:
    return None


def _unknown_column_warnings(table: Table) -> tuple[RowWarning, ...]:
    return tuple(
        RowWarning(1, name, "column not used by this import; its values were ignored")
        for name in table.unknown_columns
    )


def _write_audit(
    session: Session, actor: Actor, action: str, path: str, counts: Mapping[str, int]
) -> None:
    name = Path(path).name
    audit.record(
        session,
        actor,
        action,
        "import",
        name,
        json.dumps({"file": name, "counts": counts}, sort_keys=True),
    )


def _refuse_in_a_demo(db: Database) -> None:
    with db.session() as session:
        if access_mode_in(session) is AccessMode.DEMO:
            raise DemoDatabaseError(DEMO_IMPORT_REFUSED)
