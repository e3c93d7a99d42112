"""The Plan page's status line and unsaved state: a message goes when the state it describes
is gone (an edit after a save, an undo after "cannot fit"); unsaved edits show on the Save
button and through `dirty_changed`; changing the day with unsaved edits asks once."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.plan.page import PlanPage
from tests.desktop.test_plan_page import TODAY, _plan, page  # noqa: F401  (the fixture)


def _tick_another_visit(page: PlanPage) -> None:  # noqa: F811
    model = page.ui.candidates
    row = next(
        r for r in range(model.rowCount()) if model.candidate(r).key not in page.state.selected
    )
    model.setData(model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)


def test_saved_message_goes_when_the_plan_is_edited(qtbot: QtBot, page: PlanPage) -> None:  # noqa: F811
    dirty: list[bool] = []
    page.dirty_changed.connect(dirty.append)
    _plan(qtbot, page)
    assert dirty == [True] and "*" in page.ui.save_button.text()
    page.save_plan()
    qtbot.waitUntil(lambda: "Saved as version 1" in page.ui.status.text(), timeout=10_000)
    assert dirty == [True, False] and "*" not in page.ui.save_button.text()

    _tick_another_visit(page)
    assert page.state.dirty
    assert "Saved as version" not in page.ui.status.text()
    assert "Unsaved changes" in page.ui.status.text()
    assert dirty == [True, False, True] and "*" in page.ui.save_button.text()

    page.undo()  # back to the saved state: clean again, and the line says so
    assert not page.state.dirty
    assert "Unsaved" not in page.ui.status.text() and "Version 1, saved" in page.ui.status.text()
    assert dirty[-1] is False


def test_a_cannot_fit_message_goes_on_undo(qtbot: QtBot, page: PlanPage) -> None:  # noqa: F811
    _plan(qtbot, page)
    before = page.state
    edited = dataclasses.replace(before, dirty=True)
    problem = "Medic 2 cannot fit this visit: the shift ends at 15:00."
    page._transition(lambda: (edited, [problem]), "Move stop to Medic 2")
    assert page.ui.status.text() == problem
    page.undo()
    assert page.state is before
    assert "cannot fit" not in page.ui.status.text()
    assert "visits planned" in page.ui.status.text()


def test_changing_the_day_with_unsaved_edits_asks_once(
    qtbot: QtBot,
    page: PlanPage,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Picking a date in the calendar popup sets it twice (on selection, then on the click);
    one Cancel keeps the day and its plan."""
    _plan(qtbot, page)
    asked: list[str] = []

    def cancel(*_args: object) -> QMessageBox.StandardButton:
        asked.append("asked")
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    calendar = page.ui.date_edit.calendarWidget()
    other = QDate(TODAY.year, TODAY.month, TODAY.day).addDays(1)
    calendar.setSelectedDate(other)  # the popup's selection, as on mouse press
    calendar.clicked.emit(other)  # the click on the same date, as on release
    qtbot.wait(200)
    assert asked == ["asked"]
    assert page.day == TODAY
    assert page.ui.date_edit.date() == QDate(TODAY.year, TODAY.month, TODAY.day)
    assert page.state.plan is not None and page.state.dirty
