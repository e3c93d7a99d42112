"""Fuzzing the CSV and XLSX importers (issue 14): whatever a file holds — arbitrary bytes or
text, or a valid file with columns dropped, values swapped, huge values, NUL characters,
formulas, impossible dates, another encoding, a byte-order mark — `import_clients`,
`import_visits`, `import_referrals` and `import_staff` either import it or raise a `UserError`
that names the file (and, for a bad cell, its row and column). Never another exception (which
the CLI would report as a crash), and a refused file changes no row anywhere.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from caseload.actor import local_actor
from caseload.errors import InputFileError, UserError
from caseload.importing.clients import import_clients
from caseload.importing.common import ImportReport
from caseload.importing.referrals import import_referrals
from caseload.importing.staff import import_staff
from caseload.importing.visits import import_visits
from caseload.store.database import Database, open_database
from caseload.store.models import Base

ACTOR = local_actor()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)  # after every date in the example files
# ~100 inputs per test in CI; ROUNDS_FUZZ_EXAMPLES=2000 (with HYPOTHESIS_PROFILE=explore for
# fresh ones) searches longer by hand.
MAX_EXAMPLES = int(os.environ.get("ROUNDS_FUZZ_EXAMPLES", "100"))
# Inputs tried, by importer and what became of them: printed after the module's tests.
TRIED: Counter[tuple[str, str]] = Counter()

Importer = Callable[[Database, Path], ImportReport]

IMPORTERS: dict[str, Importer] = {
    "clients": lambda db, path: import_clients(db, ACTOR, path, geocoder_delay_s=0),
    "visits": lambda db, path: import_visits(db, ACTOR, path, now=NOW),
    "referrals": lambda db, path: import_referrals(db, ACTOR, path, now=NOW),
    "staff": lambda db, path: import_staff(db, ACTOR, path),
}

# Unplanned contacts with the example clients (a planned visit needs a saved plan).
VISITS = (
    "external_id,visit_date,outcome,started_at,ended_at,performed_by,looked_where,checklist,"
    "note,rescheduled_to,crew,unplanned\n"
    "X1001,2026-11-30,completed,08:40,09:15,J. Rivera,,vitals,BP 142/88,,,yes\n"
    "X1002,2026-11-29,transported,09:40,09:55,J. Rivera,,,chest pain,,,yes\n"
    "X1001,2026-11-28,declined,,,,,,come back next week,,,yes\n"
)


def seed_records(kind: str) -> list[list[str]]:
    """A valid file of `kind` as records (header first)."""
    text = VISITS if kind == "visits" else (EXAMPLES / f"{kind}.csv").read_text("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


@dataclass(frozen=True, slots=True)
class Store:
    db: Database
    folder: Path

    def counts(self) -> dict[str, int]:
        """Rows in every table: a refused import must leave each one as it was."""
        with self.db.session() as session:
            return {
                table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables
            }


@pytest.fixture
def store(sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A database holding the example clients and staff (visits and referrals refer to them)."""
    shutil.copyfile(sqlite_template, tmp_path / "rounds.db")
    db = open_database(f"sqlite:///{tmp_path / 'rounds.db'}")
    IMPORTERS["clients"](db, EXAMPLES / "clients.csv")
    IMPORTERS["staff"](db, EXAMPLES / "staff.csv")
    yield Store(db, tmp_path)
    db.dispose()


def import_or_refuse(store: Store, kind: str, path: Path) -> ImportReport | UserError:
    """Import `path`; a refusal must name the file (and row and column for a bad cell) and
    leave every table as it was. Any other exception fails the test."""
    before = store.counts()
    try:
        report = IMPORTERS[kind](store.db, path)
    except UserError as exc:
        assert path.name in str(exc), str(exc)
        if isinstance(exc, InputFileError):
            assert exc.problems, str(exc)
            assert all(p.row >= 1 and p.column for p in exc.problems), str(exc)
        assert store.counts() == before, f"a refused {kind} import wrote rows"
        TRIED[kind, "refused"] += 1
        return exc
    after = store.counts()
    if kind == "clients":
        assert after["clients"] - before["clients"] == report.created
    TRIED[kind, "imported"] += 1
    return report


@pytest.fixture(scope="module", autouse=True)
def _print_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    assert capture is not None
    lines = [
        f"import fuzz {kind}: {TRIED[kind, 'imported'] + TRIED[kind, 'refused']} inputs, "
        f"{TRIED[kind, 'imported']} imported, {TRIED[kind, 'refused']} refused with a "
        "UserError naming the file, 0 other exceptions, 0 partial writes"
        for kind in sorted(IMPORTERS)
    ]
    with capture.global_and_fixture_disabled():
        print("\n" + "\n".join(lines))


