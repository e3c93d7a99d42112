"""Print preview, printing and the print-options dialog for crew route sheets.

The main window builds the sheets (`caseload.planning.sheets.build_crew_sheets`,
PHI-minimised or full as chosen in `SheetPrintOptionsDialog`) and hands them here:

    dialog = SheetPrintOptionsDialog(parent, crew_names, phi_minimised=..., paper_size=...)
    if dialog.exec():
        opts = dialog.options()
        sheets = [s for s in build_crew_sheets(db, plan_id, actor,
                                               phi_minimised=opts.phi_minimised)
                  if s.crew_name in opts.crews]
        show_print_preview(parent, sheets, paper_size=opts.paper_size)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caseload.planning.sheets import CrewSheet
from desktop.printing.route_map import Ring
from desktop.printing.route_sheet import page_layout_for, render_sheets

PAPER_CHOICES = ("Letter", "A4")


def make_printer(paper_size: str = "Letter") -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout_for(paper_size))
    printer.setDocName("Route sheets")
    return printer


def print_sheets(
    printer: QPrinter, sheets: Sequence[CrewSheet], *, outline: Sequence[Ring] = ()
) -> int:
    """Print `sheets` on `printer` (each crew from a new page). Returns the pages printed."""
    return render_sheets(printer, sheets, outline=outline)


class SheetPrintPreviewDialog(QPrintPreviewDialog):
    """QPrintPreviewDialog over route sheets; its Print button prints them."""

    def __init__(
        self,
        sheets: Sequence[CrewSheet],
        parent: QWidget | None = None,
        *,
        paper_size: str = "Letter",
        outline: Sequence[Ring] = (),
    ) -> None:
        self._printer = make_printer(paper_size)
        super().__init__(self._printer, parent)
        self._sheets = tuple(sheets)
        self._outline = tuple(outline)
        self.pages_painted = 0
        self.setWindowTitle("Route sheets: print preview")
        self.paintRequested.connect(self._on_preview_paint_requested)
        self._size_to_screen()

    def _size_to_screen(self) -> None:
        """Tall enough to read a page (Qt's default is a small window at about 40 %), as wide
        as a page at that height, and zoomed to the page's width."""
        screen = self.screen()
        if screen is not None:
            free = screen.availableGeometry()
            height = int(free.height() * 0.9)
            self.resize(min(int(free.width() * 0.9), max(900, int(height * 0.95))), height)
        preview = self.findChild(QPrintPreviewWidget)
        if preview is not None:
            preview.fitToWidth()

    def _on_preview_paint_requested(self, printer: QPrinter) -> None:
        self.pages_painted = print_sheets(printer, self._sheets, outline=self._outline)


def show_print_preview(
    parent: QWidget | None,
    sheets: Sequence[CrewSheet],
    *,
    paper_size: str = "Letter",
    outline: Sequence[Ring] = (),
) -> SheetPrintPreviewDialog:
    """Open a window-modal print preview of `sheets` (does not block) and return it."""
    dialog = SheetPrintPreviewDialog(sheets, parent, paper_size=paper_size, outline=outline)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


@dataclass(frozen=True, slots=True)
class SheetPrintOptions:
    phi_minimised: bool
    crews: tuple[str, ...]
    paper_size: str


class SheetPrintOptionsDialog(QDialog):
    """Choose full or PHI-minimised sheets, which crews, and the paper size."""

    def __init__(
        self,
        parent: QWidget | None,
        crew_names: Sequence[str],
        *,
        phi_minimised: bool = False,
        paper_size: str = "Letter",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print route sheets")
        self.full_button = QRadioButton("Full sheets: names, ages and phone numbers")
        self.minimised_button = QRadioButton(
            "PHI-minimised: initials only, no phone numbers or ages (for sheets that leave "
            "the building)"
        )
        (self.minimised_button if phi_minimised else self.full_button).setChecked(True)
        self.crew_list = QListWidget()
        for name in crew_names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.crew_list.addItem(item)
        self.paper_combo = QComboBox()
        self.paper_combo.addItems(PAPER_CHOICES)
        matching = [c for c in PAPER_CHOICES if c.lower() == paper_size.strip().lower()]
        self.paper_combo.setCurrentText(matching[0] if matching else PAPER_CHOICES[0])
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.crew_list.itemChanged.connect(self._on_crew_list_item_changed)

        form = QFormLayout()
        form.addRow("Paper size:", self.paper_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("What to print:"))
        layout.addWidget(self.full_button)
        layout.addWidget(self.minimised_button)
        layout.addWidget(QLabel("Crews:"))
        layout.addWidget(self.crew_list)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._on_crew_list_item_changed()

    def _checked_crews(self) -> tuple[str, ...]:
        items = (self.crew_list.item(i) for i in range(self.crew_list.count()))
        return tuple(it.text() for it in items if it.checkState() == Qt.CheckState.Checked)

    def _on_crew_list_item_changed(self, _item: QListWidgetItem | None = None) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self._checked_crews()))

    def options(self) -> SheetPrintOptions:
        return SheetPrintOptions(
            phi_minimised=self.minimised_button.isChecked(),
            crews=self._checked_crews(),
            paper_size=self.paper_combo.currentText(),
        )
