"""Crew route sheets as PDF, read back as a user would see them (poppler's pdftotext and
pdftoppm), plus print preview and the print-options dialog (offscreen)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from caseload.actor import Actor, Role
from caseload.planning.sheets import build_crew_sheets
from caseload.store.database import Database
from desktop.printing.preview import SheetPrintOptionsDialog, print_sheets, show_print_preview
from desktop.printing.route_sheet import write_crew_pdfs, write_sheets_pdf
from tests.caseload.sheets_data import FIRST, LAST, make_plan_day, sample_sheet

PHONE = re.compile(r"\d{3}-\d{3}-\d{4}")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install poppler-utils (apt-get install -y poppler-utils)")
    return found


def pdf_pages_text(path: Path) -> list[str]:
    """Text of each page (pdftotext -layout), NFKC-normalised (ligatures such as 'ﬁ' split)."""
    out = subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [unicodedata.normalize("NFKC", page) for page in out.split("\f")[:-1]]


def page_png(path: Path, tmp_path: Path, page: int = 1, dpi: int = 60) -> QImage:
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        [_tool("pdftoppm"), "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
         "-singlefile", str(path), str(prefix)],
        check=True,
    )  # fmt: skip
    image = QImage(str(prefix.with_suffix(".png")))
    assert not image.isNull()
    return image


def count_pixels(
    image: QImage, box: tuple[float, float, float, float], keep: Callable[[int, int, int], bool]
) -> int:
    """Pixels in the fractional box (x0, y0, x1, y1) whose RGB satisfies `keep`."""
    x0, y0 = int(box[0] * image.width()), int(box[1] * image.height())
    x1, y1 = int(box[2] * image.width()), int(box[3] * image.height())
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data, stride = bytes(rgb.constBits()), rgb.bytesPerLine()
    count = 0
    for y in range(y0, y1):
        row = y * stride
        for x in range(x0, x1):
            r, g, b = data[row + 3 * x], data[row + 3 * x + 1], data[row + 3 * x + 2]
            count += keep(r, g, b)
    return count


MAP_BOX = (0.08, 0.14, 0.92, 0.33)  # where the route map sits on page 1 (Letter)


def _route_blue(r: int, g: int, b: int) -> bool:
    return b > 120 and b - r > 60


def _non_white(r: int, g: int, b: int) -> bool:
    return min(r, g, b) < 200


def _indices_increase(text: str, tokens: list[str]) -> bool:
    positions = [text.find(t) for t in tokens]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


@pytest.fixture(autouse=True)
def _app(qapp: QApplication) -> QApplication:
    """Text layout needs a QGuiApplication; pytest-qt's QApplication serves."""
    return qapp


def test_stop_order_times_and_names_match_the_sheet(tmp_path: Path) -> None:
    sheet = sample_sheet(5)
    path = write_sheets_pdf([sheet], tmp_path / "medic-1.pdf")
    (text,) = pdf_pages_text(path)
    assert "Medic 1" in text and "Friday 20 November 2026" in text
    assert "Paula Medic + Sam Peer" in text and "Plan version 3" in text
    assert "Shift: 08:00–16:30" in text and "Station 1 (Main St)" in text
    assert "5 stops · driving 40 min · back at base 09:32" in text
    assert "Page 1 of 1" in text
    etas = [f"{s.eta:%H:%M}" for s in sheet.stops if s.eta]
    assert _indices_increase(text, etas)
    last_names = [s.client_name.split()[-1] for s in sheet.stops]
    assert _indices_increase(text, last_names)
    for stop in sheet.stops:
        assert stop.phone in text
        assert f"age {stop.age}" in text
    assert "Usual place:" in text and "camp 2" in text
    assert "Dog on" in text and "knock" in text  # safety notes
    assert "overdose 41 h ago" in text


def test_phi_minimised_pdf_has_no_names_or_phone_numbers(tmp_path: Path) -> None:
    sheet = sample_sheet(8, minimised=True)
    text = "\n".join(pdf_pages_text(write_sheets_pdf([sheet], tmp_path / "min.pdf")))
    for name in FIRST + LAST:
        assert name not in text
    assert not PHONE.search(text)
    assert not re.search(r"\bage \d", text)
    assert "M. Q." in text and "PHI-MINIMISED" in text
    assert "Dog on" in text  # safety flags kept
    assert "Elm St" in text  # the crew still needs to find them


