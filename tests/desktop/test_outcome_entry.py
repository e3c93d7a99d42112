"""Outcome entry from the Plan page on a demo day, keyboard only: one row per stop in route
sheet order, Enter saves and moves on; a recorded stop is done and locked on the plan; Re-plan
then plans the rest of the day from the crew's last recorded stop and the (injected) time now."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseload import settings
from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.enums import VisitStatus
from caseload.outcomes.service import outcome_history
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import AuditEntry
from desktop import outcomes_dialog as dialog_module
from desktop.context import AppContext
from desktop.outcomes_dialog import OutcomesDialog
from desktop.plan import page as page_module
from desktop.plan.page import PlanPage
from routing import validate
from tests.desktop.test_plan_page import TODAY


@pytest.fixture
def page(qtbot: QtBot, sqlite_db: Database) -> Iterator[PlanPage]:
    create_demo(sqlite_db, local_actor(), seed=5, clients=40, today=TODAY)
    context = AppContext(sqlite_db, local_actor(), settings.load(sqlite_db, ProgramSettings))
    widget = PlanPage(context)
    qtbot.addWidget(widget)
    widget.resize(1366, 740)
    widget.show()
    widget.ui.time_limit.setValue(60)
    widget.solution_limit = 100
    zone = context.program.zone
    widget.now = lambda: datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0, tzinfo=zone)
    widget.ui.date_edit.setDate(TODAY)
    qtbot.waitUntil(
        lambda: widget.ui.candidates.rowCount() > 0 and widget.day == TODAY, timeout=20000
    )
    yield widget


def _plan_and_save(qtbot: QtBot, page: PlanPage) -> None:
    with qtbot.waitSignal(page.plan_shown, timeout=30000):
        page.plan()
    qtbot.waitUntil(lambda: not page.solving, timeout=5000)
    page.save_plan()
    qtbot.waitUntil(lambda: page.state.based_on_version == 1, timeout=10000)
    assert page.ui.outcomes_button.isEnabled()


def _dialog(qtbot: QtBot, page: PlanPage) -> OutcomesDialog:
    page.open_outcomes()
    dialog = page.outcomes_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10000)
    return dialog


def test_keyboard_entry_saves_each_stop_and_moves_on(
    qtbot: QtBot, page: PlanPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(page_module, "show_error", lambda _parent, exc: shown.append(exc))
    _plan_and_save(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    route = next(r for r in plan.routes if len(r.stops) >= 2)
    dialog = _dialog(qtbot, page)
    # Rows follow the route sheets: crew by crew, stop by stop.
    sheet = [(r.crew.name, s.seq) for r in plan.routes for s in r.stops]
    rows = [(dialog.table.item(i, 0).text(), int(dialog.table.item(i, 1).text()))
            for i in range(dialog.table.rowCount())]  # fmt: skip
    assert rows == sheet
    first = rows.index((route.crew.name, 1))
    dialog.table.setCurrentCell(first, 0)
    assert route.stops[1].start < page.now(), "the demo day's first stops are in the morning"

    # Row 1: completed at the planned times, one checklist item ticked with Space, Enter.
    dialog.checklist.setFocus()
    dialog.checklist.setCurrentRow(0)
    qtbot.keyClick(dialog.checklist, Qt.Key.Key_Space)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, "Seen, stable.")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.table.currentRow() == first + 1  # Enter moved to the next stop
    assert dialog.table.item(first, 4).text() == "Completed"

    # Row 2: not found (one Down in the outcome list), where we looked = the routed place.
    dialog.outcome.setFocus()
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Down)
    assert dialog.outcome.currentData() == VisitStatus.NO_CONTACT.value
    assert not dialog.checklist.isEnabled() and dialog.looked.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)
    assert dialog.table.item(first + 1, 4).text().startswith("Attempted – client not found")
    assert shown == []

    ctx = page.context
    [done] = [
        o
        for o in outcome_history(ctx.db, route.stops[0].client_id, ctx.actor)
        if o.visit_date == TODAY
    ]
    assert done.status is VisitStatus.COMPLETED and done.note == "Seen, stable."
    assert len(done.checklist) == 1
    [missed] = [
        o
        for o in outcome_history(ctx.db, route.stops[1].client_id, ctx.actor)
        if o.visit_date == TODAY
    ]
    assert missed.status is VisitStatus.NO_CONTACT and missed.looked_where

    # The Plan page: both stops are done and locked; moving one is refused with the reason.
    qtbot.waitUntil(lambda: len(page.session.done) == 2, timeout=10000)
    index = page.ui.routes.index_of_key(route.stops[0].key)
    flags = page.ui.routes.index(index.row(), 7, index.parent()).data()
    assert flags.startswith("✔ Completed")
    page.remove(route.stops[0].key)
    assert "is done (Completed)" in str(shown[-1])
    dialog.close()


def test_replan_goes_on_from_the_last_recorded_stop_at_now(
    qtbot: QtBot, page: PlanPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(page_module, "show_error", lambda _parent, exc: shown.append(exc))
    _plan_and_save(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    route = next(r for r in plan.routes if r.stops)
    dialog = _dialog(qtbot, page)
    rows = [(dialog.table.item(i, 0).text(), dialog.table.item(i, 1).text())
            for i in range(dialog.table.rowCount())]  # fmt: skip
    dialog.table.setCurrentCell(rows.index((route.crew.name, "1")), 0)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)
    dialog.close()
    qtbot.waitUntil(lambda: len(page.session.done) == 1, timeout=10000)

    with qtbot.waitSignal(page.solving_changed, timeout=60000) as finished:
        page.replan()
        qtbot.waitUntil(lambda: not page.solving, timeout=60000)
    del finished
    again = page.state.plan
    assert again is not None and again is not plan and shown == []
    assert again.basis is not None
    assert validate(again.basis.built.problem, again.basis.solution) == []
    now = page.now()
    for r in again.routes:
        rest = r.stops
        if r.crew.name == route.crew.name:
            head = r.stops[0]
            assert head.key == route.stops[0].key and head.locked
            rest = r.stops[1:]
        assert all(s.start >= now for s in rest)
    assert "Re-planned from 12:00" in page.ui.status.text()
    assert page.state.dirty  # a new version to save and hand out


def test_a_recorded_row_is_corrected_with_a_reason_and_an_unplanned_contact_recorded(
    qtbot: QtBot, page: PlanPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr(dialog_module, "show_error", lambda _parent, exc: shown.append(exc))
    _plan_and_save(qtbot, page)
    dialog = _dialog(qtbot, page)
    dialog.table.setCurrentCell(0, 0)
    stop = dialog.stops[0]
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(VisitStatus.REFUSED.value))
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)
    dialog.table.setCurrentCell(0, 0)  # back to the recorded row: a correction now
    assert dialog.why.isEnabled() and "Correct" in dialog.save_button.text()
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(VisitStatus.COMPLETED.value))
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)  # no reason: refused, nothing changes
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "Why" in str(shown[-1])
    dialog.why.setText("Entered on the wrong row")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.keyClick(dialog.why, Qt.Key.Key_Return)
    assert dialog.table.item(0, 4).text() == "Completed"
    ctx = page.context
    [today] = [
        o for o in outcome_history(ctx.db, stop.client_id, ctx.actor) if o.visit_date == TODAY
    ]
    assert today.status is VisitStatus.COMPLETED
    with ctx.db.session() as s:
        [audit] = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "visit.outcome.correct")
        ).all()
        assert "was: status=refused" in audit.details and "why: Entered on the wrong row" in (
            audit.details
        )

    # Someone met on the street, not on any route.
    routed = {s.client_id for s in dialog.stops}
    other = next(
        i for i in range(dialog.unplanned_client.count())
        if dialog.unplanned_client.itemData(i) not in routed
    )  # fmt: skip
    client_id = dialog.unplanned_client.itemData(other)
    dialog.unplanned_client.setCurrentIndex(other)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(VisitStatus.COMPLETED.value))
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.unplanned_button.click()
    assert "Unplanned contact with" in dialog.status.text()
    [contact] = [o for o in outcome_history(ctx.db, client_id, ctx.actor) if o.visit_date == TODAY]
    assert contact.unplanned and contact.status is VisitStatus.COMPLETED
    assert len(shown) == 1
    dialog.close()
