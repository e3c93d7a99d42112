"""Crew route sheets to PDF or a printer: QTextDocument pages painted by hand.

Every page gets the sheet's header (crew, date, members, shift, base, plan version, printed by
and when) and a footer with "Page i of n". The first page carries the totals line and the route
map; the stop table follows and flows onto further pages, its column headings repeated. Rows
are never split across pages (a stop's QR code stays with its name); the table is paginated
here, row by row, from measured row heights. A long safety note goes on in full-width rows
under its stop ("continued"), which flow onto the next page like any row: nothing is cut.

Works offscreen and in a worker thread: QTextDocument, QPdfWriter, QPainter and QImage only.
A QGuiApplication must exist (`ensure_gui_application()` makes one for headless commands).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextTable,
)

from caseload.errors import UserError
from caseload.planning.exports import crew_file_stems
from caseload.planning.sheets import CrewSheet
from caseload.private_files import create_private_file, part_path, private_dir, remove_partial_files
from desktop.printing import sheet_html
from desktop.printing.pdf_file import require_complete_pdf
from desktop.printing.qr import qr_image
from desktop.printing.route_map import Ring, draw_route_map

Progress = Callable[[int, int, str], None]

PDF_DPI = 300
MARGIN_MM = 10.0
HEADER_GAP_PX_AT_96 = 6
FOOTER_PT = 7.5
PAPER_SIZES = {
    "letter": QPageSize.PageSizeId.Letter,
    "a4": QPageSize.PageSizeId.A4,
}

_app: QGuiApplication | None = None


def ensure_gui_application() -> None:
    """Make a QGuiApplication if none exists (headless `rounds plan`): text layout needs one.
    Without a display the offscreen platform is used. Call from the main thread."""
    global _app
    if QGuiApplication.instance() is not None:
        return
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("create the QGuiApplication on the main thread before printing")
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication([])


def page_size_for(paper_size: str) -> QPageSize:
    """'Letter' or 'A4' (any case) as a QPageSize; anything else is a user error."""
    try:
        return QPageSize(PAPER_SIZES[paper_size.strip().lower()])
    except KeyError:
        raise UserError(
            f"Paper size '{paper_size}' is not supported; expected Letter or A4 "
            "(the program setting paper_size)."
        ) from None


def page_layout_for(paper_size: str) -> QPageLayout:
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    return QPageLayout(
        page_size_for(paper_size),
        QPageLayout.Orientation.Portrait,
        margins,
        QPageLayout.Unit.Millimeter,
    )


# --- layout -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    """The paintable area of a page in device pixels, split into header, body and footer."""

    width: float
    header_h: float
    body_top: float
    body_h: float
    footer_top: float
    scale: float  # device pixels per 1/96 inch


def _document(
    device: QPagedPaintDevice, width: float, html: str, resources: dict[str, QImage] | None = None
) -> QTextDocument:
    """A document laid out for `device` (fonts in points and images in 1/96 inch scale to its
    resolution), with the named images it uses."""
    doc = QTextDocument()
    for name, image in (resources or {}).items():
        if name in html:
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    doc.documentLayout().setPaintDevice(device)
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    doc.setDefaultStyleSheet(sheet_html.STYLE)
    doc.setDocumentMargin(0)
    doc.setTextWidth(width)
    doc.setHtml(html)
    return doc


def _frame(device: QPagedPaintDevice, header: QTextDocument) -> _Frame:
    scale = device.logicalDpiY() / 96.0
    width, height = float(device.width()), float(device.height())
    footer_h = FOOTER_PT / 72.0 * device.logicalDpiY() * 2.2
    header_h = header.size().height()
    body_top = header_h + HEADER_GAP_PX_AT_96 * scale
    return _Frame(
        width=width,
        header_h=header_h,
        body_top=body_top,
        body_h=height - body_top - footer_h,
        footer_top=height - footer_h,
        scale=scale,
    )


def _row_heights(doc: QTextDocument) -> tuple[float, list[float]]:
    """(heading row height, each stop row's height) of the single table in `doc`."""
    table = next(f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable))
    layout = doc.documentLayout()
    tops = [
        layout.blockBoundingRect(table.cellAt(r, 0).firstCursorPosition().block()).top()
        for r in range(table.rows())
    ]
    bottom = layout.frameBoundingRect(table).bottom()
    edges = [*tops, bottom]
    heights = [b - a for a, b in itertools.pairwise(edges)]
    return heights[0], heights[1:]


def _paginate(first_room: float, room: float, heading: float, rows: Sequence[float]) -> list[int]:
    """How many rows go on each page, greedily, never splitting a row."""
    counts: list[int] = []
    available, used, count = first_room - heading, 0.0, 0
    for height in rows:
        if count and used + height > available:
            counts.append(count)
            available, used, count = room - heading, 0.0, 0
        used += height
        count += 1
    counts.append(count)
    return counts


@dataclass(frozen=True, slots=True)
class _SheetPages:
    header: QTextDocument
    pages: list[QTextDocument]


