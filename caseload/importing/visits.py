"""Importing visit outcomes (a crew's spreadsheet or an ePCR export): all rows or none.

A row names the client (`external_id`) and the day (`visit_date`); the outcome goes to the
client's stop on the newest saved plan of that day, else to a visit booked for the day, else to
a new visit. `crew` (optional) must match the crew that plan sent, when there is one.
`unplanned` = yes records a contact nobody planned. Every check of the app's outcome entry
applies, named by row and column.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import VisitStatus
from caseload.errors import RowProblem, UserError
from caseload.importing.common import ImportReport
from caseload.importing.events import _client_ids
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.outcomes.checklist import CHECKLIST_LABELS, ChecklistItem
from caseload.outcomes.model import OutcomeEntry
from caseload.outcomes.service import place_labels, record_in, recorded_outcome, unplanned_in
from caseload.outcomes.validate import CLOCK_SLACK, check_entry
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import Plan
from caseload.users.permissions import Permission, require

VISIT_REQUIRED = ("external_id", "visit_date", "outcome")
VISIT_COLUMNS = (
    *VISIT_REQUIRED,
    *("started_at", "ended_at", "performed_by", "looked_where", "checklist", "note"),
    *("rescheduled_to", "crew", "unplanned"),
)

# Accepted spellings of outcomes (lower-case; spaces and hyphens read as "_").
OUTCOME_ALIASES: Mapping[str, VisitStatus] = {
    "completed": VisitStatus.COMPLETED,
    "complete": VisitStatus.COMPLETED,
    "done": VisitStatus.COMPLETED,
    "seen": VisitStatus.COMPLETED,
    "not_found": VisitStatus.NO_CONTACT,
    "no_contact": VisitStatus.NO_CONTACT,
    "attempted": VisitStatus.NO_CONTACT,
    "declined": VisitStatus.REFUSED,
    "refused": VisitStatus.REFUSED,
    "transported": VisitStatus.TRANSPORTED,
    "ed": VisitStatus.TRANSPORTED,
    "referred_to_ed": VisitStatus.TRANSPORTED,
    "cancelled": VisitStatus.CANCELLED,
    "canceled": VisitStatus.CANCELLED,
    "rescheduled": VisitStatus.RESCHEDULED,
}
_OUTCOMES_EXPECTED = (
    "one of completed, not_found, declined, transported, cancelled, rescheduled "
    "(also done, no_contact, refused, ED)"
)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_FIELD_COLUMNS = (
    ("Start time", "started_at"),
    ("A completed visit", "ended_at"),
    ("End time", "ended_at"),
    ("Where we looked", "looked_where"),
    ("Checklist", "checklist"),
    ("Rescheduled to", "rescheduled_to"),
    ("Note", "note"),
)


def _key(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().lower())


@dataclass(frozen=True, slots=True)
class _VisitRow:
    row: int
    external_id: str
    visit_date: date
    entry: OutcomeEntry
    looked_text: str  # the looked_where cell, matched to a usual place in check_file
    crew: str
    unplanned: bool


def import_visits(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import visit outcomes for clients already in the database; all rows or none. `now`
    (default: the clock) is the latest acceptable time."""
    require(actor, Permission.IMPORT)
    moment = now or datetime.now(UTC)
    kind = ImportKind(
        "visits", VISIT_REQUIRED, VISIT_COLUMNS, lambda session: _VisitJob(session, moment, actor)
    )
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _VisitJob(ImportJob[_VisitRow]):
    def __init__(self, session: Session, now: datetime, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.now = now
        self.zone = load_in(session, ProgramSettings).zone
        self.client_ids: dict[str, int] = {}
        self.plans: dict[date, Plan | None] = {}
        self.entries: dict[int, OutcomeEntry] = {}  # row -> the entry with its place matched

    def check_row(self, cells: RowChecker) -> _VisitRow | None:
        c = cells
        external_id = c.text("external_id", max_len=64, required=True)
        latest = self.now.astimezone(self.zone).date()
        day = c.day("visit_date", latest=latest, required=True)
        raw = c.row.get("outcome")
        status = OUTCOME_ALIASES.get(_key(raw))
        if status is None:
            c.problem("outcome", raw, _OUTCOMES_EXPECTED)
        started = self._clock(c, "started_at", day)
        ended = self._clock(c, "ended_at", day)
        checklist = self._checklist(c)
        rescheduled = None
        if c.row.get("rescheduled_to"):
            rescheduled = c.day("rescheduled_to", latest=date(9999, 12, 31))
        performed = c.text("performed_by", max_len=200)
        looked = c.text("looked_where", max_len=200)
        note = c.text("note", max_len=2000)
        crew = c.text("crew", max_len=60)
        unplanned = c.flag("unplanned")
        if not c.ok or status is None or day is None:
            return None
        entry = OutcomeEntry(
            status=status,
            started_at=started,
            ended_at=ended,
            performed_by=performed,
            looked_where=looked,
            checklist=checklist,
            note=note,
            rescheduled_to=rescheduled,
        )
        return _VisitRow(c.row.number, external_id, day, entry, looked, crew, unplanned)

    def _clock(self, c: RowChecker, column: str, day: date | None) -> datetime | None:
        """HH:MM on the visit's day, or a full ISO 8601 date and time."""
        value = c.row.get(column)
        if not value:
            return None
        match = _CLOCK.fullmatch(value.strip())
        if match and day is not None:
            hour, minute = int(match.group(1)), int(match.group(2))
            if hour < 24 and minute < 60:
                return datetime.combine(day, time(hour, minute), tzinfo=self.zone)
            c.problem(column, value, "a time of day from 00:00 to 23:59")
            return None
        if match:
            return None  # the visit_date problem is reported already
        return c.moment(column, zone=self.zone, latest=self.now + CLOCK_SLACK)

    def _checklist(self, c: RowChecker) -> tuple[ChecklistItem, ...]:
        by_name = {item.value: item for item in ChecklistItem} | {
            _key(label): item for item, label in CHECKLIST_LABELS.items()
        }
        items: list[ChecklistItem] = []
        for part in c.row.get("checklist").split(";"):
            if not part.strip():
                continue
            item = by_name.get(_key(part))
            if item is None:
                allowed = ", ".join(i.value for i in ChecklistItem)
                c.problem(
                    "checklist", part.strip(), f"checklist codes separated by ';' from: {allowed}"
                )
            elif item not in items:
                items.append(item)
        return tuple(items)

    def check_file(
        self, table: Table, rows: Sequence[_VisitRow], problems: list[RowProblem]
    ) -> None:
        self.client_ids = _client_ids(self.session, [r.external_id for r in rows])
        seen: dict[tuple[str, date], int] = {}
        for r in rows:
            client_id = self.client_ids.get(r.external_id)
            if client_id is None:
                problems.append(
                    RowProblem(
                        r.row,
                        "external_id",
                        r.external_id,
                        "the external_id of a client already in the database "
                        "(import clients first)",
                    )
                )
                continue
            entry = self._with_place(r, client_id)
            try:
                check_entry(
                    entry,
                    r.visit_date,
                    self.zone,
                    self.now,
                    place_labels(self.session, client_id).keys(),
                )
            except UserError as exc:
                problems.append(RowProblem(r.row, _column_of(str(exc)), _value(r, exc), str(exc)))
                continue
            self.entries[r.row] = entry
            if r.unplanned:
                continue
            key = (r.external_id, r.visit_date)
            if key in seen:
                problems.append(
                    RowProblem(
                        r.row,
                        "visit_date",
                        r.visit_date.isoformat(),
                        f"one outcome per client and day (row {seen[key]} has this client on this "
                        "day already; mark extra contacts unplanned = yes)",
                    )
                )
                continue
            seen[key] = r.row
            if recorded_outcome(self.session, client_id, r.visit_date) is not None:
                problems.append(
                    RowProblem(
                        r.row,
                        "visit_date",
                        r.visit_date.isoformat(),
                        "a day without a recorded outcome for this client (correct a recorded "
                        "outcome in the app, with a reason)",
                    )
                )
                continue
            plan = self._plan(r.visit_date) if r.crew else None
            if plan is not None:  # without a saved plan for the day there is nothing to check
                stop = next(
                    (s for s in plan.stops if s.client_id == client_id and s.crew_name), None
                )
                if stop is None or stop.crew_name != r.crew:
                    sent = "no crew" if stop is None else stop.crew_name
                    problems.append(
                        RowProblem(
                            r.row,
                            "crew",
                            r.crew,
                            f"the crew the day's newest saved plan sent ({sent}), or blank",
                        )
                    )

    def _with_place(self, r: _VisitRow, client_id: int) -> OutcomeEntry:
        """looked_where naming one of the client's places (by its label) becomes that place."""
        wanted = r.looked_text.strip().lower()
        if not wanted:
            return r.entry
        for place_id, label in place_labels(self.session, client_id).items():
            if label.strip().lower() == wanted:
                return replace(r.entry, looked_place_id=place_id, looked_where="")
        return r.entry

    def _plan(self, on: date) -> Plan | None:
        if on not in self.plans:
            self.plans[on] = self.session.scalars(
                select(Plan).where(Plan.plan_date == on).order_by(Plan.version_no.desc()).limit(1)
            ).first()
        return self.plans[on]

    def plan(self, rows: Sequence[_VisitRow], steps: Steps) -> Planned:
        return Planned(created=len(rows))

    def write(self, rows: Sequence[_VisitRow], steps: Steps) -> None:
        actor = self.actor
        for r in rows:
            client_id = self.client_ids[r.external_id]
            entry = self.entries[r.row]
            if r.unplanned:
                unplanned_in(self.session, actor, client_id, r.visit_date, entry, self.now)
            else:
                plan = self._plan(r.visit_date)
                record_in(self.session, actor, plan, client_id, r.visit_date, entry, self.now)
        self.session.flush()


def _column_of(message: str) -> str:
    for prefix, column in _FIELD_COLUMNS:
        if message.startswith(prefix):
            return column
    return "outcome"


def _value(r: _VisitRow, exc: UserError) -> str:
    column = _column_of(str(exc))
    entry = r.entry
    values: dict[str, object] = {
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
        "looked_where": r.looked_text,
        "checklist": ";".join(i.value for i in entry.checklist),
        "rescheduled_to": entry.rescheduled_to,
        "note": "(note)",
        "outcome": entry.status.value,
    }
    value = values.get(column)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)
