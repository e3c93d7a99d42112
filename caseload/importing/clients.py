"""Importing clients from a CSV/XLSX file (layout: README section "import"): all rows or none.

A client's place comes from the file's lat/lon, else from its address through the geocoder
(the local address table first); a client that cannot be placed is imported with a warning.
Programs listed for a client become enrollments starting today.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import ConsentState, GeocodeQuality, HousingStatus, PlaceKind
from caseload.errors import RowProblem
from caseload.geocoding import Geocoder, open_geocoder, save_cache
from caseload.importing.common import ImportReport, RowWarning, chunks, report_duplicates
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.importing.tabular import Table
from caseload.programs import ensure_default_programs
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import (
    SAFETY_NOTES_MAX_CHARS,
    Client,
    ClientPlace,
    Enrollment,
    Program,
)
from caseload.users.permissions import Permission, require

CLIENT_REQUIRED = ("external_id", "first_name", "last_name", "date_of_birth")
CLIENT_COLUMNS = (
    *CLIENT_REQUIRED,
    *("phone", "address", "city", "state", "zip", "lat", "lon", "housing_status", "programs"),
    *("language", "safety_notes", "two_person_visit", "consent"),
)

_PLACE_KIND = {
    HousingStatus.HOUSED: (PlaceKind.HOME, "Home"),
    HousingStatus.SHELTERED: (PlaceKind.SHELTER, "Shelter"),
    HousingStatus.UNSHELTERED: (PlaceKind.OTHER, "Usual place"),
}


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
    programs: tuple[str, ...]  # program codes
    language: str
    safety_notes: str
    two_person_visit: bool
    consent: ConsentState


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
    require(actor, Permission.IMPORT)
    kind = ImportKind(
        "clients",
        CLIENT_REQUIRED,
        CLIENT_COLUMNS,
        lambda session: _ClientJob(session, geocoder_delay_s),
    )
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


# The row, where it was placed, how well, and what the geocoder matched.
_Located = tuple[_ClientRow, tuple[float, float] | None, GeocodeQuality, str]


class _ClientJob(ImportJob[_ClientRow]):
    def __init__(self, session: Session, geocoder_delay_s: float) -> None:
        self.session = session
        self.settings = load_in(session, ProgramSettings)
        self.today = datetime.now(self.settings.zone).date()
        self.geocoder_delay_s = geocoder_delay_s
        self.geocoder: Geocoder | None = None
        self.located: list[_Located] = []
        ensure_default_programs(session)
        self.program_codes = frozenset(session.scalars(select(Program.code)))

    def check_row(self, cells: RowChecker) -> _ClientRow | None:
        c = cells
        external_id = c.text("external_id", max_len=64, required=True)
        first_name = c.text("first_name", max_len=80, required=True)
        last_name = c.text("last_name", max_len=80, required=True)
        born = c.day("date_of_birth", latest=self.today, required=True)
        phone = c.text("phone", max_len=40)
        address = c.text("address", max_len=200)
        city = c.text("city", max_len=80)
        state = c.text("state", max_len=20)
        zip_code = c.zip_code("zip")
        location = c.lat_lon()
        housing = c.housing("housing_status")
        programs = c.programs("programs", self.program_codes)
        language = c.text("language", max_len=40) or "en"
        safety_notes = c.text("safety_notes", max_len=SAFETY_NOTES_MAX_CHARS)
        two_person = c.flag("two_person_visit")
        consent = c.consent("consent")  # an absent column is "not recorded", never "given"
        if not c.ok or born is None:
            return None
        return _ClientRow(
            c.row.number,
            *(external_id, first_name, last_name, born, phone, address, city, state, zip_code),
            *(location, housing, programs, language, safety_notes, two_person, consent),
        )

    def check_file(
        self, table: Table, rows: Sequence[_ClientRow], problems: list[RowProblem]
    ) -> None:
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
                self.session.scalars(
                    select(Client.external_id).where(Client.external_id.in_(batch))
                )
            )
        problems.extend(
            RowProblem(
                n, "external_id", i, "a new external_id: this one is already in the database"
            )
            for n, i in ids
            if i in existing
        )

    def plan(self, rows: Sequence[_ClientRow], steps: Steps) -> Planned:
        geocoder = open_geocoder(self.session, self.settings, min_delay_s=self.geocoder_delay_s)
        warnings: list[RowWarning] = []
        for done, client in enumerate(rows, 1):
            steps.checkpoint()
            self.located.append(_locate(client, geocoder, warnings))
            steps.report(done, "locating addresses")
        warnings += [RowWarning(0, "address", w) for w in geocoder.warnings]
        self.geocoder = geocoder
        enrollments = sum(len(c.programs) for c in rows)
        return Planned(
            created=len(rows),
            enrollments=enrollments,
            geocoded=Counter(q.value for _, _, q, _ in self.located),
            warnings=tuple(warnings),
            audited={"enrollments": enrollments},
        )

    def write(self, rows: Sequence[_ClientRow], steps: Steps) -> None:
        assert self.geocoder is not None, "plan() runs before write()"
        _write_clients(self.session, self.located, self.today)
        steps.checkpoint()
        save_cache(self.session, self.geocoder)


def _locate(client: _ClientRow, geocoder: Geocoder, warnings: list[RowWarning]) -> _Located:
    if client.location is not None:
        return client, client.location, GeocodeQuality.EXACT, "coordinates in the file"
    if client.address or client.zip:
        found = geocoder.geocode(client.address, client.city, client.state, client.zip)
        if found.location is not None:
            if found.quality == GeocodeQuality.ZIP:
                warnings.append(
                    RowWarning(
                        client.row,
                        "address",
                        "address not found in the local address table — placed at the centre "
                        "of its ZIP code; it is planned only once the location is checked "
                        "(Locations to check) or approximate locations are accepted",
                    )
                )
            return client, (found.location.lat, found.location.lon), found.quality, found.matched
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
    return client, None, GeocodeQuality.NONE, ""


def _write_clients(session: Session, located: Sequence[_Located], today: date) -> None:
    ensure_default_programs(session)
    program_ids = dict(session.execute(select(Program.code, Program.id)).all())
    now = datetime.now(UTC)
    for row, location, quality, matched in located:
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
            two_person_visit=row.two_person_visit,
            consent=row.consent.value,
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
                    geocode_match=matched[:240],
                    imported_lat=location[0],
                    imported_lon=location[1],
                    is_primary=True,
                )
            )
        for code in row.programs:
            client.enrollments.append(Enrollment(program_id=program_ids[code], enrolled_on=today))
        session.add(client)
    session.flush()
