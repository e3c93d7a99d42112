"""Reading the audit log: filtered pages for the viewer and a CSV export, for supervisors and
administrators only. Reading it is itself audited (a new search, each export).

Filters: a user (the actor's name), a client (its id, or a search over name and external id),
a date range in the program's time zone (inclusive days) and an action (exact, or a family such
as `client.` for every client action). Pages come newest first by chain position, so paging is a
plain LIMIT/OFFSET on an indexed column and 100k rows page as fast as 100.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import Values, parse_changes
from caseload.errors import UserError
from caseload.planning.exports import safe_cell
from caseload.private_files import PART_SUFFIX, private_dir
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client
from caseload.users.permissions import Permission, allowed, require

DEFAULT_PAGE = 200
MAX_PAGE = 5000
CSV_COLUMNS = (
    "seq",
    "at_utc",
    "user",
    "machine",
    "action",
    "entity",
    "entity_id",
    "client_id",
    "details",
    "before",
    "after",
)
_EXPORT_BATCH = 2000


@dataclass(frozen=True, slots=True)
class AuditFilter:
    user: str = ""  # exact user name ("" = everyone)
    client_id: int | None = None
    client_search: str = ""  # part of a client's name, or an external id
    start: date | None = None  # first day, inclusive (program time zone)
    end: date | None = None  # last day, inclusive
    action: str = ""  # "client.update", or a family ending in "." ("client.")

    def describe(self) -> str:
        """The filter in words for the audit row of a view or export (no client names: the
        search text is only marked as used)."""
        parts = [
            f"user={self.user}" if self.user else "",
            f"client={self.client_id}" if self.client_id is not None else "",
            "client search" if self.client_search.strip() else "",
            f"from {self.start}" if self.start else "",
            f"to {self.end}" if self.end else "",
            f"action={self.action}" if self.action else "",
        ]
        return ", ".join(p for p in parts if p) or "no filter"


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int | None
    at: datetime
    user: str
    machine: str
    action: str
    entity: str
    entity_id: str
    client_id: int | None
    details: str
    before: Values | None
    after: Values | None


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int  # rows matching the filter, over all pages
    offset: int
    # The newest row the search covers: pass it back for the next pages, so rows written
    # meanwhile (this search's own audit row included) do not shift them.
    upto_seq: int


def can_read_audit(actor: Actor) -> bool:
    """Whether `actor` may read the audit log (the app shows its menu entry only then)."""
    return allowed(actor, Permission.VIEW_AUDIT)


def check_reader(actor: Actor) -> None:
    """Only supervisors and administrators read the audit log (the service refuses others,
    whatever the UI shows)."""
    require(actor, Permission.VIEW_AUDIT)


def audit_entries(
    db: Database,
    actor: Actor,
    filters: AuditFilter | None = None,
    *,
    limit: int = DEFAULT_PAGE,
    offset: int = 0,
    upto_seq: int | None = None,
) -> AuditPage:
    """One page of matching entries, newest first, and how many match in all. A new search
    (`upto_seq` None) is audited as a view of the log; its pages pass `upto_seq` back."""
    check_reader(actor)
    filters = filters or AuditFilter()
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    with db.session() as session:
        new_search = upto_seq is None
        if upto_seq is None:
            upto_seq = int(session.scalar(select(func.max(AuditEntry.seq))) or 0)
        conditions = [
            *_conditions(session, filters),
            or_(AuditEntry.seq <= upto_seq, AuditEntry.seq.is_(None)),
        ]
        total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
        rows = session.scalars(_ordered(conditions).limit(limit).offset(offset))
        page = AuditPage(tuple(_row(e) for e in rows), int(total or 0), offset, upto_seq)
        if new_search:
            audit.record(session, actor, "audit.view", "audit_log", "-", filters.describe())
    return page


def audit_users(db: Database, actor: Actor) -> list[str]:
    """Every user name in the log (for the viewer's user filter)."""
    check_reader(actor)
    with db.session() as session:
        return list(session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)))


def audit_actions(db: Database, actor: Actor) -> list[str]:
    """Every action in the log (for the viewer's action filter)."""
    check_reader(actor)
    with db.session() as session:
        return list(
            session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
        )


