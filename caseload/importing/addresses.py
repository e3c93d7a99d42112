"""Loading the agency's local address table (address, city, state, zip, lat, lon).

The table is what the offline geocoder looks in first. Loading adds new addresses and updates the
coordinates of addresses already in the table (same street and ZIP after normalising), so the
same file can be loaded again, and several files can be combined. Bad coordinates or a missing
address stop the load with every problem listed (nothing is written); an unusable ZIP only
produces a warning (the point is then matched by street alone).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.geocoding import normalise_address, normalise_street, normalise_zip
from caseload.importing.common import ImportReport, RowWarning
from caseload.importing.fields import RowChecker
from caseload.importing.pipeline import ImportJob, ImportKind, Planned, Progress, Steps, run_import
from caseload.store.database import Database
from caseload.store.models import AddressPoint
from caseload.users.permissions import Permission, require

ADDRESS_REQUIRED = ("address", "lat", "lon")
ADDRESS_COLUMNS = ("address", "city", "state", "zip", "lat", "lon")


@dataclass(frozen=True, slots=True)
class _PointRow:
    row: int
    key: str  # the normalised street and ZIP the geocoder matches on
    address: str
    city: str
    state: str
    zip5: str
    lat: float
    lon: float


def import_address_table(
    db: Database,
    actor: Actor,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Add or update address points from a CSV/XLSX file; all rows or none."""
    require(actor, Permission.IMPORT)
    kind = ImportKind(
        "addresses", ADDRESS_REQUIRED, ADDRESS_COLUMNS, _AddressJob, progress_every=500
    )
    return run_import(db, actor, path, kind, dry_run=dry_run, progress=progress, cancel=cancel)


class _AddressJob(ImportJob[_PointRow]):
    def __init__(self, session: Session) -> None:
        self.session = session
        self.zip_warnings: list[RowWarning] = []
        self.new: list[_PointRow] = []
        self.moved: list[tuple[AddressPoint, _PointRow]] = []

    def check_row(self, cells: RowChecker) -> _PointRow | None:
        c, row = cells, cells.row
        address = c.text("address", max_len=200, required=True)
        if address and not normalise_street(address):
            c.problem("address", address, "a street address with letters or digits")
        city = c.text("city", max_len=80)
        state = c.text("state", max_len=20)
        zip_text = row.get("zip")
        zip5 = normalise_zip(zip_text)
        lat = c.number("lat", low=-90.0, high=90.0, what="latitude")
        lon = c.number("lon", low=-180.0, high=180.0, what="longitude")
        if not c.ok or lat is None or lon is None:
            return None
        if zip_text and not zip5:
            self.zip_warnings.append(
                RowWarning(row.number, "zip", f"{zip_text!r} is not a ZIP code; matched by street")
            )
        key = normalise_address(address, zip5)
        return _PointRow(row.number, key, address, city, state, zip5, lat, lon)

    def plan(self, rows: Sequence[_PointRow], steps: Steps) -> Planned:
        points: dict[str, _PointRow] = {}
        repeated: list[int] = []
        for point in rows:
            if point.key in points:
                repeated.append(point.row)
            else:
                points[point.key] = point
        warnings = list(self.zip_warnings)
        if repeated:
            shown = ", ".join(str(n) for n in repeated[:10]) + (
                ", ..." if len(repeated) > 10 else ""
            )
            warnings.append(
                RowWarning(
                    0,
                    "address",
                    f"{len(repeated)} rows repeat an address listed earlier in the file (same "
                    "street and ZIP once abbreviations are normalised); the first one was kept "
                    f"(rows {shown})",
                )
            )
        existing = {p.match_key: p for p in self.session.scalars(select(AddressPoint))}
        for key, point in points.items():
            steps.checkpoint()
            current = existing.get(key)
            if current is None:
                self.new.append(point)
            elif (current.lat, current.lon) != (point.lat, point.lon):
                self.moved.append((current, point))
        return Planned(
            created=len(self.new),
            updated=len(self.moved),
            warnings=tuple(warnings),
            audited={"updated": len(self.moved)},
        )

    def write(self, rows: Sequence[_PointRow], steps: Steps) -> None:
        self.session.add_all(
            AddressPoint(
                address=p.address,
                city=p.city,
                state=p.state,
                zip=p.zip5,
                match_key=p.key,
                lat=p.lat,
                lon=p.lon,
            )
            for p in self.new
        )
        for current, point in self.moved:
            current.lat, current.lon = point.lat, point.lon
        self.session.flush()
