"""Importing shifts (`rounds import shifts FILE`): weekly patterns and their exceptions, all
rows or none.

A row with `days` (e.g. `Mon-Fri`) is part of a weekly pattern; the people named in pattern
rows get exactly the file's pattern (their old one is replaced). A row with a `date` and a
`kind` (leave, sick, swap, extra) is an exception on that day. Staff are named as in the staff
file. People with the same `crew` on a weekday ride together (one or two per crew).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import ShiftExceptionKind
from caseload.errors import RowProblem
from caseload.importing.common import ImportReport, report_duplicates
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.importing.team_fields import clock_minute, exception_kind, weekdays, whole_number
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import ShiftException, ShiftPattern, Staff
from caseload.team.rota import WEEKDAYS, DayException, PatternSlot
from caseload.team.shifts import add_exceptions_in, set_patterns_in
from caseload.users.permissions import Permission, require

SHIFT_REQUIRED = ("staff",)
SHIFT_COLUMNS = (
    *SHIFT_REQUIRED,
    "days",
    "date",
    "kind",
    "start",
    "end",
    "break_minutes",
    "crew",
    "vehicle",
    "swap_with",
    "note",
)
_LATEST = date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class _ShiftRow:
    row: int
    staff_key: str  # lower-case name
    pattern: tuple[PatternSlot, ...]  # staff_id 0 until written
    exception: DayException | None
    swap_with_key: str = ""


def import_shifts(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Import weekly shift patterns and exceptions from a CSV/XLSX file; all rows or none."""
    require(actor, Permission.IMPORT)
    kind = ImportKind(
        "shifts", SHIFT_REQUIRED, SHIFT_COLUMNS, lambda session: _ShiftJob(session, actor)
    )
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _ShiftJob(ImportJob[_ShiftRow]):
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.zone = load_in(session, ProgramSettings).zone
        self.staff = {s.name.strip().lower(): s for s in session.scalars(select(Staff))}

    def check_row(self, cells: RowChecker) -> _ShiftRow | None:
        c = cells
        name = c.text("staff", max_len=120, required=True)
        if name and name.strip().lower() not in self.staff:
            c.problem("staff", name, "the name of a staff member (import staff first)")
        days_text, date_text = c.row.get("days"), c.row.get("date")
        if bool(days_text.strip()) == bool(date_text.strip()):
            c.problem(
                "days" if not days_text.strip() else "date",
                days_text or date_text,
                "either days (a weekly pattern, e.g. Mon-Fri) or a date with a kind "
                "(an exception), not both",
            )
            return None
        crew = c.text("crew", max_len=60).strip()
        vehicle = c.text("vehicle", max_len=60).strip()
        breaks = whole_number(c, "break_minutes", default=30, low=0, high=240)
        key = name.strip().lower()
        if days_text.strip():
            return self._pattern_row(c, key, breaks, crew, vehicle)
        return self._exception_row(c, key, breaks, crew, vehicle)

    def _pattern_row(
        self, c: RowChecker, key: str, breaks: int, crew: str, vehicle: str
    ) -> _ShiftRow | None:
        days = weekdays(c, "days")
        kind = c.row.get("kind").strip().lower()
        if kind not in ("", "weekly", "pattern"):
            c.problem("kind", c.row.get("kind"), "empty (or weekly) for a row with days")
        start = clock_minute(c, "start", required=True)
        end = clock_minute(c, "end", required=True)
        if start is not None and end is not None:
            self._check_hours(c, start, end, breaks)
        if not c.ok or start is None or end is None:
            return None
        slots = tuple(PatternSlot(0, d, start, end, breaks, crew, vehicle) for d in days)
        return _ShiftRow(c.row.number, key, slots, None)

    def _exception_row(
        self, c: RowChecker, key: str, breaks: int, crew: str, vehicle: str
    ) -> _ShiftRow | None:
        on = self._day(c)
        kind = exception_kind(c, "kind")
        start = clock_minute(c, "start", required=kind is ShiftExceptionKind.EXTRA)
        end = clock_minute(c, "end", required=kind is ShiftExceptionKind.EXTRA)
        if start is not None and end is not None:
            self._check_hours(c, start, end, breaks)
        swap = c.row.get("swap_with").strip()
        if kind is ShiftExceptionKind.SWAP:
            if not swap:
                c.problem("swap_with", swap, "the colleague who works the shift (for a swap)")
            elif swap.lower() not in self.staff:
                c.problem("swap_with", swap, "the name of a staff member (import staff first)")
            elif swap.lower() == key:
                c.problem("swap_with", swap, "someone other than the staff member themselves")
        if not c.ok or on is None or kind is None:
            return None
        exception = DayException(
            staff_id=0,
            on=on,
            kind=kind,
            start_minute=start,
            end_minute=end,
            break_minutes=breaks,
            crew_name=crew,
            vehicle=vehicle,
            note=c.row.get("note")[:200],
        )
        return _ShiftRow(c.row.number, key, (), exception, swap.lower())

    def _day(self, c: RowChecker) -> date | None:
        return c.day("date", latest=_LATEST)

    @staticmethod
    def _check_hours(c: RowChecker, start: int, end: int, breaks: int) -> None:
        if end <= start:
            c.problem("end", c.row.get("end"), f"a time after the start ({c.row.get('start')})")
        elif breaks >= end - start:
            c.problem("break_minutes", c.row.get("break_minutes"), "a break shorter than the shift")

    def check_file(
        self, table: Table, rows: Sequence[_ShiftRow], problems: list[RowProblem]
    ) -> None:
        report_duplicates(
            problems,
            (
                (
                    r.row,
                    r.staff_key,
                    (r.staff_key, s.weekday),
                    f"one shift per person per day "
                    f"({WEEKDAYS[s.weekday]} is already in another row)",
                )
                for r in rows
                for s in r.pattern
            ),
            "days",
        )
        exceptions = [r for r in rows if r.exception is not None]
        report_duplicates(
            problems,
            (
                (
                    r.row,
                    str(r.exception.on),
                    (r.staff_key, r.exception.on),
                    "one exception per person per day",
                )
                for r in exceptions
                if r.exception is not None
            ),
            "date",
        )
        self._check_crews(rows, problems)
        self._check_against_database(rows, problems)

    def _check_crews(self, rows: Sequence[_ShiftRow], problems: list[RowProblem]) -> None:
        replaced = {r.staff_key for r in rows if r.pattern}
        riders: dict[tuple[int, str], list[int]] = defaultdict(list)  # -> row numbers (0: db)
        names = {s.id: key for key, s in self.staff.items()}
        for p in self.session.scalars(select(ShiftPattern).where(ShiftPattern.crew_name != "")):
            if names.get(p.staff_id) not in replaced:
                riders[(p.weekday, p.crew_name.lower())].append(0)
        for r in rows:
            for s in r.pattern:
                if s.crew_name:
                    riders[(s.weekday, s.crew_name.lower())].append(r.row)
        for (day, crew), numbers in sorted(riders.items()):
            if len(numbers) > 2:
                problems.append(
                    RowProblem(
                        max(numbers),
                        "crew",
                        crew,
                        f"at most two people in a crew on {WEEKDAYS[day]} "
                        f"({len(numbers)} would ride in it)",
                    )
                )

    def _check_against_database(
        self, rows: Sequence[_ShiftRow], problems: list[RowProblem]
    ) -> None:
        new_days = {(r.staff_key, s.weekday) for r in rows for s in r.pattern}
        replaced = {r.staff_key for r in rows if r.pattern}
        ids = {s.id: key for key, s in self.staff.items()}
        stored_days = {
            (ids.get(p.staff_id, ""), p.weekday)
            for p in self.session.scalars(select(ShiftPattern))
            if ids.get(p.staff_id, "") not in replaced
        }
        taken = {
            (ids.get(e.staff_id, ""), e.on_date)
            for e in self.session.scalars(select(ShiftException))
        }
        for r in rows:
            e = r.exception
            if e is None:
                continue
            if (r.staff_key, e.on) in taken:
                problems.append(
                    RowProblem(
                        r.row,
                        "date",
                        str(e.on),
                        "a day with no exception already recorded for this person (remove "
                        "the old one on the Team page first)",
                    )
                )
            works = (r.staff_key, e.on.weekday())
            if e.kind is ShiftExceptionKind.SWAP and works not in new_days | stored_days:
                problems.append(
                    RowProblem(
                        r.row,
                        "date",
                        str(e.on),
                        f"a day this person works in their weekly pattern (a swap gives that "
                        f"shift away; there is none on {WEEKDAYS[e.on.weekday()]})",
                    )
                )

    def plan(self, rows: Sequence[_ShiftRow], steps: Steps) -> Planned:
        days = sum(len(r.pattern) for r in rows)
        exceptions = sum(1 for r in rows if r.exception is not None)
        return Planned(created=len(rows), audited={"pattern_days": days, "exceptions": exceptions})

    def write(self, rows: Sequence[_ShiftRow], steps: Steps) -> None:
        patterns: dict[int, list[PatternSlot]] = defaultdict(list)
        for r in rows:
            if not r.pattern:
                continue  # an exception row: the person's weekly pattern stays as it is
            sid = self.staff[r.staff_key].id
            patterns[sid] += [
                PatternSlot(
                    sid,
                    s.weekday,
                    s.start_minute,
                    s.end_minute,
                    s.break_minutes,
                    s.crew_name,
                    s.vehicle,
                )
                for s in r.pattern
            ]
        today = datetime.now(self.zone).date()
        if patterns:
            set_patterns_in(self.session, self.actor, dict(patterns), today)
        exceptions = [
            DayException(
                staff_id=self.staff[r.staff_key].id,
                on=r.exception.on,
                kind=r.exception.kind,
                start_minute=r.exception.start_minute,
                end_minute=r.exception.end_minute,
                break_minutes=r.exception.break_minutes,
                crew_name=r.exception.crew_name,
                vehicle=r.exception.vehicle,
                swap_with_id=self.staff[r.swap_with_key].id if r.swap_with_key else None,
                note=r.exception.note,
            )
            for r in rows
            if r.exception is not None
        ]
        if exceptions:
            add_exceptions_in(self.session, self.actor, exceptions)