def test_full_sheet_would_fail_the_minimised_checks(tmp_path: Path) -> None:
    """The checks above can fail: the full sheet shows names and phone numbers."""
    (text,) = pdf_pages_text(write_sheets_pdf([sample_sheet(3)], tmp_path / "full.pdf"))
    assert PHONE.search(text) and "Marisol" in text


def test_route_map_is_drawn_on_page_one(tmp_path: Path) -> None:
    path = write_sheets_pdf([sample_sheet(8)], tmp_path / "map.pdf")
    image = page_png(path, tmp_path)
    assert count_pixels(image, MAP_BOX, _non_white) > 500
    assert count_pixels(image, MAP_BOX, _route_blue) > 150


def test_map_without_positions_has_no_route(tmp_path: Path) -> None:
    """Control for the map check: with no positions no route is drawn in that box."""
    sheet = sample_sheet(3)
    sheet = dataclasses.replace(
        sheet,
        base=None,
        route=(),
        stops=tuple(dataclasses.replace(s, location=None, navigation_url="") for s in sheet.stops),
    )
    path = write_sheets_pdf([sheet], tmp_path / "nomap.pdf")
    image = page_png(path, tmp_path)
    assert count_pixels(image, MAP_BOX, _route_blue) < 20


def test_long_day_flows_onto_more_pages_with_the_header_repeated(tmp_path: Path) -> None:
    sheet = sample_sheet(40)
    pages = pdf_pages_text(write_sheets_pdf([sheet], tmp_path / "long.pdf"))
    assert len(pages) >= 3
    for i, page in enumerate(pages, start=1):
        assert "Medic 1" in page and "Friday 20 November 2026" in page
        assert "Where to find them" in page  # the table's column headings
        assert f"Page {i} of {len(pages)}" in page
    everything = "\n".join(pages)
    etas = [f"{s.eta:%H:%M}" for s in sheet.stops if s.eta]
    assert _indices_increase(everything, etas)
    # No stop is lost or printed twice across the page breaks.
    assert all(everything.count(stop.phone) == 1 for stop in sheet.stops)


def test_several_crews_in_one_pdf_each_start_a_page(tmp_path: Path) -> None:
    sheets = [sample_sheet(3, crew_name="Medic 1"),
              sample_sheet(3, crew_name="Medic 2", first_client=3)]  # fmt: skip
    pages = pdf_pages_text(write_sheets_pdf(sheets, tmp_path / "all.pdf"))
    assert len(pages) == 2
    assert "Medic 1" in pages[0] and "Medic 2" not in pages[0]
    assert "Medic 2" in pages[1] and "Page 1 of 1" in pages[1]