# --- The valid files import (so the mutations start from something that works) -----------------


def test_the_store_holds_the_example_clients_and_staff(store: Store) -> None:
    counts = store.counts()
    assert counts["clients"] == len(seed_records("clients")) - 1
    assert counts["staff"] == len(seed_records("staff")) - 1


@pytest.mark.parametrize("kind", ["referrals", "visits"])
def test_the_seed_files_import(store: Store, kind: str) -> None:
    path = store.folder / f"seed.{kind}.csv"
    write_csv(path, seed_records(kind), ",", "utf-8")
    result = import_or_refuse(store, kind, path)
    assert isinstance(result, ImportReport), str(result)
    assert result.rows_read == len(seed_records(kind)) - 1


def test_an_unplanned_contact_the_crew_did_not_make_is_a_row_problem(store: Store) -> None:
    """Found by the fuzzer: `unplanned = yes` with outcome `not_found` passed the row checks and
    failed while writing, with a bare message naming no file, row or column."""
    records = seed_records("visits")
    records[2][2:7] = ["not_found", "09:40", "09:55", "J. Rivera", "the overpass"]
    path = write_csv(store.folder / "visits.csv", records, ",", "utf-8")
    refused = import_or_refuse(store, "visits", path)
    assert isinstance(refused, InputFileError)
    assert [(p.row, p.column, p.value) for p in refused.problems] == [(3, "outcome", "not_found")]


# --- Mutations of a valid file -----------------------------------------------------------------

NASTY = (
    "", " ", "\x00", "a\x00b", "\ufeff", "\u202eevil", "\r\n", '"', "'", ";", "\t", ",",
    "=HYPERLINK(\"http://example.invalid\")", "=1+1", "+1", "-1", "@SUM(A1)", "-",
    "9" * 400, "x" * 70_000, "1e309", "-1e-400", "nan", "inf", "-0", "0x1F",
    "99999999999999999999999", "-99999999999999999999999", "2026-02-30", "0000-00-00",
    "9999-12-31", "0001-01-01", "31/12/2026", "2026-13-01", "2026-11-30T25:61", "24:61",
    "12:00 PM", "yes", "no", "maybe", "N/A", "NULL", "None", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ä" * 300,
    "X1001", "X1002", "completed", "community_paramedic", "EMS crew", "90", "-181",
)  # fmt: skip

cell_values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))


@st.composite
def mutated(draw: st.DrawFn, kind: str, changes: int | None = None) -> list[list[str]]:
    """A valid file of `kind` with `changes` (default: one to four) things done to it."""
    records = [list(r) for r in seed_records(kind)]
    # New people each time (clients by external_id, referrals by name), so that a file which
    # imported once does not make every later one a repeat.
    tag = draw(st.integers(0, 10**9))
    renamed = {"clients": "external_id", "referrals": "last_name"}.get(kind)
    if renamed is not None:
        at = records[0].index(renamed)
        for number, record in enumerate(records[1:]):
            # Letters only: a referral's person is matched by name with digits left out.
            record[at] += "".join(chr(ord("a") + int(d)) for d in f"{tag}0{number}")
    for _ in range(draw(st.integers(1, 4)) if changes is None else changes):
        what = draw(st.sampled_from(["drop", "swap", "set", "header", "dup", "ragged"]))
        width = max(len(r) for r in records)
        column = draw(st.integers(0, width - 1))
        if what == "drop":  # a column gone from every row
            for record in records:
                if column < len(record):
                    del record[column]
        elif what == "swap":  # two values of a row swapped
            row = draw(st.integers(1, len(records) - 1))
            other = draw(st.integers(0, width - 1))
            record = records[row]
            if column < len(record) and other < len(record):
                record[column], record[other] = record[other], record[column]
        elif what == "set":  # one cell replaced
            record = records[draw(st.integers(1, len(records) - 1))]
            if column < len(record):
                record[column] = draw(cell_values)
        elif what == "header":  # a header name renamed, emptied or repeated
            if column < len(records[0]):
                records[0][column] = draw(
                    st.one_of(st.sampled_from(["", records[0][0], " Name "]), cell_values)
                )
        elif what == "dup":  # a row twice
            records.append(list(records[draw(st.integers(1, len(records) - 1))]))
        else:  # a row with cells missing or extra
            record = records[draw(st.integers(1, len(records) - 1))]
            del record[column:]
            record.extend(draw(st.lists(cell_values, max_size=3)))
    return records


