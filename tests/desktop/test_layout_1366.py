"""Nothing is cut off at 1366x768: the caseload, the routes, the visits to plan, the unplanned
visits and the balance moves fit their width (long text elides; the full text is the cell's
tooltip and, one click away, the wrapping detail area); the version list says "N stops"; the
window opens sized to the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QTableView, QTreeView

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.planning.model import PlanVersionInfo
from caseload.store.database import open_database
from desktop.main_window import BALANCE_PAGE, PLAN_PAGE, MainWindow
from desktop.plan.layout import PlanPageLayout
from desktop.plan.page import PlanPage


def no_sideways_scrolling(view: QAbstractItemView) -> None:
    header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    assert isinstance(view, (QTableView, QTreeView))
    used = sum(
        header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c)
    )
    assert used <= view.viewport().width(), (
        f"{type(view).__name__}: {used} px in {view.viewport().width()}"
    )
    assert view.horizontalScrollBar().maximum() == 0


def test_every_list_fits_its_width_at_1366x768(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closing with the unsaved plan asks first: answer Discard.
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Discard)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=5, clients=80)
    db.dispose()
    window = MainWindow(url)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(
        lambda: window.caseload_page is not None and window.caseload_page.model.rowCount() > 0,
        timeout=20_000,
    )
    caseload = window.caseload_page
    assert caseload is not None
    caseload.splitter.setSizes([1000, 340])
    qtbot.wait(50)
    no_sideways_scrolling(caseload.table)

    window.show_page(PLAN_PAGE)
    page = window.plan_page
    assert isinstance(page, PlanPage)
    page.solution_limit = 100
    qtbot.waitUntil(lambda: page.ui.candidates.rowCount() > 0, timeout=20_000)
    with qtbot.waitSignal(page.plan_shown, timeout=60_000):
        page.plan()
    qtbot.waitUntil(lambda: not page.solving, timeout=5_000)
    page.ui.route_view.expandAll()
    qtbot.wait(50)
    for view in (page.ui.route_view, page.ui.candidate_view, page.ui.unassigned_view):
        no_sideways_scrolling(view)

    # Why, Purpose and the deadline of a stop: elided in the row, whole in the detail area.
    plan = page.state.plan
    assert plan is not None
    stop = next(s for r in plan.routes for s in r.stops if s.reasons)
    index = page.ui.routes.index_of_key(stop.key)
    page.ui.route_view.setCurrentIndex(index)
    detail = page.ui.detail.text()
    assert all(reason.replace("&", "&amp;") in detail for reason in stop.reasons)
    assert stop.purpose in detail
    why = index.siblingAtColumn(page.ui.routes.WHY)
    assert all(r in why.data(Qt.ItemDataRole.ToolTipRole) for r in stop.reasons)
    assert page.ui.detail.wordWrap()

    window.show_page(BALANCE_PAGE)
    balance = window.rebalance_page
    qtbot.waitUntil(lambda: balance.snapshot is not None, timeout=20_000)
    no_sideways_scrolling(balance.table)


def test_the_version_list_says_stops_in_full(qtbot: Any, context: Any) -> None:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    page = PlanPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 740)
    page.show()
    ui: PlanPageLayout = page.ui
    zone = ZoneInfo("America/New_York")
    saved = datetime(2026, 12, 2, 11, 59, tzinfo=zone)
    ui.show_versions(
        [PlanVersionInfo(7, date(2026, 12, 2), 1, saved, "Jordan Whitfield", "", 20, 2)], zone
    )
    text = ui.versions_combo.itemText(1)
    assert text.startswith("v1 · 20 stops")
    qtbot.wait(50)
    ui.versions_combo.setCurrentIndex(1)
    shown = ui.versions_combo.fontMetrics().horizontalAdvance(text)
    assert ui.versions_combo.width() > shown, "the combo is wide enough for its text"


def test_the_window_opens_sized_to_the_screen(qtbot: Any, tmp_path: Path) -> None:
    QSettings().remove("main/geometry")  # a first start: nothing saved
    window = MainWindow(f"sqlite:///{tmp_path / 'empty.db'}", create=True)
    qtbot.addWidget(window)
    free = window.screen().availableGeometry()
    assert window.width() >= free.width() * 0.9 and window.height() >= free.height() * 0.9
    assert window.width() <= free.width() and window.height() <= free.height()
    window.show()  # let it finish opening before the test ends (no work left behind)
    # a new program database: it finishes opening when it asks for its administrator
    qtbot.waitUntil(lambda: window.access.dialog is not None, timeout=10_000)


def test_share_widths_keeps_minimums_and_adds_up() -> None:
    from desktop.column_fit import share_widths

    assert share_widths(300, {1: 1.0, 2: 1.0, 3: 1.0}, 40) == {1: 100, 2: 100, 3: 100}
    assert share_widths(100, {1: 1.0, 2: 9.0}, 40) == {1: 40, 2: 60}
    assert sum(share_widths(517, {4: 1.0, 5: 1.3, 7: 2.0}, 48).values()) == 517