@pytest.mark.parametrize(
    ("paper", "expected"), [("Letter", "612 x 792 pts (letter)"), ("A4", "595 x 842 pts (A4)")]
)
def test_paper_size(tmp_path: Path, paper: str, expected: str) -> None:
    path = write_sheets_pdf([sample_sheet(2)], tmp_path / "p.pdf", paper_size=paper)
    info = subprocess.run(
        [_tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert expected in info


def test_one_pdf_per_crew_with_progress_and_cancel(tmp_path: Path) -> None:
    sheets = [sample_sheet(2, crew_name="Medic 1"), sample_sheet(2, crew_name="Medic 2")]
    seen: list[tuple[int, int]] = []
    paths = write_crew_pdfs(sheets, tmp_path / "out", progress=lambda d, t, _m: seen.append((d, t)))
    assert [p.name for p in paths] == ["2026-11-20-medic-1.pdf", "2026-11-20-medic-2.pdf"]
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    assert "Medic 2" in pdf_pages_text(paths[1])[0]
    cancelled = threading.Event()
    cancelled.set()
    assert write_crew_pdfs(sheets, tmp_path / "none", cancel=cancelled) == []


def test_pdfs_can_be_written_from_a_worker_thread(tmp_path: Path) -> None:
    results: list[Path] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.extend(write_crew_pdfs([sample_sheet(4)], tmp_path / "w"))
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not errors and len(results) == 1
    assert "Marisol" in pdf_pages_text(results[0])[0]


def test_sheets_built_from_the_database_print(sqlite_db: Database, tmp_path: Path) -> None:
    day = make_plan_day(sqlite_db, crews=2, stops_per_crew=3)
    actor = Actor(user_id="pm.jones", role=Role.PROGRAM_MANAGER)
    sheets = build_crew_sheets(sqlite_db, day.plan_id, actor, phi_minimised=False)
    paths = write_crew_pdfs(sheets, tmp_path)
    for path, sheet in zip(paths, sheets, strict=True):
        (text,) = pdf_pages_text(path)
        want = day.crews[sheet.crew_name]
        assert _indices_increase(text, [f"{w.arrival:%H:%M}" for w in want])
        assert _indices_increase(text, [w.full_name.split()[-1] for w in want])
        assert all(w.phone in text for w in want)


# --- printing in the app ----------------------------------------------------------------------


def test_print_to_a_pdf_printer(tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_sheets(printer, [sample_sheet(3)]) == 1
    assert "Marisol" in pdf_pages_text(tmp_path / "printed.pdf")[0]


def test_print_preview_paints_the_sheets(qtbot: QtBot) -> None:
    dialog = show_print_preview(None, [sample_sheet(3), sample_sheet(40, crew_name="Medic 2")])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pages_painted >= 4, timeout=10_000)
    dialog.close()


def test_print_options_dialog(qtbot: QtBot) -> None:
    dialog = SheetPrintOptionsDialog(None, ["Medic 1", "Medic 2"], phi_minimised=True,
                                     paper_size="a4")  # fmt: skip
    qtbot.addWidget(dialog)
    options = dialog.options()
    assert options.phi_minimised and options.paper_size == "A4"
    assert options.crews == ("Medic 1", "Medic 2")
    dialog.full_button.setChecked(True)
    dialog.crew_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.options().crews == ("Medic 2",) and not dialog.options().phi_minimised
    dialog.crew_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()  # nothing to print


def test_qr_image_matches_the_code_matrix() -> None:
    """Every module of the printed QR code has the colour the QR matrix gives it."""
    import qrcode

    from desktop.printing.qr import MODULE_PX, qr_image

    url = "geo:35.994000,-78.898600"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=2)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    image = qr_image(url)
    assert image.width() == image.height() == len(matrix) * MODULE_PX
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            colour = image.pixelColor(x * MODULE_PX + MODULE_PX // 2, y * MODULE_PX + 2)
            assert (colour.lightness() < 128) == dark


def _long_note(chars: int) -> str:
    """Numbered words (so each can be found in the PDF) ending with the line that matters."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars - 34:
        words.append(f"n{len(words):04d}")
    return " ".join(words) + " FIREARM IN HOME - TWO PERSON VISIT"


def test_a_3000_character_safety_note_prints_in_full(tmp_path: Path) -> None:
    """Every word of a long note is on the sheet, the end included, and the note goes on
    under its stop marked 'continued' instead of being clipped at the page edge."""
    sheet = sample_sheet(4)
    note = _long_note(3000)
    assert len(note) >= 3000
    stops = list(sheet.stops)
    stops[1] = dataclasses.replace(stops[1], safety_notes=note)
    path = write_sheets_pdf([dataclasses.replace(sheet, stops=tuple(stops))], tmp_path / "n.pdf")
    pages = pdf_pages_text(path)
    text = "\n".join(pages)
    missing = [w for w in note.split() if w.startswith("n0") and w not in text]
    assert missing == []
    assert "FIREARM IN HOME - TWO PERSON VISIT" in " ".join(text.split())
    assert "Stop 2 safety note (continued)" in text
    assert "below)" in text  # the cell says "… (continued below)" (wrapped in its column)
    # Every stop is still on the sheet, after the note.
    assert all(text.count(stop.phone) == 1 for stop in sheet.stops)


def test_a_safety_note_longer_than_the_page_flows_onto_the_next_page(tmp_path: Path) -> None:
    """A note that cannot fit on what is left of page 1 goes on at the top of page 2, under
    the repeated header and column headings, marked 'continued'; the stop after it follows."""
    sheet = sample_sheet(6)
    note = _long_note(4000)
    stops = list(sheet.stops)
    stops[2] = dataclasses.replace(stops[2], safety_notes=note)
    path = write_sheets_pdf([dataclasses.replace(sheet, stops=tuple(stops))], tmp_path / "f.pdf")
    pages = pdf_pages_text(path)
    assert len(pages) >= 2
    assert "Stop 3 safety note (continued)" in pages[1]
    assert "FIREARM IN HOME" in " ".join("\n".join(pages[1:]).split())
    assert sheet.crew_name in pages[1] and "Safety" in pages[1]
    last_word = [w for w in note.split() if w.startswith("n0")][-1]
    assert last_word in "\n".join(pages)
    # The page with the note's end is drawn: yellow safety highlight near its top.
    image = page_png(path, tmp_path, page=2)
    yellow = count_pixels(
        image, (0.05, 0.1, 0.95, 0.5), lambda r, g, b: r > 230 and g > 200 and b < 150
    )
    assert yellow > 500
