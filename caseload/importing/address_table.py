"""Loading the agency's local address table (address, city, state, zip, lat, lon).

The table is what the offline geocoder looks in first. Loading adds new addresses and updates the
coordinates of addresses already in the table (same street and ZIP after normalising), so the
same file can be loaded again, and several files can be combined. Bad coordinates or a missing
address stop the load with every problem listed (nothing is written); an unusable ZIP only
produces a warning (the point is then matched by street alone).
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select

from caseload.actor import Actor
from caseload.errors import InputFileError, RowProblem
from caseload.geocoding import normalise_address, normalise_street, normalise_zip
from caseload.importing.common import (
    ImportCancelledError,
    ImportReport,
    Progress,
    RowWarning,
    cancelled_report,
    checkpoint,
    unknown_column_warnings,
    write_audit,
)
from caseload.importing.fields import RowChecker
from caseload.importing.tabular import read_table
from caseload.store.database import Database
from caseload.store.models import AddressPoint

ADDRESS_REQUIRED = ("address", "lat", "lon")
ADDRESS_COLUMNS = ("address", "city", "state", "zip", "lat", "lon")


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
    table = read_table(path, required=ADDRESS_REQUIRED, known=ADDRESS_COLUMNS)
    total = len(table.rows)
    problems: list[RowProblem] = []
    warnings = list(unknown_column_warnings(table))
    repeated: list[int] = []
    points: dict[str, tuple[int, str, str, str, str, float, float]] = {}
    for done, row in enumerate(table.rows, 1):
        if cancel is not None and cancel.is_set():
            return cancelled_report("addresses", table, dry_run)
        c = RowChecker(row, problems)
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
            continue
        if zip_text and not zip5:
            warnings.append(
                RowWarning(row.number, "zip", f"{zip_text!r} is not a ZIP code; matched by street")
            )
        key = normalise_address(address, zip5)
        if key in points:
            repeated.append(row.number)
            continue
        points[key] = (row.number, address, city, state, zip5, lat, lon)
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total, "checking rows")
    if problems:
        raise InputFileError(table.path, problems)
    if repeated:
        shown = ", ".join(str(n) for n in repeated[:10]) + (", ..." if len(repeated) > 10 else "")
        warnings.append(
            RowWarning(
                0,
                "address",
                f"{len(repeated)} rows repeat an address listed earlier in the file (same "
                "street and ZIP once abbreviations are normalised); the first one was kept "
                f"(rows {shown})",
            )
        )
    created = updated = 0
    try:
        with db.session() as session:
            existing = {p.match_key: p for p in session.scalars(select(AddressPoint))}
            for key, (_, address, city, state, zip5, lat, lon) in points.items():
                checkpoint(cancel)
                current = existing.get(key)
                if current is None:
                    created += 1
                    if not dry_run:
                        session.add(
                            AddressPoint(
                                address=address,
                                city=city,
                                state=state,
                                zip=zip5,
                                match_key=key,
                                lat=lat,
                                lon=lon,
                            )
                        )
                elif (current.lat, current.lon) != (lat, lon):
                    updated += 1
                    if not dry_run:
                        current.lat, current.lon = lat, lon
            if not dry_run:
                session.flush()
                counts = {"rows": total, "created": created, "updated": updated}
                write_audit(session, actor, "import.addresses", table.path, counts)
            if progress is not None:
                progress(total, total, "done")
    except ImportCancelledError:
        return cancelled_report("addresses", table, dry_run)
    return ImportReport(
        kind="addresses",
        file=table.path,
        rows_read=total,
        created=created,
        updated=updated,
        dry_run=dry_run,
        warnings=tuple(warnings),
        unknown_columns=table.unknown_columns,
    )
