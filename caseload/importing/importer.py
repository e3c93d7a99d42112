"""Importing clients and utilization events from CSV/XLSX files: all rows or none.

Each function reads the whole file, checks every row and collects every problem; if there is
any, it raises `InputFileError` listing them all and writes nothing. Otherwise all rows are
written in one unit of work together with an audit entry (counts and file name only, never
client details) and an `ImportReport` comes back. A dry run checks and reports without writing.
Long work: `progress(done, total, message)` is called as rows are checked, located and saved;
setting `cancel` stops the import with nothing written (a cancel is not an error: the report
says `cancelled`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import EventKind, GeocodeQuality, HousingStatus, PlaceKind, ProgramCode
from caseload.errors import InputFileError, RowProblem
from caseload.geocoding import Geocoder, open_geocoder, save_cache
from caseload.importing.common import (
    ImportCancelledError,
    ImportReport,
    Progress,
    RowWarning,
    cancelled_report,
    checkpoint,
    chunks,
    noop_progress,
    report_duplicates,
    unknown_column_warnings,
    write_audit,
)
from caseload.importing.fields import RowChecker, not_after
from caseload.importing.tabular import Table, read_table
from caseload.programs import ensure_default_programs
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Enrollment,
    Program,
    UtilizationEvent,
)

__all__ = ["ImportReport", "RowWarning", "import_clients", "import_events"]


CLIENT_REQUIRED = ("external_id", "first_name", "last_name", "date_of_birth")
CLIENT_COLUMNS = (
    *CLIENT_REQUIRED,
    *("phone", "address", "city", "state", "zip", "lat", "lon", "housing_status", "programs"),
    *("language", "safety_notes"),
)
EVENT_REQUIRED = ("external_id", "kind", "occurred_at")
EVENT_COLUMNS = (*EVENT_REQUIRED, "source", "notes")

_PLACE_KIND = {
    HousingStatus.HOUSED: (PlaceKind.HOME, "Home"),
    HousingStatus.SHELTERED: (PlaceKind.SHELTER, "Shelter"),
    HousingStatus.UNSHELTERED: (PlaceKind.OTHER, "Usual place"),
}


# --- clients -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ClientRow:
    row: int
    external_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    address: str
    city: str
    state: str
    zip: str
    location: tuple[float, float] | None
    housing: HousingStatus
    programs: tuple[ProgramCode, ...]
    language: str
    safety_notes: str


def _check_client(row_check: RowChecker, today: date) -> _ClientRow | None:
    c = row_check
    external_id = c.text("external_id", max_len=64, required=True)
    first_name = c.text("first_name", max_len=80, required=True)
    last_name = c.text("last_name", max_len=80, required=True)
    born = c.day("date_of_birth", latest=today, required=True)
    phone = c.text("phone", max_len=40)
    address = c.text("address", max_len=200)
    city = c.text("city", max_len=80)
    state = c.text("state", max_len=20)
    zip_code = c.zip_code("zip")
    location = c.lat_lon()
    housing = c.housing("housing_status")
    programs = c.programs("programs")
    language = c.text("language", max_len=40) or "en"
    safety_notes = c.row.get("safety_notes")
    if not c.ok or born is None:
        return None
    return _ClientRow(
        c.row.number,
        *(external_id, first_name, last_name, born, phone, address, city, state, zip_code),
        *(location, housing, programs, language, safety_notes),
    )


def import_clients(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    geocoder_delay_s: float = 1.0,
) -> ImportReport:
    """Import clients (layout: README section "import"); all rows or none."""
    report = progress or noop_progress
    table = read_table(path, required=CLIENT_REQUIRED, known=CLIENT_COLUMNS)
    total = len(table.rows)
    try:
        with db.session() as session:
            settings = load_in(session, ProgramSettings)
            today = datetime.now(settings.zone).date()
            problems: list[RowProblem] = []
            parsed: list[_ClientRow] = []
            for done, row in enumerate(table.rows, 1):
                checkpoint(cancel)
                client = _check_client(RowChecker(row, problems), today)
                if client is not None:
                    parsed.append(client)
                if done % 100 == 0 or done == total:
                    report(done, total, "checking rows")
            _check_client_duplicates(session, table, problems)
            if problems:
                problems.sort(key=lambda p: p.row)
                raise InputFileError(table.path, problems)
            geocoder = open_geocoder(session, settings, min_delay_s=geocoder_delay_s)
            located: list[tuple[_ClientRow, tuple[float, float] | None, GeocodeQuality]] = []
            warnings = list(unknown_column_warnings(table))
            for done, client in enumerate(parsed, 1):
                checkpoint(cancel)
                located.append(_locate(client, geocoder, warnings))
                report(done, total, "locating addresses")
            warnings += [RowWarning(0, "address", w) for w in geocoder.warnings]
            quality_counts = Counter(q.value for _, _, q in located)
            enrollments = sum(len(c.programs) for c in parsed)
            if not dry_run:
                _write_clients(session, located, today)
                checkpoint(cancel)
                save_cache(session, geocoder)
                counts = {"rows": total, "created": len(parsed), "enrollments": enrollments}
                write_audit(session, actor, "import.clients", table.path, counts)
            report(total, total, "done")
    except ImportCancelledError:
        return cancelled_report("clients", table, dry_run)
    return ImportReport(
        kind="clients",
        file=table.path,
        rows_read=total,
        created=len(parsed),
        dry_run=dry_run,
        enrollments=enrollments,
        geocoded=dict(quality_counts),
        warnings=tuple(warnings),
        unknown_columns=table.unknown_columns,
    )


def _check_client_duplicates(session: Session, table: Table, problems: list[RowProblem]) -> None:
    ids = [(r.number, r.get("external_id")) for r in table.rows if r.get("external_id")]
    report_duplicates(
        problems,
        ((n, i, i, "an external_id not used by another row") for n, i in ids),
        "external_id",
    )
    wanted = sorted({i for _, i in ids})
    existing: set[str] = set()
    for batch in chunks(wanted):
        existing.update(
            session.scalars(select(Client.external_id).where(Client.external_id.in_(batch)))
        )
    problems.extend(
        RowProblem(n, "external_id", i, "a new external_id: this one is already in the database")
        for n, i in ids
        if i in existing
    )


def _locate(
    client: _ClientRow, geocoder: Geocoder, warnings: list[RowWarning]
) -> tuple[_ClientRow, tuple[float, float] | None, GeocodeQuality]:
    if client.location is not None:
        return client, client.location, GeocodeQuality.EXACT
    if client.address or client.zip:
        found = geocoder.geocode(client.address, client.city, client.state, client.zip)
        if found.location is not None:
            if found.quality == GeocodeQuality.ZIP:
                warnings.append(
                    RowWarning(
                        client.row,
                        "address",
                        "address not found in the local address table — placed at the centre "
                        "of its ZIP code; check the location before routing visits",
                    )
                )
            return client, (found.location.lat, found.location.lon), found.quality
        warnings.append(
            RowWarning(
                client.row,
                "address",
                "address not found in the local address table — no coordinates; visits to "
                "this client cannot be routed until a location is set",
            )
        )
    elif client.housing == HousingStatus.HOUSED:
        warnings.append(
            RowWarning(
                client.row,
                "address",
                "no address or coordinates — visits to this client cannot be routed until a "
                "location is set",
            )
        )
    return client, None, GeocodeQuality.NONE


def _write_clients(
    session: Session,
    located: Sequence[tuple[_ClientRow, tuple[float, float] | None, GeocodeQuality]],
    today: date,
) -> None:
    ensure_default_programs(session)
    program_ids = dict(session.execute(select(Program.code, Program.id)).all())
    now = datetime.now(UTC)
    for row, location, quality in located:
        client = Client(
            external_id=row.external_id,
            first_name=row.first_name,
            last_name=row.last_name,
            date_of_birth=row.date_of_birth,
            phone=row.phone,
            language=row.language,
            housing_status=row.housing.value,
            address=row.address,
            city=row.city,
            state=row.state,
            zip=row.zip,
            safety_notes=row.safety_notes,
            created_at=now,
        )
        if location is not None:
            kind, label = _PLACE_KIND[row.housing]
            description = ", ".join(p for p in (row.address, row.city, row.state, row.zip) if p)
            client.places.append(
                ClientPlace(
                    kind=kind.value,
                    label=label,
                    description=description,
                    lat=location[0],
                    lon=location[1],
                    geocode_quality=quality.value,
                    is_primary=True,
                )
            )
        for code in row.programs:
            client.enrollments.append(
                Enrollment(program_id=program_ids[code.value], enrolled_on=today)
            )
        session.add(client)
    session.flush()


# --- events --------------------------------------------------------------------------------


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
) -> ImportReport:
    """Import utilization events for clients already in the database; all rows or none."""
    report = progress or noop_progress
    table = read_table(path, required=EVENT_REQUIRED, known=EVENT_COLUMNS)
    total = len(table.rows)
    try:
        with db.session() as session:
            zone = load_in(session, ProgramSettings).zone
            latest = not_after(datetime.now(UTC))
            problems: list[RowProblem] = []
            parsed: list[_EventRow] = []
            for done, row in enumerate(table.rows, 1):
                checkpoint(cancel)
                c = RowChecker(row, problems)
                external_id = c.text("external_id", max_len=64, required=True)
                kind = c.event_kind("kind")
                occurred = c.moment("occurred_at", zone=zone, latest=latest)
                source = c.text("source", max_len=60)
                if c.ok and kind is not None and occurred is not None:
                    parsed.append(
                        _EventRow(row.number, external_id, kind, occurred, source, row.get("notes"))
                    )
                if done % 100 == 0 or done == total:
                    report(done, total, "checking rows")
            client_ids = _client_ids(session, [e.external_id for e in parsed])
            _check_events(session, parsed, client_ids, problems)
            if problems:
                problems.sort(key=lambda p: p.row)
                raise InputFileError(table.path, problems)
            if not dry_run:
                session.add_all(
                    UtilizationEvent(
                        client_id=client_ids[e.external_id],
                        kind=e.kind.value,
                        occurred_at=e.occurred_at,
                        source=e.source,
                        notes=e.notes,
                    )
                    for e in parsed
                )
                session.flush()
                counts = {"rows": total, "created": len(parsed)}
                write_audit(session, actor, "import.events", table.path, counts)
            report(total, total, "done")
    except ImportCancelledError:
        return cancelled_report("events", table, dry_run)
    return ImportReport(
        kind="events",
        file=table.path,
        rows_read=total,
        created=len(parsed),
        dry_run=dry_run,
        warnings=unknown_column_warnings(table),
        unknown_columns=table.unknown_columns,
    )


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
