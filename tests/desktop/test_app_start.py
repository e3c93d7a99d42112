"""Starting the app as a user does: `rounds --demo` creates a fresh demo program and opens on
it; the Plan and Caseload balance pages are built when first opened; window state persists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from caseload.store import database
from desktop.app import open_main_window
from desktop.main_window import MainWindow
from desktop.plan.page import PlanPage
from desktop.rebalance_view import RebalanceView
from tests.desktop.access_helpers import create_first_administrator


def test_demo_start_creates_the_program_and_opens_the_caseload(qtbot: Any, tmp_path: Path) -> None:
    window = MainWindow(f"sqlite:///{tmp_path / 'demo.db'}", create_demo=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(
        lambda: window.caseload_page is not None and window.caseload_page.model.rowCount() > 100,
        timeout=60_000,
    )
    assert window.stack.currentWidget() is window.tabs
    assert window.caseload_page is not None
    tiers = {
        window.caseload_page.model.row_at(r).tier.value
        for r in range(window.caseload_page.model.rowCount())
    }
    assert {"MUST", "HIGH"} <= tiers
    # Pages behind the other tabs do not exist until opened (quick start-up)...
    assert window.plan_page is None and window.rebalance_page is None
    window.tabs.setCurrentIndex(1)
    assert isinstance(window.plan_page, PlanPage)
    assert window.tabs.currentWidget() is window.plan_page
    plan_page = window.plan_page
    qtbot.waitUntil(lambda: plan_page.ui.candidates.rowCount() > 0, timeout=30_000)
    window.tabs.setCurrentIndex(2)
    assert isinstance(window.rebalance_page, RebalanceView)
    assert [window.tabs.tabText(i) for i in range(3)] == [
        "&Caseload",
        "&Plan the day",
        "Caseload &balance",
    ]


def test_window_geometry_and_tab_persist(qtbot: Any, tmp_path: Path) -> None:
    window = MainWindow(f"sqlite:///{tmp_path / 'demo.db'}", create_demo=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.caseload_page is not None, timeout=60_000)
    window.resize(1100, 700)
    window.tabs.setCurrentIndex(1)
    window.close()
    state = QSettings()
    assert int(state.value("main/tab")) == 1
    assert not state.value("main/geometry").isEmpty()  # restored by the next window
    again = MainWindow(f"sqlite:///{tmp_path / 'demo.db'}")
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.caseload_page is not None, timeout=30_000)
    assert again.tabs.currentIndex() == 1
    assert isinstance(again.plan_page, PlanPage)


def test_saved_settings_reach_every_page(qtbot: Any, tmp_path: Path) -> None:
    import dataclasses

    window = MainWindow(f"sqlite:///{tmp_path / 'demo.db'}", create_demo=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.caseload_page is not None, timeout=60_000)
    window.tabs.setCurrentIndex(1)
    assert window.context is not None and window.plan_page is not None
    changed = dataclasses.replace(window.context.program, program_name="Durham County CP")
    window._on_settings_saved(changed)
    assert window.windowTitle() == "MIH Rounds — Durham County CP"
    assert window.plan_page.context.program.program_name == "Durham County CP"
    assert window.caseload_page is not None
    assert window.caseload_page.context.program.program_name == "Durham County CP"


def test_a_new_users_first_start_creates_the_default_database(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rounds` with no --db on a new machine: the default database is created (default
    programs and settings) and its first start asks for the administrator."""
    default = tmp_path / "user-data" / "rounds.db"
    monkeypatch.delenv("ROUNDS_DB", raising=False)
    monkeypatch.setattr(database, "default_database_path", lambda: default)
    window = open_main_window(None)
    qtbot.addWidget(window)
    window.show()
    create_first_administrator(qtbot, window)  # a new program database's first start
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.admin_page, timeout=30_000)
    assert default.is_file()
    assert window.context is not None and window.context.db.url == f"sqlite:///{default}"
    assert window.admin_page.users_button.isVisible()


def test_a_named_database_that_does_not_exist_is_not_created(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: None)
    window = open_main_window(f"sqlite:///{tmp_path / 'typo.db'}")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "rounds init" in window.loading.text(), timeout=30_000)
    assert not (tmp_path / "typo.db").exists()
