"""Importing utilization events (911 calls, ED visits, overdoses, falls, hospital discharges) for
clients already in the database: all rows or none. An event listed twice, or already stored for
the client at the same time, is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import EventKind
from caseload.errors import RowProblem
from caseload.importing.common import ImportReport, chunks, report_duplicates
from caseload.importing.fields import RowChecker, not_after
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import Client, UtilizationEvent
from caseload.users.permissions import Permission, require

EVENT_REQUIRED = ("external_id", "kind", "occurred_at")
EVENT_COLUMNS = (*EVENT_REQUIRED, "source", "notes")


@dataclass(frozen=True, slots=True)
class _EventRow:
    row: int
    external_id: str
    kind: EventKind
    occurred_at: datetime
    source: str
    notes: str


def import_events(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import utilization events for clients already in the database; all rows or none. `now`
    (default: the clock) is the latest acceptable event time."""
    require(actor, Permission.IMPORT)
    moment = now or datetime.now(UTC)
    kind = ImportKind(
        "events", EVENT_REQUIRED, EVENT_COLUMNS, lambda session: _EventJob(session, moment)
    )
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _EventJob(ImportJob[_EventRow]):
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.zone = load_in(session, ProgramSettings).zone
        self.latest = not_after(now)
        self.client_ids: dict[str, int] = {}

    def check_row(self, cells: RowChecker) -> _EventRow | None:
        c = cells
        external_id = c.text("external_id", max_len=64, required=True)
        kind = c.event_kind("kind")
        occurred = c.moment("occurred_at", zone=self.zone, latest=self.latest)
        source = c.text("source", max_len=60)
        if not c.ok or kind is None or occurred is None:
            return None
        return _EventRow(c.row.number, external_id, kind, occurred, source, c.row.get("notes"))

    def check_file(
        self, table: Table, rows: Sequence[_EventRow], problems: list[RowProblem]
    ) -> None:
        self.client_ids = _client_ids(self.session, [e.external_id for e in rows])
        _check_events(self.session, rows, self.client_ids, problems)

    def plan(self, rows: Sequence[_EventRow], steps: Steps) -> Planned:
        return Planned(created=len(rows))

    def write(self, rows: Sequence[_EventRow], steps: Steps) -> None:
        self.session.add_all(
            UtilizationEvent(
                client_id=self.client_ids[e.external_id],
                kind=e.kind.value,
                occurred_at=e.occurred_at,
                source=e.source,
                notes=e.notes,
            )
            for e in rows
        )
        self.session.flush()


def _client_ids(session: Session, external_ids: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in chunks(sorted(set(external_ids))):
        rows = session.execute(
            select(Client.external_id, Client.id).where(Client.external_id.in_(batch))
        )
        found.update(rows.all())
    return found


def _check_events(
    session: Session,
    events: Sequence[_EventRow],
    client_ids: Mapping[str, int],
    problems: list[RowProblem],
) -> None:
    for e in events:
        if e.external_id not in client_ids:
            problems.append(
                RowProblem(
                    e.row,
                    "external_id",
                    e.external_id,
                    "the external_id of a client already in the database (import clients first)",
                )
            )
    known = [e for e in events if e.external_id in client_ids]
    report_duplicates(
        problems,
        (
            (
                e.row,
                e.occurred_at.isoformat(),
                (e.external_id, e.kind, e.occurred_at),
                "an event not listed twice (same client, kind and time)",
            )
            for e in known
        ),
        "occurred_at",
    )
    keys = [(client_ids[e.external_id], e.kind.value) for e in known]
    stored: set[tuple[int, str, datetime]] = set()
    for batch in chunks(sorted(set(keys))):
        rows = session.execute(
            select(
                UtilizationEvent.client_id, UtilizationEvent.kind, UtilizationEvent.occurred_at
            ).where(tuple_(UtilizationEvent.client_id, UtilizationEvent.kind).in_(batch))
        )
        stored.update((cid, kind, at.astimezone(UTC)) for cid, kind, at in rows)
    for e in known:
        key = (client_ids[e.external_id], e.kind.value, e.occurred_at.astimezone(UTC))
        if key in stored:
            problems.append(
                RowProblem(
                    e.row,
                    "occurred_at",
                    e.occurred_at.isoformat(),
                    "a new event: this client already has this kind of event at this time in "
                    "the database",
                )
            )