def export_audit_csv(db: Database, actor: Actor, path: Path, filters: AuditFilter) -> int:
    """Write every matching entry (newest first) to `path` as CSV: private (0600), written to a
    `.part` file and renamed, cells a spreadsheet cannot run as formulas, UTF-8 with a byte-order
    mark. Audited as an export; returns the number of rows written."""
    check_reader(actor)
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=path.parent)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            for row in _all_rows(db, filters):
                writer.writerow(_csv_cells(row))
                count += 1
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"Cannot write the audit export {path}: {exc.strerror or exc}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    audit.record_now(
        db, actor, "audit.export", "audit_log", path.name, f"{count} rows; {filters.describe()}"
    )
    return count


def _all_rows(db: Database, filters: AuditFilter) -> Iterator[AuditRow]:
    """Every match in batches (keyset on seq), so a 100k-row export never holds them all."""
    with db.session() as session:
        conditions = _conditions(session, filters)
        last_seq: int | None = None
        while True:
            query = _ordered(conditions)
            if last_seq is not None:
                query = query.where(AuditEntry.seq < last_seq)
            batch = list(session.scalars(query.limit(_EXPORT_BATCH)))
            if not batch:
                return
            for entry in batch:
                yield _row(entry)
            last_seq = batch[-1].seq
            if last_seq is None:  # rows outside the chain sort last: nothing after them
                return


def _ordered(conditions: list[ColumnElement[bool]]) -> Select[AuditEntry]:
    return (
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.seq.is_(None), AuditEntry.seq.desc(), AuditEntry.id.desc())
    )


def _conditions(session: Session, filters: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    user = filters.user.strip()
    if user:  # the user's entries, those of their break-glass sessions included
        marked = user.removesuffix(audit.EMERGENCY_MARK) + audit.EMERGENCY_MARK
        conditions.append(AuditEntry.actor.in_({user, marked}))
    if filters.client_id is not None:
        conditions.append(AuditEntry.client_id == filters.client_id)
    if filters.client_search.strip():
        ids = _matching_clients(session, filters.client_search.strip())
        conditions.append(AuditEntry.client_id.in_(ids) if ids else AuditEntry.id < 0)
    if filters.start is not None or filters.end is not None:
        zone = load_in(session, ProgramSettings).zone
        if filters.start is not None:
            conditions.append(AuditEntry.at >= datetime.combine(filters.start, time(), zone))
        if filters.end is not None:
            after_end = datetime.combine(filters.end + timedelta(days=1), time(), zone)
            conditions.append(AuditEntry.at < after_end)
    action = filters.action.strip()
    if action.endswith("."):
        conditions.append(AuditEntry.action.startswith(action, autoescape=True))
    elif action:
        conditions.append(AuditEntry.action == action)
    return conditions


def _matching_clients(session: Session, text: str) -> list[int]:
    """Clients whose external id is `text`, or whose first, last or full name contains it."""
    pattern = f"%{text.lower()}%"
    full = func.lower(Client.first_name + " " + Client.last_name)
    query = select(Client.id).where(
        or_(
            func.lower(Client.external_id) == text.lower(),
            func.lower(Client.first_name).like(pattern),
            func.lower(Client.last_name).like(pattern),
            full.like(pattern),
        )
    )
    return list(session.scalars(query.limit(1000)))


def _row(entry: AuditEntry) -> AuditRow:
    before, after = parse_changes(entry.changes)
    return AuditRow(
        entry.seq,
        entry.at,
        entry.actor,
        entry.machine,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.client_id,
        entry.details,
        before,
        after,
    )


def _csv_cells(row: AuditRow) -> list[str]:
    def as_json(values: Values | None) -> str:
        return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)

    cells = [
        "" if row.seq is None else str(row.seq),
        row.at.astimezone(UTC).isoformat(timespec="seconds"),
        row.user,
        row.machine,
        row.action,
        row.entity,
        row.entity_id,
        "" if row.client_id is None else str(row.client_id),
        row.details,
        as_json(row.before),
        as_json(row.after),
    ]
    return [safe_cell(c) for c in cells]
