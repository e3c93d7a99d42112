"""The main window: the welcome page on an empty database, the workspace on a demo one, a
missing database as an error (never created by accident), File > New/Open database, and an
exception in a slot shown in the error dialog while the app keeps running."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.programs import list_programs
from caseload.store.database import open_database
from desktop import error_dialog
from desktop.access.first_admin_dialog import FirstAdministratorDialog
from desktop.main_window import MainWindow
from tests.desktop.access_helpers import (
    create_first_administrator,
    local_mode,
    wait_for_sign_in,
)
from tests.desktop.artifacts import save_screenshot


def open_window(qtbot: Any, url: str, *, create: bool = False) -> MainWindow:
    """The window on `url`; a database it creates is a new program's: its first start creates
    the administrator."""
    window = MainWindow(url, create=create)
    qtbot.addWidget(window)
    window.show()
    if create:
        create_first_administrator(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.loading, timeout=10_000)
    return window


def test_the_first_start_asks_for_the_administrator_or_the_demo(qtbot: Any, tmp_path: Path) -> None:
    """The first start on the default database creates it (create=True) and asks for its
    administrator, who sees the administration page (no client records); the same dialog offers
    the demo instead, which opens without a log-in."""
    window = open_window(qtbot, f"sqlite:///{tmp_path / 'empty.db'}", create=True)
    assert (tmp_path / "empty.db").is_file()
    assert window.context is not None and window.context.actor.user_id == "admin"
    assert [p.code for p in list_programs(window.context.db)]  # the default programs
    assert window.stack.currentWidget() is window.admin_page
    assert window.users_action.isVisible()

    demo = MainWindow(f"sqlite:///{tmp_path / 'other.db'}", create=True)
    qtbot.addWidget(demo)
    demo.show()
    wait_for_sign_in(qtbot, demo)
    dialog = demo.access.dialog
    assert isinstance(dialog, FirstAdministratorDialog) and dialog.demo_button.isVisible()
    dialog.demo_button.click()
    qtbot.waitUntil(lambda: demo.stack.currentWidget() is demo.tabs, timeout=60_000)
    assert demo.access.banners.demo.isVisible()


def test_an_empty_database_offers_the_demo_and_an_import(qtbot: Any, tmp_path: Path) -> None:
    """An empty program database opened without accounts (local mode) shows the
    empty-database page with its two ways in."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_database(url, create=True).dispose()
    window = open_window(qtbot, local_mode(url))
    assert window.stack.currentWidget() is window.welcome
    assert window.context is not None
    buttons = {b.text() for b in window.welcome.findChildren(QPushButton)}
    assert {"Load &demo program", "&Import clients…"} <= buttons
    assert window.welcome.demo_button.isVisible()
    assert window.context is not None
    assert window.windowTitle().startswith("MIH Rounds")


def test_a_demo_database_opens_on_the_tabs(qtbot: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=5, clients=30)
    db.dispose()
    window = MainWindow(url)
    qtbot.addWidget(window)
    window.show()
    # An exception while building the pages would go to the error dialog: fail on it here.
    failures: list[BaseException] = []
    sys_hook = sys.excepthook
    sys.excepthook = lambda _k, exc, _tb: failures.append(exc)
    try:
        qtbot.waitUntil(
            lambda: bool(failures) or window.stack.currentWidget() is window.tabs, timeout=10_000
        )
    finally:
        sys.excepthook = sys_hook
    if failures:
        raise failures[0]
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == [
        "&Caseload", "&Plan the day", "Caseload &balance", "&Team", "Referr&als",
        "Locations to chec&k", "&Reports",
    ]  # fmt: skip
    assert window.caseload_page is not None
    qtbot.waitUntil(lambda: window.caseload_page.model.rowCount() == 30, timeout=10_000)
    window.resize(1366, 768)
    window.tabs.setCurrentWidget(window.caseload_page)
    save_screenshot(window, "main_window_caseload")  # test-artifacts/, to look at


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_the_error_dialog_and_the_app_keeps_running(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append((box.text(), box.informativeText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    error_dialog.install_excepthook()
    window = open_window(qtbot, f"sqlite:///{tmp_path / 'empty.db'}", create=True)

    def broken() -> None:
        raise RuntimeError("a bug in a slot")

    button = QPushButton("Break", window)
    button.clicked.connect(broken)
    button.click()
    qtbot.waitUntil(lambda: bool(shown))
    text, informative = shown[0]
    assert "Something went wrong" in text
    assert "RuntimeError: a bug in a slot" in informative
    # still alive: the window answers and another click is handled the same way
    assert window.isVisible() and window.stack.currentWidget() is window.admin_page
    button.click()
    qtbot.waitUntil(lambda: len(shown) == 2)


def test_a_missing_database_is_an_error_and_is_not_created(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistyped --db shows what is wrong and how to create one; no file or folder appears."""
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    missing = tmp_path / "typo" / "rounds.db"
    window = MainWindow(f"sqlite:///{missing}")
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert str(missing) in warnings[0] and "rounds init" in warnings[0]
    assert "File > New database" in window.loading.text()
    assert window.context is None and window.stack.currentWidget() is window.loading
    assert not (tmp_path / "typo").exists()


def test_new_and_open_database_switch_the_window(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File > New database… creates an empty program and switches to it; File > Open
    database… goes back to an existing one with its clients."""
    demo_url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(demo_url, create=True)
    create_demo(db, local_actor(), seed=5, clients=20)
    db.dispose()
    window = open_window(qtbot, demo_url)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=10_000)
    new_path = tmp_path / "new.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(new_path), ""))
    window._on_new()
    qtbot.waitUntil(lambda: window.context is None, timeout=10_000)
    create_first_administrator(qtbot, window)  # a new program database: its administrator
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.admin_page, timeout=10_000)
    assert window.context is not None and window.context.db.url == f"sqlite:///{new_path}"
    assert window.caseload_page is None and window.tabs.count() == 0
    assert str(new_path) in window.status_label.text()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(tmp_path / "demo.db"), ""))
    window._on_open()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=10_000)
    assert window.caseload_page is not None
    qtbot.waitUntil(lambda: window.caseload_page.model.rowCount() == 20, timeout=10_000)


def test_new_database_refuses_an_existing_one(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    url = f"sqlite:///{tmp_path / 'first.db'}"
    window = open_window(qtbot, url, create=True)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a: (str(tmp_path / "first.db"), "")
    )
    window._on_new()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert "already a database" in warnings[0]
    assert window.context is not None and window.context.db.url == url
