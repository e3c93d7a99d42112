"""Who is at the keyboard (issue 14): the log-in dialog (one message for any failure), auto-lock
after the program's idle time (unsaved work survives; someone else logging in is asked about it
first), emergency access with its red banner and audit row, the demo banner, local mode in the
status bar, and the administrator's Users dialog."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from caseload import settings
from caseload.actor import SYSTEM_ACTOR, Role, local_actor
from caseload.audit_view import AuditFilter, audit_entries
from caseload.demo.create import create_demo
from caseload.settings import ProgramSettings
from caseload.store.database import Database, open_database
from caseload.store.models import AuditEntry
from caseload.users.accounts import REFUSED, add_user, create_first_administrator, list_users
from desktop.access.banners import DEMO_TEXT
from desktop.access.login_dialog import EmergencyDialog, LoginDialog
from desktop.main_window import PLAN_PAGE, MainWindow
from tests.desktop.access_helpers import ADMIN, ADMIN_PASSWORD, local_mode, log_in
from tests.desktop.artifacts import save_screenshot
from tests.desktop.seed import seed_caseload

SUP, SUP_PASSWORD = "sup.lee", "supervisor pass 1"


@pytest.fixture
def accounts_url(tmp_path: Path) -> str:
    """A program database with a caseload, an administrator and a supervisor (log-in needed)."""
    url = f"sqlite:///{tmp_path / 'program.db'}"
    db = open_database(url, create=True)
    seed_caseload(db)
    admin = create_first_administrator(db, ADMIN, "Ada Admin", ADMIN_PASSWORD)
    add_user(db, admin, SUP, "Sam Lee", Role.SUPERVISOR, SUP_PASSWORD)
    db.dispose()
    return url


def _window(qtbot: Any, url: str) -> MainWindow:
    window = MainWindow(url)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    return window


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        session.expunge_all()
        return rows


def test_log_in_refuses_with_one_message_then_opens_as_the_user(
    qtbot: Any, accounts_url: str
) -> None:
    window = _window(qtbot, accounts_url)
    dialog = log_in(qtbot, window, SUP, "wrong password")
    save_screenshot(dialog, "login-dialog")
    assert dialog.message.text() == REFUSED and window.context is None
    assert dialog.password_edit.text() == ""  # typed again, never kept
    log_in(qtbot, window, "nobody", SUP_PASSWORD)
    assert dialog.message.text() == REFUSED  # the same words: no hint which was wrong
    assert window.stack.currentWidget() is window.loading  # nothing shown meanwhile

    log_in(qtbot, window, SUP, SUP_PASSWORD)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=20_000)
    assert window.context is not None and window.context.actor.user_id == SUP
    assert window.context.actor.role is Role.SUPERVISOR
    assert "logged in: sup.lee (supervisor)" in window.status_label.text()
    assert window.audit_action.isVisible() and not window.users_action.isVisible()
    assert not window.access.banners.demo.isVisible()
    assert len(_audit(window.context.db, "access.login_failed")) == 2


def test_cancelling_the_log_in_shows_nothing_of_the_database(qtbot: Any, accounts_url: str) -> None:
    window = _window(qtbot, accounts_url)
    dialog = log_in(qtbot, window, SUP, "")
    assert "Enter your user name and password" in dialog.message.text()
    dialog.reject()
    assert "Not logged in" in window.loading.text() and window.context is None
    assert window.log_in_action.isVisible()
    window.log_in_action.trigger()
    log_in(qtbot, window, SUP, SUP_PASSWORD)
    qtbot.waitUntil(lambda: window.context is not None, timeout=20_000)


def test_auto_lock_hides_the_pages_and_keeps_unsaved_plan_edits(
    qtbot: Any, accounts_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, accounts_url)
    log_in(qtbot, window, SUP, SUP_PASSWORD)
    qtbot.waitUntil(lambda: window.caseload_page is not None, timeout=20_000)
    assert window.access.idle.interval_ms == 15 * 60_000  # the default: 15 minutes
    window.show_page(PLAN_PAGE)
    plan_page = window.plan_page
    assert plan_page is not None
    window._on_plan_page_dirty_changed(True)  # as an unsaved edit does
    assert window.context is not None  # the program's idle time becomes 200 ms:
    window._on_settings_saved(replace(window.context.program, auto_lock_minutes=0.2 / 60))
    assert window.access.idle.interval_ms == 200
    qtbot.waitUntil(lambda: window.access.locked, timeout=5_000)
    assert window.stack.currentWidget() is window.access.lock_screen
    assert not window.tabs.isVisible() and not window.menuBar().isEnabled()
    assert "locked (sup.lee)" in window.access.lock_screen.title.text()

    screen = window.access.lock_screen
    screen.password_edit.setText("not it")
    qtbot.keyClick(screen.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.message.text() == REFUSED, timeout=10_000)
    assert window.access.locked
    screen.password_edit.setText(SUP_PASSWORD)
    qtbot.keyClick(screen.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.access.locked, timeout=10_000)
    assert window.stack.currentWidget() is window.tabs and window.plan_page is plan_page
    assert window.windowTitle().endswith("*")  # the unsaved edits are still there
    assert window.access.idle.active  # and the clock runs again

    # Ctrl+L (File > Lock) locks at once; someone else wants to log in: unsaved edits are
    # asked about first.
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.access.locked, timeout=1_000)
    asked: list[bool] = []

    def keep_editing() -> bool:  # the user answers "Cancel" to discarding the edits
        asked.append(True)
        return False

    monkeypatch.setattr(plan_page, "confirm_close", keep_editing)
    screen.switch_button.click()
    assert asked and window.access.locked and window.plan_page is plan_page
    monkeypatch.setattr(plan_page, "confirm_close", lambda: True)
    screen.switch_button.click()
    qtbot.waitUntil(lambda: isinstance(window.access.dialog, LoginDialog), timeout=10_000)
    assert window.context is None and window.plan_page is None and not window.access.locked


def test_input_keeps_the_window_unlocked(qtbot: Any, accounts_url: str) -> None:
    db = open_database(accounts_url)
    settings.save(db, ProgramSettings(auto_lock_minutes=0.5 / 60), SYSTEM_ACTOR)  # 500 ms
    db.dispose()
    window = _window(qtbot, accounts_url)
    log_in(qtbot, window, SUP, SUP_PASSWORD)
    qtbot.waitUntil(lambda: window.caseload_page is not None, timeout=20_000)
    for _ in range(4):  # a key every 200 ms for 800 ms: longer than the idle time
        qtbot.wait(200)
        qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Shift)  # through the window system
        assert not window.access.locked
    qtbot.waitUntil(lambda: window.access.locked, timeout=5_000)


def test_emergency_access_shows_a_red_banner_and_is_audited(qtbot: Any, accounts_url: str) -> None:
    window = _window(qtbot, accounts_url)
    login = log_in(qtbot, window, SUP, "")
    login.username_edit.setText(SUP)
    login.emergency_button.click()
    emergency = login.emergency_dialog
    assert isinstance(emergency, EmergencyDialog)
    emergency.password_edit.setText(SUP_PASSWORD)
    emergency.reason_edit.setPlainText("short")
    emergency.start()
    assert "at least 10 characters" in emergency.message.text()
    emergency.reason_edit.setPlainText("Client fell, crew needs the caseload now")
    emergency.start()
    qtbot.waitUntil(lambda: window.context is not None, timeout=20_000)
    assert window.context is not None and window.context.actor.emergency
    banner = window.access.banners.emergency
    assert banner.isVisible()
    assert banner.text() == "Emergency access by sup.lee — every action is audited"
    assert "EMERGENCY ACCESS" in window.status_label.text()
    [row] = _audit(window.context.db, "access.emergency")
    assert row.actor == f"{SUP} [emergency]" and "Client fell" in row.details
    # what the session does is marked too: the caseload list it opened on
    qtbot.waitUntil(lambda: bool(_audit(window.context.db, "caseload.view")), timeout=20_000)
    [view] = _audit(window.context.db, "caseload.view")
    assert view.actor == f"{SUP} [emergency]"
    page = audit_entries(window.context.db, window.context.actor, AuditFilter(user=SUP))
    assert "caseload.view" in [r.action for r in page.rows]  # the user filter finds them
    save_screenshot(window, "emergency-access")


def test_a_demo_database_opens_without_log_in_with_a_banner(qtbot: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=3, clients=12)
    db.dispose()
    window = _window(qtbot, url)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=20_000)
    demo = window.access.banners.demo
    assert demo.isVisible() and demo.text() == DEMO_TEXT
    assert not window.access.banners.emergency.isVisible()
    assert "demo user" in window.status_label.text()
    assert not window.lock_action.isVisible() and not window.access.idle.active
    window.show_page(PLAN_PAGE)
    assert demo.isVisible()  # above every page


def test_local_mode_names_the_local_user(qtbot: Any, accounts_url: str) -> None:
    local_mode(accounts_url)
    window = _window(qtbot, accounts_url)
    qtbot.waitUntil(lambda: window.context is not None, timeout=20_000)
    assert window.context is not None and window.context.actor == local_actor()
    assert f"local user {local_actor().user_id}" in window.status_label.text()
    assert not window.access.banners.demo.isVisible()


def test_the_administrator_adds_and_disables_a_user(
    qtbot: Any, accounts_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog

    from desktop.access import users_dialog

    window = _window(qtbot, accounts_url)
    log_in(qtbot, window, ADMIN, ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: window.context is not None, timeout=20_000)
    assert window.users_action.isVisible() and window.audit_action.isVisible()
    # The administrator never opens client records: the administration page instead.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.admin_page, timeout=10_000)
    assert window.caseload_page is None
    window.admin_page.users_button.click()
    dialog = window.users_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)

    def filled_form(self: Any) -> int:
        self.username_edit.setText("pm.new")
        self.full_name_edit.setText("Pat New")
        self.role_box.setCurrentIndex(self.role_box.findData(Role.PROGRAM_MANAGER.value))
        self.password_edit.setText("a long password 1")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(users_dialog.AccountForm, "exec", filled_form)
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=10_000)
    row = [u.username for u in dialog.users].index("pm.new")
    dialog.table.selectRow(row)
    dialog.active_button.click()
    qtbot.waitUntil(lambda: "disabled" in dialog.message.text(), timeout=10_000)
    assert window.context is not None
    users = {u.username: u for u in list_users(window.context.db, window.context.actor)}
    assert users["pm.new"].role is Role.PROGRAM_MANAGER and not users["pm.new"].active
