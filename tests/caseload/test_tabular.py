"""Reading CSV/XLSX files: numbering as the user sees it, header matching, clear file errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.errors import InputFileError, UserError
from caseload.importing.tabular import normalise_header, read_table

KNOWN = ("external_id", "first_name", "date_of_birth", "zip")


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_rows_are_numbered_as_in_a_spreadsheet(tmp_path: Path) -> None:
    """Header is row 1; blank rows are skipped but keep their number; a quoted line break is one
    row."""
    f = _write(
        tmp_path / "c.csv",
        'External_ID ,First Name\nA1,Ann\n\nA2,"Bo\nb"\nA3,Cy\n',
    )
    table = read_table(f, required=["external_id"], known=KNOWN)
    assert [r.number for r in table.rows] == [2, 4, 5]
    assert [r.get("first_name") for r in table.rows] == ["Ann", "Bo\nb", "Cy"]
    assert table.columns == ("external_id", "first_name")


def test_semicolon_csv_with_bom_is_read(tmp_path: Path) -> None:
    f = _write(tmp_path / "c.csv", "external_id;zip;colour\r\nA1; 27701 ;red\r\n", "utf-8-sig")
    table = read_table(f, required=["external_id"], known=KNOWN)
    assert table.rows[0].cells == {"external_id": "A1", "zip": "27701", "colour": "red"}
    assert table.unknown_columns == ("colour",)


def test_short_rows_read_missing_cells_as_empty(tmp_path: Path) -> None:
    f = _write(tmp_path / "c.csv", "external_id,zip\nA1\n")
    assert read_table(f, required=[], known=KNOWN).rows[0].get("zip") == ""


def test_xlsx_first_sheet_numbers_and_dates(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["EXTERNAL_ID", "date_of_birth", "zip"])
    ws.append(["X1", date(1950, 2, 3), 27701])
    ws.append([None, None, None])
    ws.append(["X2", datetime(1960, 5, 6, 0, 0), "02134"])
    wb.create_sheet("ignored").append(["nothing"])
    path = tmp_path / "c.xlsx"
    wb.save(path)
    table = read_table(path, required=["external_id"], known=KNOWN)
    assert [r.number for r in table.rows] == [2, 4]
    assert table.rows[0].cells == {
        "external_id": "X1",
        "date_of_birth": "1950-02-03T00:00:00",
        "zip": "27701",
    }
    assert table.rows[1].get("zip") == "02134"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n  \n", "empty"),
        (b"external_id\n", "no data rows"),
        (b"first_name\nAnn\n", "missing required column(s) external_id"),
        (b"external_id,External ID\n1,2\n", "appears twice"),
        ("external_id\nJos\xe9\n".encode("latin-1"), "not readable as UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-style Excel"),
        (b"PK\x03\x04garbage", "not a readable XLSX"),
        (b"\x00\x01\x02binary", "binary data"),
    ],
)
def test_unusable_files_raise_a_user_error_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match=r"input\.csv") as err:
        read_table(path, required=["external_id"], known=KNOWN)
    assert message in str(err.value)


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="file not found"):
        read_table(tmp_path / "nope.csv", required=[], known=KNOWN)


@given(st.text(alphabet=" \t-_abcXYZ", min_size=1, max_size=20))
def test_header_normalising_is_idempotent_and_case_blind(name: str) -> None:
    once = normalise_header(name)
    assert normalise_header(once) == once
    assert normalise_header(name.upper()) == once
    assert once == once.strip()


def test_nul_characters_anywhere_are_refused_with_row_and_column(tmp_path: Path) -> None:
    """Past the first 4 KB (where the binary-file check looks) too: every cell is named."""
    filler = "".join(f"F{i},Ann,Able\n" for i in range(1000))  # well over 4 KB
    path = tmp_path / "c.csv"
    path.write_text(
        "external_id,first_name,last_name\n" + filler + "X1,Bo\x00b,Baker\nX2,Cy,Co\x00le\n",
        encoding="utf-8",
    )
    assert path.stat().st_size > 8192
    with pytest.raises(InputFileError) as caught:
        read_table(path, required=["external_id"], known=["first_name", "last_name"])
    message = str(caught.value)
    assert "row 1002, column 'first_name'" in message
    assert "row 1003, column 'last_name'" in message
    assert "NUL characters" in message and len(caught.value.problems) == 2


def test_nul_characters_in_an_unnamed_column_give_its_number(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    filler = "".join(f"F{i},,Able\n" for i in range(1000))  # past the binary-file check
    path.write_text("external_id,,last_name\n" + filler + "X1,\x00,Baker\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 1002, column '#2'"):
        read_table(path, required=["external_id"], known=["last_name"])


@settings(max_examples=300)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.sampled_from(list('a0 é",;\t\r\n\x00\x1f')), max_size=12),
            max_size=5,
        ),
        max_size=8,
    ),
    st.integers(min_value=0, max_value=6000),
)
def test_any_csv_is_read_or_refused_and_never_yields_a_nul(
    rows: list[list[str]], padding: int
) -> None:
    """Any text (control characters, quotes, NULs past the binary-file check) is read into a
    table without NULs, or refused with a UserError."""
    import csv
    import io
    import tempfile

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "first_name"])
    writer.writerow(["pad", "x" * padding])  # pushes later NULs past the first 4 KB
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        try:
            table = read_table(path, required=["external_id"], known=["first_name"])
        except UserError:
            return
    assert not [v for row in table.rows for v in row.cells.values() if "\x00" in v]