def write_csv(path: Path, records: list[list[str]], delimiter: str, encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(records)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return path


ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")


def _csv_case(kind: str) -> st.SearchStrategy[tuple[list[list[str]], str, str]]:
    return st.tuples(mutated(kind), st.sampled_from([",", ";", "\t"]), st.sampled_from(ENCODINGS))


def _fuzz_settings(n: int = MAX_EXAMPLES) -> settings:
    return settings(max_examples=n, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_fuzz_settings()
@given(case=_csv_case("clients"))
def test_mutated_client_csv(store: Store, case: tuple[list[list[str]], str, str]) -> None:
    import_or_refuse(store, "clients", write_csv(store.folder / "clients.csv", *case))


@_fuzz_settings()
@given(case=_csv_case("visits"))
def test_mutated_visit_csv(store: Store, case: tuple[list[list[str]], str, str]) -> None:
    import_or_refuse(store, "visits", write_csv(store.folder / "visits.csv", *case))


@_fuzz_settings()
@given(case=_csv_case("referrals"))
def test_mutated_referral_csv(store: Store, case: tuple[list[list[str]], str, str]) -> None:
    import_or_refuse(store, "referrals", write_csv(store.folder / "referrals.csv", *case))


@_fuzz_settings()
@given(case=_csv_case("staff"))
def test_mutated_staff_csv(store: Store, case: tuple[list[list[str]], str, str]) -> None:
    import_or_refuse(store, "staff", write_csv(store.folder / "staff.csv", *case))


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
@_fuzz_settings(MAX_EXAMPLES // 2)
@given(data=st.data())
def test_one_odd_value_in_a_valid_file(store: Store, kind: str, data: st.DataObject) -> None:
    """One cell of an otherwise valid UTF-8 file replaced: the files that get through show
    what odd values an import accepts (and then writes: huge, formulas, look-alike dates)."""
    records = data.draw(mutated(kind, changes=0))
    row = data.draw(st.integers(1, len(records) - 1))
    records[row][data.draw(st.integers(0, len(records[row]) - 1))] = data.draw(cell_values)
    import_or_refuse(store, kind, write_csv(store.folder / f"{kind}.csv", records, ",", "utf-8"))


# --- XLSX: the same mutations, and cells of every type a workbook can hold -----------------------

typed_cells = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.times(),
    st.none(),
    st.sampled_from(["=1/0", "=NOW()", "=A1", '=HYPERLINK("x")']),  # formulas: no cached value
)


@st.composite
def workbook_rows(draw: st.DrawFn, kind: str) -> list[list[object]]:
    """A mutated file of `kind` as worksheet rows, some cells turned into typed values."""
    rows: list[list[object]] = [list(r) for r in draw(mutated(kind))]
    for _ in range(draw(st.integers(0, 4))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(typed_cells)
    return rows


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        # A cell openpyxl cannot store (a control character) is left empty, as Excel would.
        sheet.append([_storable(value) for value in row])
    workbook.save(path)
    return path


def _storable(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
@_fuzz_settings(MAX_EXAMPLES // 4)
@given(data=st.data())
def test_mutated_xlsx(store: Store, kind: str, data: st.DataObject) -> None:
    rows = data.draw(workbook_rows(kind))
    import_or_refuse(store, kind, write_xlsx(store.folder / f"{kind}.xlsx", rows))


# --- Arbitrary bytes and text ---------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"


@_fuzz_settings()
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    data=st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=500).map(lambda b: XLSX_MAGIC + b),  # a broken workbook
        st.binary(max_size=500).map(lambda b: b"\xd0\xcf\x11\xe0" + b),  # an old .xls
        st.text(max_size=2000).map(lambda t: t.encode("utf-8")),
    ),
)
@example(kind="clients", data=b"external_id\n\x00")
@example(kind="clients", data=b"\xef\xbb\xbf")
def test_arbitrary_bytes(store: Store, kind: str, data: bytes) -> None:
    path = store.folder / f"{kind}.csv"
    path.write_bytes(data)
    import_or_refuse(store, kind, path)


@_fuzz_settings()
@given(kind=st.sampled_from(sorted(IMPORTERS)), data=st.data())
def test_arbitrary_rows_under_a_valid_header(store: Store, kind: str, data: st.DataObject) -> None:
    header = seed_records(kind)[0]
    body = data.draw(st.lists(st.lists(cell_values, max_size=len(header) + 2), max_size=6))
    path = write_csv(store.folder / f"{kind}.csv", [header, *body], ",", "utf-8")
    import_or_refuse(store, kind, path)
