"""Importing the team (`rounds import staff FILE`): all rows or none. A name already in the
database updates that staff member (their certifications become the file's); a new name adds
one. Staff are matched by name, case-insensitively: shift files refer to them by name."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import Skill
from caseload.errors import RowProblem
from caseload.importing.common import ImportReport, report_duplicates
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.importing.team_fields import certifications, hours, role
from caseload.store.database import Database
from caseload.store.models import Staff
from caseload.team.staff import MAX_WEEKLY_HOURS, StaffDraft, apply_draft
from caseload.users.permissions import Permission, require

STAFF_REQUIRED = ("name", "role")
STAFF_COLUMNS = (
    *STAFF_REQUIRED,
    "certifications",
    "languages",
    "home_station",
    "home_lat",
    "home_lon",
    "weekly_hours",
    "active",
    "skills",
)


@dataclass(frozen=True, slots=True)
class _StaffRow:
    row: int
    draft: StaffDraft


def import_staff(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Import or update staff members from a CSV/XLSX file; all rows or none."""
    require(actor, Permission.IMPORT)
    kind = ImportKind("staff", STAFF_REQUIRED, STAFF_COLUMNS, _StaffJob)
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _StaffJob(ImportJob[_StaffRow]):
    def __init__(self, session: Session) -> None:
        self.session = session
        self.existing = {s.name.strip().lower(): s for s in session.scalars(select(Staff))}

    def check_row(self, cells: RowChecker) -> _StaffRow | None:
        c = cells
        name = c.text("name", max_len=120, required=True)
        found_role = role(c, "role")
        held = certifications(c, "certifications")
        languages = tuple(x.strip() for x in c.row.get("languages").split(";") if x.strip())
        station = c.text("home_station", max_len=120)
        lat_text, lon_text = c.row.get("home_lat"), c.row.get("home_lon")
        lat = lon = None
        if lat_text or lon_text:
            lat = c.number("home_lat", low=-90.0, high=90.0, what="latitude")
            lon = c.number("home_lon", low=-180.0, high=180.0, what="longitude")
        weekly = hours(c, "weekly_hours", default=40.0, high=MAX_WEEKLY_HOURS)
        active = not c.row.get("active").strip() or c.flag("active")
        extra: list[str] = []
        for part in c.row.get("skills").split(";"):
            if not part.strip():
                continue
            if part.strip().lower() not in {s.value for s in Skill}:
                allowed = ", ".join(s.value for s in Skill)
                c.problem("skills", part.strip(), f"skills separated by ';' from: {allowed}")
            else:
                extra.append(part.strip().lower())
        if not c.ok or found_role is None:
            return None
        draft = StaffDraft(
            name=name.strip(),
            role=found_role.value,
            certifications=held,
            languages=languages or ("en",),
            home_station=station,
            home_lat=lat,
            home_lon=lon,
            weekly_hours=weekly,
            active=active,
            extra_skills=tuple(extra),
        )
        return _StaffRow(c.row.number, draft)

    def check_file(
        self, table: Table, rows: Sequence[_StaffRow], problems: list[RowProblem]
    ) -> None:
        # Every row's name counts, also on rows with other problems.
        named = [(row.number, row.get("name")) for row in table.rows if row.get("name").strip()]
        report_duplicates(
            problems,
            ((n, name, name.strip().lower(), "a name not listed twice") for n, name in named),
            "name",
        )

    def plan(self, rows: Sequence[_StaffRow], steps: Steps) -> Planned:
        updated = sum(1 for r in rows if r.draft.name.lower() in self.existing)
        return Planned(created=len(rows) - updated, updated=updated)

    def write(self, rows: Sequence[_StaffRow], steps: Steps) -> None:
        for r in rows:
            staff = self.existing.get(r.draft.name.lower())
            if staff is None:
                staff = Staff(name=r.draft.name, role=r.draft.role)
                self.session.add(staff)
            apply_draft(staff, r.draft)
        self.session.flush()
