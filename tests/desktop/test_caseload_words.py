"""The caseload says what it means: program names in the filter, "unassigned" for nobody, a
first contact's deadline under Next due, languages as names (a column, a filter, and a search
for "spanish"); the Add visit dialog and the print preview are readable as they open."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QFormLayout, QLabel

from caseload.enums import Tier
from desktop.caseload_model import CaseloadFilterProxy, CaseloadTableModel, display_text
from desktop.caseload_page import CaseloadPage
from desktop.client_detail import AddVisitDialog
from desktop.printing.preview import SheetPrintPreviewDialog
from tests.desktop.test_caseload_model import make_row
from tests.desktop.test_caseload_page import page  # noqa: F401  (the fixture)

ZONE = ZoneInfo("America/New_York")


def test_program_filter_lists_names_and_filters_by_code(page: CaseloadPage) -> None:  # noqa: F811
    labels = [page.program.itemText(i) for i in range(page.program.count())]
    assert "Overdose follow-up" in labels and "overdose_followup" not in labels
    page.program.setCurrentText("Overdose follow-up")
    shown = [
        page.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole + 2)
        for r in range(page.proxy.rowCount())
    ]
    assert shown and all("overdose_followup" in row.programs for row in shown)


def test_a_client_without_a_clinician_reads_unassigned() -> None:
    row = make_row(1, clinician="", clinician_id=None, tier=Tier.MUST)
    assert display_text(row, 8, date(2026, 3, 16)) == "unassigned"


def test_next_due_shows_a_first_contacts_deadline() -> None:
    today = date(2026, 3, 16)
    due = datetime(2026, 3, 17, 6, 25, tzinfo=ZONE)
    row = make_row(1, tier=Tier.MUST, due_by=due, next_due=date(2026, 4, 1))
    assert display_text(row, 7, today, ZONE) == "due Tue 06:25"
    overdue = replace(row, due_by=datetime(2026, 3, 15, 6, 25, tzinfo=ZONE))
    assert display_text(overdue, 7, today, ZONE) == "due Sun 06:25 (overdue)"
    model = CaseloadTableModel([overdue])
    model.zone = ZONE
    assert model.index(0, 7).data(Qt.ItemDataRole.ForegroundRole) is not None  # red
    assert datetime.now(UTC) > overdue.due_by


def test_languages_have_a_column_a_filter_and_a_search() -> None:
    rows = [make_row(1, languages=("es",)), make_row(2, languages=("en",))]
    model = CaseloadTableModel(rows)
    assert model.index(0, 9).data() == "Spanish"
    proxy = CaseloadFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filters(text="spanish")
    assert proxy.rowCount() == 1 and proxy.index(0, 9).data() == "Spanish"
    proxy.set_filters(language="en")
    assert proxy.rowCount() == 1 and proxy.index(0, 9).data() == "English"


def test_add_visit_dialog_labels_and_date_read_well(qtbot: Any) -> None:
    dialog = AddVisitDialog("A client", date(2026, 12, 2), ZONE)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.layout()
    assert isinstance(form, QFormLayout)
    label = form.labelForField(dialog.window_row)
    assert isinstance(label, QLabel) and label.buddy() is dialog.start  # "&" is a mnemonic
    assert dialog.visit_date.text() == "Wed 2 Dec 2026"


def test_print_preview_opens_large_and_fitted_to_the_page(qtbot: Any) -> None:
    dialog = SheetPrintPreviewDialog([])
    qtbot.addWidget(dialog)
    free = dialog.screen().availableGeometry()
    assert dialog.height() >= free.height() * 0.85
    preview = dialog.findChild(QPrintPreviewWidget)
    assert preview is not None and preview.zoomMode() == QPrintPreviewWidget.ZoomMode.FitToWidth
