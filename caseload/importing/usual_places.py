"""Linking clients to shared places (external_id, place, times_of_day, primary).

Each row makes the shared place one of the client's usual places, with when the client is
usually there; a row for a client and place already linked updates the times (so a file can be
loaded again). `primary` = yes makes it the client's primary place. An unknown client or place,
times of day that cannot be read or a client and place listed twice stop the load with every
problem listed; nothing is written.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.errors import RowProblem
from caseload.importing.common import ImportReport
from caseload.importing.events import _client_ids
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.places.hours import TIMES_EXPECTED, HoursError, parse_times_of_day
from caseload.places.usual import link_in
from caseload.store.database import Database
from caseload.store.models import ClientPlace, SharedPlace
from caseload.users.permissions import Permission, require

USUAL_REQUIRED = ("external_id", "place")
USUAL_COLUMNS = ("external_id", "place", "times_of_day", "primary")


@dataclass(frozen=True, slots=True)
class _UsualRow:
    row: int
    external_id: str
    place: str
    times: str
    primary: bool


def import_usual_places(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Link clients to shared places from a CSV/XLSX file; all rows or none."""
    require(actor, Permission.IMPORT)
    kind = ImportKind("usual-places", USUAL_REQUIRED, USUAL_COLUMNS, lambda s: _UsualJob(s, actor))
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _UsualJob(ImportJob[_UsualRow]):
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.client_ids: dict[str, int] = {}
        self.places: dict[str, SharedPlace] = {}

    def check_row(self, cells: RowChecker) -> _UsualRow | None:
        c = cells
        external_id = c.text("external_id", max_len=64, required=True)
        place = c.text("place", max_len=120, required=True)
        times = c.text("times_of_day", max_len=120)
        try:
            parse_times_of_day(times)
        except HoursError:
            c.problem("times_of_day", times, TIMES_EXPECTED)
        primary = c.flag("primary")
        if not c.ok:
            return None
        return _UsualRow(c.row.number, external_id, place, times.strip(), primary)

    def check_file(
        self, table: Table, rows: Sequence[_UsualRow], problems: list[RowProblem]
    ) -> None:
        self.client_ids = _client_ids(self.session, [r.external_id for r in rows])
        self.places = {p.name.lower(): p for p in self.session.scalars(select(SharedPlace))}
        seen: dict[tuple[str, str], int] = {}
        for r in rows:
            if r.external_id not in self.client_ids:
                problems.append(
                    RowProblem(
                        r.row,
                        "external_id",
                        r.external_id,
                        "the external_id of a client already in the database (import clients "
                        "first)",
                    )
                )
            if r.place.lower() not in self.places:
                problems.append(
                    RowProblem(
                        r.row,
                        "place",
                        r.place,
                        "the name of a shared place (import places first)",
                    )
                )
            first = seen.setdefault((r.external_id, r.place.lower()), r.row)
            if first != r.row:
                problems.append(
                    RowProblem(r.row, "place", r.place, f"a place not already given on row {first}")
                )

    def _existing(self) -> dict[tuple[int, int], ClientPlace]:
        linked = self.session.scalars(
            select(ClientPlace).where(
                ClientPlace.client_id.in_(set(self.client_ids.values())),
                ClientPlace.shared_place_id.is_not(None),
            )
        )
        return {(p.client_id, p.shared_place_id or 0): p for p in linked}

    def plan(self, rows: Sequence[_UsualRow], steps: Steps) -> Planned:
        existing = self._existing()
        updated = sum(
            (self.client_ids[r.external_id], self.places[r.place.lower()].id) in existing
            for r in rows
        )
        return Planned(created=len(rows) - updated, updated=updated, audited={"updated": updated})

    def write(self, rows: Sequence[_UsualRow], steps: Steps) -> None:
        existing = self._existing()
        for r in rows:
            steps.checkpoint()
            client_id = self.client_ids[r.external_id]
            shared = self.places[r.place.lower()]
            place = link_in(
                self.session,
                self.actor,
                client_id,
                shared,
                r.times,
                r.primary,
                existing.get((client_id, shared.id)),
            )
            existing[(client_id, shared.id)] = place
        self.session.flush()
