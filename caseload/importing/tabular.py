"""Reading a CSV or XLSX file into a header and rows, numbered as the user sees them.

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2 (a CSV
record that spans several lines because of a quoted line break still counts as one row, as in
Excel). Header names are matched case-insensitively with surrounding spaces trimmed, and inner
spaces or hyphens read as underscores ("Date of birth" is `date_of_birth`). Wholly empty rows are
skipped. Every cell comes back as a trimmed string; XLSX numbers and dates are written the way a
user would type them (27701, 2024-05-01, 2024-05-01T14:30:00).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from caseload.errors import InputFileError, RowProblem, UserError

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other Office 97 files)


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row: its number in the file (header = 1) and its cells by column name."""

    number: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True, slots=True)
class Table:
    path: str
    columns: tuple[str, ...]  # normalised header names, in file order
    rows: tuple[TableRow, ...]
    unknown_columns: tuple[str, ...]  # header names the caller does not use


def normalise_header(name: str) -> str:
    """'  Date of Birth ' -> 'date_of_birth'."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def read_table(
    path: str | Path,
    *,
    required: Collection[str],
    known: Collection[str],
) -> Table:
    """Read a CSV (UTF-8, `,` `;` or tab separated) or the first sheet of an XLSX workbook.

    Raises `UserError` naming the file when it cannot be used at all: not found, not CSV/XLSX,
    not UTF-8, empty, duplicate or missing required columns.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"{file}: file not found") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{file}: is a folder, expected a CSV or XLSX file") from exc
    except OSError as exc:
        raise UserError(f"{file}: cannot be read ({exc.strerror})") from exc
    if data.startswith(_XLSX_MAGIC):
        records = _xlsx_records(file, data)
    elif data.startswith(_OLE_MAGIC):
        raise UserError(
            f"{file}: this is an old-style Excel (.xls) file; open it in Excel and save it as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8', then import that file"
        )
    else:
        records = _csv_records(file, data)
    return _build_table(file, records, required=required, known=known)


def _csv_records(file: Path, data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise UserError(f"{file}: not a CSV or XLSX file (it contains binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{file}: not readable as UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}). "
            "In Excel use Save As > 'CSV UTF-8 (Comma delimited)', or import the .xlsx file"
        ) from exc
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((",", ";", "\t"), key=lambda d: (first_line.count(d), d == ","))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UserError(f"{file}: not a readable CSV file ({exc})") from exc


def _xlsx_records(file: Path, data: bytes) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; cells are unaffected.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            finally:
                workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError) as exc:
        raise UserError(f"{file}: not a readable XLSX workbook ({exc})") from exc


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _build_table(
    file: Path,
    records: Sequence[list[str]],
    *,
    required: Collection[str],
    known: Collection[str],
) -> Table:
    numbered = [(i + 1, [c.strip() for c in rec]) for i, rec in enumerate(records)]
    numbered = [(n, rec) for n, rec in numbered if any(rec)]
    if not numbered:
        raise UserError(f"{file}: the file is empty; expected a header row and data rows")
    # The first non-empty row is the header; numbering stays the file's own.
    header = numbered[0][1]
    columns = [normalise_header(h) for h in header]
    _refuse_nul_characters(file, columns, numbered)
    _check_header(file, columns, required)
    known_set = set(known)
    unknown = tuple(c for c in columns if c and c not in known_set)
    rows = tuple(
        TableRow(number=n, cells=_cells(columns, rec)) for n, rec in numbered[1:] if any(rec)
    )
    if not rows:
        raise UserError(f"{file}: the file has a header row but no data rows")
    return Table(
        path=str(file),
        columns=tuple(c for c in columns if c),
        rows=rows,
        unknown_columns=unknown,
    )


def _refuse_nul_characters(
    file: Path, columns: Sequence[str], numbered: Sequence[tuple[int, list[str]]]
) -> None:
    """A NUL character anywhere (not only in the first 4 KB) means a damaged or binary file;
    no database should store it (PostgreSQL cannot). Every such cell is named."""
    problems = [
        RowProblem(
            number,
            (columns[index] if index < len(columns) and columns[index] else f"#{index + 1}"),
            value,
            "text without NUL characters (\\x00); the file may be damaged or not a text file",
        )
        for number, record in numbered
        for index, value in enumerate(record)
        if "\x00" in value
    ]
    if problems:
        raise InputFileError(str(file), problems)


def _check_header(file: Path, columns: Sequence[str], required: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise UserError(f"{file}: the column '{name}' appears twice in the header row")
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        found = ", ".join(c for c in columns if c) or "(none)"
        raise UserError(
            f"{file}: missing required column(s) {', '.join(missing)} in the header row "
            f"(row 1); found: {found}"
        )


def _cells(columns: Sequence[str], record: Sequence[str]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for index, name in enumerate(columns):
        if name:
            cells[name] = record[index] if index < len(record) else ""
    return cells
