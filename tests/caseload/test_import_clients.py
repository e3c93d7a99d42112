"""Client import: all rows or none, every bad row named, duplicates refused."""

from __future__ import annotations

import itertools
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from caseload.actor import local_actor
from caseload.errors import InputFileError
from caseload.importing.addresses import import_address_table
from caseload.importing.clients import import_clients
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client, ClientPlace
from tests.caseload.import_data import counts, good, write_csv
from tests.data import DURHAM_ADDRESS_POINTS


def test_bad_rows_are_all_reported_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    import_clients(db, local_actor(), write_csv(tmp_path / "first.csv", [good("OLD-1")]))
    before = counts(db)
    rows = [
        good("A1"),  # row 2: fine
        good("A2", last_name=""),  # row 3
        good("A3", date_of_birth="1950-13-01"),  # row 4
        good("A4", housing_status="homeless"),  # row 5
        good("A5", lon=""),  # row 6: lat without lon
        good("A6", programs="fall_prevention;yoga"),  # row 7
        good("A1"),  # row 8: same id as row 2
        good("OLD-1"),  # row 9: already in the database
        good("A9", date_of_birth="1899-12-31"),  # row 10
        good("A10", lat="95", lon="-78.9"),  # row 11
        good("A11", zip="2770"),  # row 12
    ]
    with pytest.raises(InputFileError) as err:
        import_clients(db, local_actor(), write_csv(tmp_path / "bad.csv", rows))
    found = {(p.row, p.column) for p in err.value.problems}
    assert found == {
        (3, "last_name"),
        (4, "date_of_birth"),
        (5, "housing_status"),
        (6, "lon"),
        (7, "programs"),
        (8, "external_id"),
        (9, "external_id"),
        (10, "date_of_birth"),
        (11, "lat"),
        (12, "zip"),
    }
    message = str(err.value)
    assert "row 8, column 'external_id'" in message and "row 2 has the same one" in message
    assert "already in the database" in message
    assert "'yoga'" in message
    assert counts(db) == before


def test_future_birth_date_is_refused(db: Database, tmp_path: Path) -> None:
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    with pytest.raises(InputFileError, match="not in the future"):
        import_clients(
            db, local_actor(), write_csv(tmp_path / "c.csv", [good("F1", date_of_birth=tomorrow)])
        )


def test_good_csv_imports_every_row_with_places_enrollments_and_audit(
    db: Database, tmp_path: Path
) -> None:
    rows = [
        good("G1"),
        good("G2", lat="", lon="", housing_status="Unsheltered", programs=""),
        good("G3", lat="", lon="", address="", zip="", programs="overdose_followup"),
    ]
    report = import_clients(db, local_actor(), write_csv(tmp_path / "clients.csv", rows))
    assert (report.rows_read, report.created, report.enrollments) == (3, 3, 3)
    assert report.geocoded == {"exact": 1, "none": 2}
    assert [w.row for w in report.warnings] == [3, 4]  # no location for either
    with db.session() as session:
        clients = {c.external_id: c for c in session.scalars(select(Client))}
        assert clients["G1"].language == "es"
        assert clients["G2"].housing_status == "unsheltered"
        [place] = clients["G1"].places
        assert (place.kind, place.lat, place.lon, place.geocode_quality) == (
            "home",
            35.99,
            -78.90,
            "exact",
        )
        assert {e.program.code for e in clients["G1"].enrollments} == {
            "fall_prevention",
            "high_utilizer",
        }
        [audit] = session.scalars(select(AuditEntry).where(AuditEntry.action == "import.clients"))
        assert "clients.csv" in audit.details
        for secret in ("Ann", "Able", "1950", "919", "dog"):  # never client details
            assert secret not in audit.details


def test_good_xlsx_imports_every_row(db: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["External ID", "First Name", "Last Name", "Date of Birth", "ZIP", "Lat", "Lon"])
    ws.append(["X1", "Bo", "Baker", date(1961, 7, 24), 27701, 35.9, -78.9])
    ws.append(["X2", "Cy", "Cole", datetime(1970, 1, 2), "27705-1234", None, None])
    path = tmp_path / "clients.xlsx"
    wb.save(path)
    report = import_clients(db, local_actor(), path)
    assert (report.rows_read, report.created) == (2, 2)
    with db.session() as session:
        born = dict(session.execute(select(Client.external_id, Client.date_of_birth)).all())
    assert born == {"X1": date(1961, 7, 24), "X2": date(1970, 1, 2)}


def test_dry_run_checks_and_reports_but_writes_nothing(db: Database, tmp_path: Path) -> None:
    before = counts(db)
    report = import_clients(
        db, local_actor(), write_csv(tmp_path / "c.csv", [good("D1"), good("D2")]), dry_run=True
    )
    assert (report.dry_run, report.created) == (True, 2)
    assert "Nothing was written" in report.summary()
    assert counts(db) == before


