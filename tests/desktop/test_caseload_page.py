"""The caseload page over a demo database: rows load in the background, the detail panel
explains the priority, edits save with version checks, visits can be added."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QMessageBox

from caseload.actor import local_actor
from caseload.clients import ClientEdit, client_detail, update_client
from caseload.demo.create import create_demo
from caseload.errors import ConflictError
from desktop import caseload_page, tasks
from desktop.caseload_model import COLUMNS, ROW_ROLE
from desktop.caseload_page import CaseloadPage
from desktop.client_detail import AddVisitDialog
from desktop.context import AppContext
from tests.desktop.artifacts import save_screenshot

CLIENTS = 40


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    # The page's TaskRunner shows failures in the app's error dialog.
    monkeypatch.setattr(tasks, "show_error", lambda _parent, exc, **_kw: shown.append(exc))
    return shown


@pytest.fixture
def page(qtbot: Any, context: AppContext) -> CaseloadPage:
    create_demo(context.db, context.actor, seed=11, clients=CLIENTS, today=context.today())
    widget = CaseloadPage(context)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    with qtbot.waitSignal(widget.rows_loaded, timeout=10_000):
        widget.refresh()
    return widget


def select_and_wait(qtbot: Any, page: CaseloadPage, row: int) -> None:
    with qtbot.waitSignal(page.detail_loaded, timeout=10_000):
        page.table.selectRow(row)


def test_rows_appear_most_urgent_first(page: CaseloadPage) -> None:
    assert page.model.rowCount() == CLIENTS
    rows = page.model.rows()
    must = sum(r.tier.value == "MUST" for r in rows)
    high = sum(r.tier.value == "HIGH" for r in rows)
    assert page.count_label.text() == (
        f"{CLIENTS} of {CLIENTS} clients · ranked for {page.day:%a %d %b} · "
        f"{must} MUST, {high} HIGH"
    )
    tiers = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert tiers[0] == "MUST"
    assert tiers == sorted(tiers, key=["MUST", "HIGH", "ROUTINE"].index)
    assert page.clinician.count() > 1  # "All" plus the demo's clinicians


def test_selecting_a_row_shows_the_priority_reasons(qtbot: Any, page: CaseloadPage) -> None:
    row = page.proxy.index(0, 0).data(ROW_ROLE)
    select_and_wait(qtbot, page, 0)
    text = page.detail.summary.toPlainText()
    assert row.name in text
    assert f"Priority: {row.tier.value}, score {row.score:.0f}" in text
    detail = page.detail.detail
    assert detail is not None and detail.priority is not None
    for reason in detail.priority.reasons:
        assert reason.label in text
    zone = page.context.program.zone
    for event in detail.events[:3]:  # event times in the program's zone, not the machine's
        assert f"{event.occurred_at.astimezone(zone):%d %b %Y %H:%M}" in text
    assert page.detail.form.first_name.text() == detail.first_name
    assert page.detail.add_visit_button.isEnabled()


def test_filters_in_the_ui_narrow_the_table(qtbot: Any, page: CaseloadPage) -> None:
    page.tier.setCurrentText("MUST")
    shown = {page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())}
    assert shown == {"MUST"}
    assert f"of {CLIENTS} clients · ranked for " in page.count_label.text()
    page.tier.setCurrentText("All")
    name = page.proxy.index(5, 2).data()
    page.search.setText(name)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1)
    assert page.proxy.index(0, 2).data() == name


def test_editing_a_field_saves_and_bumps_the_version(
    qtbot: Any, page: CaseloadPage, errors: list[BaseException]
) -> None:
    select_and_wait(qtbot, page, 2)
    before = page.detail.detail
    assert before is not None
    page.detail.form.phone.setText("919-555-0142")
    page.detail.form.safety.setPlainText("Two-person visit")
    page.detail.form.save_button.click()
    qtbot.waitUntil(
        lambda: page.detail.detail is not None and page.detail.detail.version == before.version + 1,
        timeout=10_000,
    )
    assert errors == []
    stored = client_detail(page.context.db, before.client_id, page.day, local_actor())
    assert (stored.phone, stored.safety_notes) == ("919-555-0142", "Two-person visit")
    assert "Two-person visit" in page.detail.summary.toPlainText()


def test_a_stale_edit_shows_the_conflict_and_keeps_the_other_change(
    qtbot: Any, page: CaseloadPage, errors: list[BaseException]
) -> None:
    select_and_wait(qtbot, page, 1)
    detail = page.detail.detail
    assert detail is not None
    update_client(  # someone else, behind the page's back
        page.context.db, local_actor(), detail.client_id, detail.version, ClientEdit(phone="111")
    )
    page.detail.form.phone.setText("222")
    page.detail.form.save_button.click()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], ConflictError)
    assert "changed by someone else" in str(errors[0])
    assert client_detail(page.context.db, detail.client_id, page.day, local_actor()).phone == "111"


def test_add_visit_schedules_a_fixed_appointment(
    qtbot: Any, page: CaseloadPage, monkeypatch: pytest.MonkeyPatch, errors: list[BaseException]
) -> None:
    class FilledDialog(AddVisitDialog):
        def exec(self) -> int:
            self.purpose.setText("Wound check")
            self.fixed.setChecked(True)
            return int(QDialog.DialogCode.Accepted.value)

    infos: list[str] = []
    monkeypatch.setattr(caseload_page, "AddVisitDialog", FilledDialog)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, _t: infos.append(title))
    select_and_wait(qtbot, page, 0)
    detail = page.detail.detail
    assert detail is not None
    page.detail.add_visit_button.click()
    qtbot.waitUntil(lambda: infos == ["Visit added"], timeout=10_000)
    assert errors == []
    visits = client_detail(page.context.db, detail.client_id, page.day, local_actor()).visits
    added = [v for v in visits if v.purpose == "Wound check"]
    assert len(added) == 1
    assert added[0].visit_date == page.day and added[0].status == "planned"
    assert added[0].window_start is not None and added[0].window_end is not None


def test_screenshot_at_1366x768(qtbot: Any, page: CaseloadPage) -> None:
    """Saves test-artifacts/caseload_page.png (look at it) with a client selected."""
    page.resize(1366, 720)  # the main window's tab area at 1366x768
    select_and_wait(qtbot, page, 0)
    path = save_screenshot(page, "caseload_page")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1366, 720)
    # the table is laid out with every column visible at this size
    header = page.table.horizontalHeader()
    assert (
        header.sectionViewportPosition(len(COLUMNS) - 1) + header.sectionSize(len(COLUMNS) - 1)
        <= page.table.viewport().width()
    )