def _layout_sheet(
    device: QPagedPaintDevice, sheet: CrewSheet, outline: Sequence[Ring]
) -> tuple[_Frame, _SheetPages]:
    header = _document(device, float(device.width()), sheet_html.header_html(sheet))
    frame = _frame(device, header)
    map_width_96 = int(frame.width / frame.scale)
    map_image = draw_route_map(
        sheet,
        int(map_width_96 * 2.5),
        int(sheet_html.MAP_HEIGHT_PX * 2.5),
        outline=outline,
    )
    intro_html = sheet_html.intro_html(sheet, map_width_96)
    resources: dict[str, QImage] = {sheet_html.MAP_RESOURCE: map_image}
    for stop in sheet.stops:
        if stop.navigation_url:
            resources[sheet_html.qr_resource(stop.seq)] = qr_image(stop.navigation_url)

    def page(html: str) -> QTextDocument:
        return _document(device, frame.width, html, resources)

    if not sheet.stops:
        return frame, _SheetPages(header, [page(intro_html + sheet_html.empty_html())])
    rows = [row for i, stop in enumerate(sheet.stops) for row in sheet_html.rows_html(stop, i)]
    table = sheet_html.table_start() + "".join(rows) + sheet_html.TABLE_END
    heading, heights = _row_heights(page(table))
    intro_h = page(intro_html).size().height()
    counts = _paginate(frame.body_h - intro_h, frame.body_h, heading, heights)
    pages: list[QTextDocument] = []
    start = 0
    queue = list(counts)
    while queue:
        count = queue.pop(0)
        prefix = intro_html if not pages else ""
        doc = page(prefix + sheet_html.table_start() + "".join(rows[start : start + count])
                   + sheet_html.TABLE_END)  # fmt: skip
        # Measured heights are exact up to borders: if a page still overflows, carry its last
        # row over to the next page.
        while doc.size().height() > frame.body_h and count > 1:
            count -= 1
            if queue:
                queue[0] += 1
            else:
                queue.append(1)
            doc = page(prefix + sheet_html.table_start() + "".join(rows[start : start + count])
                       + sheet_html.TABLE_END)  # fmt: skip
        pages.append(doc)
        start += count
    return frame, _SheetPages(header, pages)


# --- painting ---------------------------------------------------------------------------------


def _paint_page(
    painter: QPainter,
    frame: _Frame,
    sheet: CrewSheet,
    laid_out: _SheetPages,
    index: int,
) -> None:
    laid_out.header.drawContents(painter, QRectF(0, 0, frame.width, frame.header_h))
    painter.save()
    painter.translate(0, frame.body_top)
    body = laid_out.pages[index]
    # Rows are built to fit a page (long safety notes are split into rows), so nothing is
    # clipped here in practice; the clip only keeps a pathological row off the footer.
    body.drawContents(painter, QRectF(0, 0, frame.width, frame.body_h))
    painter.restore()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(FOOTER_PT)
    painter.setFont(font)
    footer = QRectF(0, frame.footer_top, frame.width, frame.scale * 24)
    left = f"{sheet.crew_name} · {sheet.plan_date:%a %d %b %Y} · plan v{sheet.plan_version}"
    if sheet.phi_minimised:
        left += " · PHI-minimised"
    painter.drawText(footer, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), left)
    painter.drawText(
        footer,
        int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        f"Page {index + 1} of {len(laid_out.pages)}",
    )


def render_sheets(
    device: QPagedPaintDevice,
    sheets: Sequence[CrewSheet],
    *,
    outline: Sequence[Ring] = (),
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Paint `sheets` onto a printer or PDF writer, each crew starting on a new page.
    Returns the number of pages painted (0 when cancelled before the first)."""
    painter = QPainter()
    if not painter.begin(device):
        raise UserError("Cannot start printing: the printer or file could not be opened.")
    pages = 0
    try:
        for i, sheet in enumerate(sheets):
            if cancel is not None and cancel.is_set():
                break
            if progress is not None:
                progress(i, len(sheets), f"Laying out {sheet.crew_name}")
            frame, laid_out = _layout_sheet(device, sheet, outline)
            for index in range(len(laid_out.pages)):
                if pages:
                    device.newPage()
                _paint_page(painter, frame, sheet, laid_out, index)
                pages += 1
        if progress is not None:
            progress(len(sheets), len(sheets), "Done")
    finally:
        painter.end()
    return pages


def write_sheets_pdf(
    sheets: Sequence[CrewSheet],
    path: str | Path,
    *,
    paper_size: str = "Letter",
    outline: Sequence[Ring] = (),
) -> Path:
    """All `sheets` in one PDF (each crew from a new page). Returns the path."""
    ensure_gui_application()
    path = Path(path)
    private_dir(path.parent)
    # 0600 before Qt opens it (Qt keeps the mode): a killed write leaves only a private .part.
    tmp = create_private_file(part_path(path))
    writer = QPdfWriter(str(tmp))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(page_layout_for(paper_size))
    writer.setCreator("MIH Rounds")
    title = ", ".join(s.crew_name for s in sheets)
    writer.setTitle(f"Route sheets {sheets[0].plan_date:%Y-%m-%d}: {title}" if sheets else "")
    try:
        render_sheets(writer, sheets, outline=outline)
        del writer  # the file is complete once the writer is gone
        require_complete_pdf(tmp, path)  # or cut short by a full disk: keep nothing
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_crew_pdfs(
    sheets: Sequence[CrewSheet],
    out_dir: str | Path,
    *,
    paper_size: str = "Letter",
    outline: Sequence[Ring] = (),
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[Path]:
    """One PDF per crew in `out_dir`, named `<date>-<crew>.pdf` (as the ICS files). For "Save all
    sheets as PDF" in a worker: reports progress, stops between crews when `cancel` is set and
    returns the files written so far."""
    out = private_dir(Path(out_dir))
    remove_partial_files(out)  # left by an earlier write that was killed
    written: list[Path] = []
    for i, (sheet, stem) in enumerate(zip(sheets, crew_file_stems(sheets), strict=True)):
        if cancel is not None and cancel.is_set():
            break
        if progress is not None:
            progress(i, len(sheets), f"Writing {sheet.crew_name}")
        written.append(
            write_sheets_pdf([sheet], out / f"{stem}.pdf", paper_size=paper_size, outline=outline)
        )
    if progress is not None:
        progress(len(written), len(sheets), "Done")
    return written
