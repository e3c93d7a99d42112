"""Loading shared places (name, kind, lat, lon, description, opening_hours) from CSV/XLSX.

A row whose name is already a shared place updates it (and every client place linking it), so
the same file can be loaded again after the agency edits it. Bad coordinates, an unknown kind,
opening hours that cannot be read or a name listed twice stop the load with every problem
listed; nothing is written.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import SharedPlaceKind
from caseload.errors import RowProblem
from caseload.importing.common import ImportReport
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.places.hours import HoursError, parse_opening_hours
from caseload.places.service import SharedPlaceInput, save_shared_place_in
from caseload.store.database import Database
from caseload.store.models import SharedPlace
from caseload.users.permissions import Permission, require

PLACE_REQUIRED = ("name", "kind", "lat", "lon")
PLACE_COLUMNS = ("name", "kind", "lat", "lon", "description", "opening_hours")


def import_shared_places(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Add or update shared places from a CSV/XLSX file; all rows or none."""
    require(actor, Permission.IMPORT)
    kind = ImportKind("places", PLACE_REQUIRED, PLACE_COLUMNS, lambda s: _PlaceJob(s, actor))
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _PlaceJob(ImportJob[tuple[int, SharedPlaceInput]]):
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor

    def check_row(self, cells: RowChecker) -> tuple[int, SharedPlaceInput] | None:
        c = cells
        name = c.text("name", max_len=120, required=True)
        kind_text = c.text("kind", max_len=20, required=True)
        kind = kind_text.strip().lower().replace(" ", "_")
        if kind_text and kind not in {k.value for k in SharedPlaceKind}:
            c.problem("kind", kind_text, "one of " + ", ".join(k.value for k in SharedPlaceKind))
        lat = c.number("lat", low=-90.0, high=90.0, what="latitude")
        lon = c.number("lon", low=-180.0, high=180.0, what="longitude")
        description = c.text("description", max_len=2000)
        hours = c.text("opening_hours", max_len=240)
        try:
            parse_opening_hours(hours)
        except HoursError as error:
            c.problem("opening_hours", hours, str(error).split("; expected ")[-1])
        if not c.ok or lat is None or lon is None:
            return None
        return c.row.number, SharedPlaceInput(name, kind, lat, lon, description, hours)

    def check_file(
        self,
        table: Table,
        rows: Sequence[tuple[int, SharedPlaceInput]],
        problems: list[RowProblem],
    ) -> None:
        seen: dict[str, int] = {}
        for number, entry in rows:
            first = seen.setdefault(entry.name.lower(), number)
            if first != number:
                problems.append(
                    RowProblem(number, "name", entry.name, f"a name not already on row {first}")
                )

    def plan(self, rows: Sequence[tuple[int, SharedPlaceInput]], steps: Steps) -> Planned:
        known = set(self.session.scalars(select(SharedPlace.name)))
        updated = sum(1 for _, entry in rows if entry.name in known)
        return Planned(created=len(rows) - updated, updated=updated, audited={"updated": updated})

    def write(self, rows: Sequence[tuple[int, SharedPlaceInput]], steps: Steps) -> None:
        for _, entry in rows:
            steps.checkpoint()
            save_shared_place_in(self.session, self.actor, entry)