def test_addresses_are_placed_from_the_local_table(db: Database, tmp_path: Path) -> None:
    import_address_table(db, local_actor(), DURHAM_ADDRESS_POINTS)
    rows = [
        good("L1", lat="", lon="", address="3808 Guess Rd.", zip="27705"),
        good("L2", lat="", lon="", address="1 Nowhere Lane", zip="27705"),
        good("L3", lat="", lon="", address="1 Nowhere Lane", zip="99999"),
        good("L4", lat="", lon="", address="3804 Guess Road", zip="27705"),
        good("L5", lat="", lon="", address="3808 GUES RD APT 2", zip="27705"),
    ]
    report = import_clients(db, local_actor(), write_csv(tmp_path / "c.csv", rows))
    assert report.geocoded == {"exact": 1, "interpolated": 1, "street": 1, "zip": 1, "none": 1}
    assert "Locations: 1 exact, 1 interpolated, 1 street, 1 zip, 1 none" in report.summary()
    assert [w.row for w in report.warnings] == [3, 4]
    assert "cannot be routed until a location is set" in str(report.warnings[1])
    with db.session() as session:
        qualities = dict(
            session.execute(
                select(Client.external_id, ClientPlace.geocode_quality).join(ClientPlace)
            ).all()
        )
    assert qualities == {"L1": "exact", "L2": "zip", "L4": "interpolated", "L5": "street"}


def test_cancel_writes_nothing_and_is_not_an_error(db: Database, tmp_path: Path) -> None:
    cancel = threading.Event()
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))
        cancel.set()

    rows = [good(f"C{n}") for n in range(150)]
    report = import_clients(
        db, local_actor(), write_csv(tmp_path / "c.csv", rows), progress=progress, cancel=cancel
    )
    assert report.cancelled and report.created == 0
    assert seen and seen[0][1] == 150
    assert counts(db) == (0, 0, 0, 0, 0)


# --- all or nothing, for any mix of rows ------------------------------------------------------

_ids = itertools.count()
BAD_KINDS = ("last_name", "date", "housing", "lat_only", "program", "dup_file", "dup_db")


def _bad(kind: str, ext: str, previous: str | None) -> dict[str, str]:
    if kind == "last_name":
        return good(ext, last_name="")
    if kind == "date":
        return good(ext, date_of_birth="03/02/1950")
    if kind == "housing":
        return good(ext, housing_status="camping")
    if kind == "lat_only":
        return good(ext, lon="")
    if kind == "program":
        return good(ext, programs="knitting")
    if kind == "dup_file" and previous is not None:
        return good(previous)
    return good("EXISTING")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(("good", *BAD_KINDS)), min_size=1, max_size=8))
def test_any_mix_of_rows_is_all_or_nothing(db: Database, tmp_path: Path, kinds: list[str]) -> None:
    with db.session() as session:
        has_existing = session.scalar(select(Client.id).where(Client.external_id == "EXISTING"))
    if has_existing is None:
        import_clients(db, local_actor(), write_csv(tmp_path / "seed.csv", [good("EXISTING")]))
    rows: list[dict[str, str]] = []
    bad_rows: set[int] = set()
    previous: str | None = None
    for kind in kinds:
        ext = f"P{next(_ids)}"
        if kind == "good":
            rows.append(good(ext))
            previous = ext
        else:
            rows.append(_bad(kind, ext, previous))
            bad_rows.add(len(rows) + 1)  # header is row 1
    before = counts(db)
    path = write_csv(tmp_path / "mix.csv", rows)
    if bad_rows:
        with pytest.raises(InputFileError) as err:
            import_clients(db, local_actor(), path)
        assert {p.row for p in err.value.problems} == bad_rows
        assert counts(db) == before
    else:
        report = import_clients(db, local_actor(), path)
        after = counts(db)
        assert report.created == len(rows)
        assert after[0] == before[0] + len(rows)
        assert after[4] == before[4] + 1


def test_safety_notes_are_capped_with_a_clear_error(db: Database, tmp_path: Path) -> None:
    """A note up to SAFETY_NOTES_MAX_CHARS imports whole; a longer one is refused naming the
    row, the column and the limit, shows only the start of the value, and nothing is written."""
    from caseload.store.models import SAFETY_NOTES_MAX_CHARS

    longest = "x" * SAFETY_NOTES_MAX_CHARS
    import_clients(
        db, local_actor(), write_csv(tmp_path / "ok.csv", [good("N1", safety_notes=longest)])
    )
    with db.session() as session:
        stored = session.scalars(select(Client.safety_notes).where(Client.external_id == "N1"))
        assert stored.one() == longest
    before = counts(db)
    too_long = "y" * (SAFETY_NOTES_MAX_CHARS + 1)
    path = write_csv(tmp_path / "long.csv", [good("N2"), good("N3", safety_notes=too_long)])
    with pytest.raises(InputFileError) as caught:
        import_clients(db, local_actor(), path)
    message = str(caught.value)
    assert "row 3, column 'safety_notes'" in message
    assert f"at most {SAFETY_NOTES_MAX_CHARS} characters" in message
    assert f"({SAFETY_NOTES_MAX_CHARS + 1} characters)" in message
    assert too_long not in message  # the value is not pasted whole
    assert counts(db) == before
