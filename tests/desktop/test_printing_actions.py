"""desktop.printing.actions: Print and Save as PDF run their database work on the calling
widget's `TaskRunner` (kept alive there while it runs) and report through it: the preview opens
with the chosen crews' sheets, the PDFs land in the chosen folder, a failure reaches the one
error dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from caseload.actor import Actor, Role
from caseload.planning.sheets import CrewSheet
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from desktop import tasks as tasks_module
from desktop.context import AppContext
from desktop.printing import actions
from desktop.printing.preview import SheetPrintOptionsDialog
from desktop.tasks import TaskRunner
from tests.caseload.sheets_data import make_plan_day

WAIT_MS = 20_000
CREWS = ["Medic 1", "Medic 2"]


@pytest.fixture
def context(sqlite_db: Database) -> AppContext:
    actor = Actor(user_id="pm.jones", role=Role.PROGRAM_MANAGER)
    return AppContext(sqlite_db, actor, ProgramSettings())


@pytest.fixture
def owner(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture(autouse=True)
def options_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The options dialog is accepted as it opens (every crew, the program's defaults)."""
    monkeypatch.setattr(
        SheetPrintOptionsDialog, "exec", lambda _self: SheetPrintOptionsDialog.DialogCode.Accepted
    )


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Errors the runner would show, instead of a modal message box."""
    shown: list[BaseException] = []
    monkeypatch.setattr(tasks_module, "show_error", lambda _parent, exc, **_kw: shown.append(exc))
    return shown


def test_save_pdfs_writes_one_file_per_crew_on_the_owners_runner(
    qtbot: QtBot,
    context: AppContext,
    owner: QWidget,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[BaseException],
) -> None:
    day = make_plan_day(context.db, crews=2, stops_per_crew=2)
    folder = tmp_path / "sheets"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(folder))
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: messages.append(a[2]))
    runner = TaskRunner(owner)

    actions.save_plan_pdfs(owner, runner, context, day.plan_id, CREWS)
    assert runner.busy, "the owner's runner holds the task while it runs"
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT_MS)

    assert sorted(p.suffix for p in folder.iterdir()) == [".pdf", ".pdf"]
    assert messages[0].startswith(f"2 PDF file(s) in {folder}")
    assert not runner.busy and errors == []


def test_print_opens_the_preview_with_the_sheets(
    qtbot: QtBot,
    context: AppContext,
    owner: QWidget,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[BaseException],
) -> None:
    day = make_plan_day(context.db, crews=2, stops_per_crew=2)
    previewed: list[list[CrewSheet]] = []
    monkeypatch.setattr(
        actions, "show_print_preview", lambda _parent, sheets, **_kw: previewed.append(sheets)
    )
    runner = TaskRunner(owner)

    actions.print_plan(owner, runner, context, day.plan_id, CREWS)
    assert runner.busy
    qtbot.waitUntil(lambda: bool(previewed), timeout=WAIT_MS)

    assert [s.crew_name for s in previewed[0]] == CREWS
    assert not runner.busy and errors == []


def test_a_failure_reaches_the_error_dialog_and_opens_no_preview(
    qtbot: QtBot,
    context: AppContext,
    owner: QWidget,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[BaseException],
) -> None:
    day = make_plan_day(context.db, crews=1, stops_per_crew=1)
    previewed: list[object] = []
    monkeypatch.setattr(actions, "show_print_preview", lambda *a, **_kw: previewed.append(a))
    runner = TaskRunner(owner)

    actions.print_plan(owner, runner, context, day.plan_id + 1000, ["Medic 1"])
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)

    assert len(errors) == 1 and previewed == []
    assert not runner.busy
