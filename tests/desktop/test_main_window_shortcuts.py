"""Every keyboard shortcut the README documents, pressed from every page of the main window,
does what the README says; the View menu opens pages by identity (not by tab position)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QWidget

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.store.database import open_database
from desktop.caseload_page import CaseloadPage
from desktop.main_window import (
    BALANCE_PAGE,
    CASELOAD_PAGE,
    LOCATIONS_PAGE,
    PAGE_TITLES,
    PLAN_PAGE,
    REFERRALS_PAGE,
    REPORTS_PAGE,
    TEAM_PAGE,
    MainWindow,
)
from desktop.plan.page import PlanPage

README = Path(__file__).resolve().parents[2] / "README.md"
PAGES = (CASELOAD_PAGE, PLAN_PAGE, BALANCE_PAGE)
PLAN_CALLS = (
    "plan", "replan", "cancel", "save_plan", "undo", "redo", "print_sheets", "open_outcomes"
)  # fmt: skip
# What each documented shortcut must do: open a page, or call a page's or the window's method.
EXPECTED: dict[str, tuple[str, str]] = {
    "Ctrl+1": ("page", CASELOAD_PAGE),
    "Ctrl+2": ("page", PLAN_PAGE),
    "Ctrl+3": ("page", BALANCE_PAGE),
    "Ctrl+4": ("page", TEAM_PAGE),
    "Ctrl+5": ("page", REFERRALS_PAGE),
    "Ctrl+6": ("page", LOCATIONS_PAGE),
    "Ctrl+7": ("page", REPORTS_PAGE),
    "Ctrl+E": ("call", "open_outcomes"),
    "Ctrl+F": ("call", "focus_search"),
    "F5": ("call", "plan"),
    "Ctrl+R": ("call", "replan"),
    "Esc": ("call", "cancel"),
    "Ctrl+S": ("call", "save_plan"),
    "Ctrl+Z": ("call", "undo"),
    "Ctrl+Shift+Z": ("call", "redo"),
    "Ctrl+P": ("call", "print_sheets"),
    "Ctrl+Shift+S": ("call", "save_sheets_pdf"),
    "Ctrl+,": ("call", "settings"),
    "Ctrl+Shift+L": ("call", "audit_log"),
}
# Documented shortcuts that act elsewhere, each pressed in its own test: File > Lock exists only
# with user accounts (tests/desktop/test_access.py), Export CSV… in the Audit log window
# (tests/desktop/test_audit_window.py).
ELSEWHERE = {"Ctrl+L", "Ctrl+Shift+E"}


def readme_shortcuts() -> list[str]:
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"(?<![\w+])(Ctrl\+(?:Shift\+)?(?:[A-Z0-9],?|,)|F5|Esc)(?![\w+])", text)
    return sorted({f.rstrip(",") if len(f) > len("Ctrl+,") else f for f in found})


def test_the_readme_documents_the_shortcuts_this_test_presses() -> None:
    assert set(readme_shortcuts()) == set(EXPECTED) | ELSEWHERE


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=5, clients=30)
    db.dispose()
    calls: list[str] = []
    for name in (*PLAN_CALLS, "save_sheets_pdf"):
        monkeypatch.setattr(PlanPage, name, lambda _self, name=name: calls.append(name))
    monkeypatch.setattr(CaseloadPage, "focus_search", lambda _self: calls.append("focus_search"))
    monkeypatch.setattr(
        MainWindow, "_on_settings_triggered", lambda _self: calls.append("settings")
    )
    monkeypatch.setattr(
        MainWindow, "_on_audit_log_triggered", lambda _self: calls.append("audit_log")
    )
    win = MainWindow(url)
    win.calls = calls  # type: ignore[attr-defined]
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.tabs, timeout=20_000)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5_000)
    yield win
    win.plan_page = None  # its methods are patched: nothing to confirm on close


def current_page(window: MainWindow) -> str:
    page = window.tabs.currentWidget()
    assert page is not None
    return page.objectName()


def press(qtbot: Any, window: MainWindow, shortcut: str) -> None:
    sequence = QKeySequence(shortcut)
    combined = sequence[0]  # type: ignore[index]  # QKeyCombination (stubs lack __getitem__)
    target: QWidget = window.tabs.tabBar()
    target.setFocus()
    QTest.keyClick(target, combined.key(), combined.keyboardModifiers())
    qtbot.wait(10)


def test_each_readme_shortcut_works_from_each_page(qtbot: Any, window: MainWindow) -> None:
    calls: list[str] = window.calls  # type: ignore[attr-defined]
    window.show_page(PLAN_PAGE)  # so undo, redo and cancel have a page to act on
    for start in PAGES:
        for shortcut in sorted(set(readme_shortcuts()) - ELSEWHERE):
            window.show_page(start)
            assert current_page(window) == start
            calls.clear()
            press(qtbot, window, shortcut)
            kind, expected = EXPECTED[shortcut]
            if kind == "page":
                assert current_page(window) == expected, f"{shortcut} from {start}"
                assert calls == []
            else:
                assert calls == [expected], f"{shortcut} from {start}"


def test_view_menu_opens_each_page_from_each_page(qtbot: Any, window: MainWindow) -> None:
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert isinstance(view, QMenu)
    actions = {a.text(): a for a in view.actions()}
    for start in PAGES:
        for target, title in PAGE_TITLES.items():
            window.show_page(start)
            actions[title].trigger()  # as a menu click does: triggered(checked=False)
            assert current_page(window) == target, f"View > {title} from {start}"


def test_pages_are_found_by_identity_when_another_page_is_inserted(
    qtbot: Any, window: MainWindow
) -> None:
    """Other pages (Team, Referrals) may be added anywhere: Ctrl+2 still opens the plan."""
    extra = QWidget()
    extra.setObjectName("team")
    window.tabs.insertTab(0, extra, "&Team")
    press(qtbot, window, "Ctrl+2")
    assert current_page(window) == PLAN_PAGE
    press(qtbot, window, "Ctrl+3")
    assert current_page(window) == BALANCE_PAGE
    press(qtbot, window, "Ctrl+1")
    assert current_page(window) == CASELOAD_PAGE
    assert window.tabs.currentWidget() is window.caseload_page
