"""Getting a test's main window past the log-in: the first-administrator dialog of a new
program database, the log-in dialog of one with accounts, or local mode for an existing one."""

from __future__ import annotations

from typing import Any

from caseload.actor import SYSTEM_ACTOR
from caseload.store.database import open_database
from caseload.users.accounts import set_local_mode
from desktop.access.first_admin_dialog import FirstAdministratorDialog
from desktop.access.login_dialog import LoginDialog
from desktop.main_window import MainWindow

ADMIN, ADMIN_PASSWORD = "admin", "admin password 1"


def local_mode(url: str) -> str:
    """Switch single-user local mode on (as the system, which passes every check): the window
    then opens without a log-in, as the local user."""
    db = open_database(url)
    try:
        set_local_mode(db, SYSTEM_ACTOR, True)
    finally:
        db.dispose()
    return url


def wait_for_sign_in(qtbot: Any, window: MainWindow) -> None:
    """Wait until the window has a user or asks for one (a dialog)."""
    qtbot.waitUntil(
        lambda: window.context is not None or window.access.dialog is not None, timeout=30_000
    )


def create_first_administrator(qtbot: Any, window: MainWindow) -> None:
    """Answer the first-start dialog of a new program database."""
    wait_for_sign_in(qtbot, window)
    dialog = window.access.dialog
    assert isinstance(dialog, FirstAdministratorDialog), dialog
    dialog.full_name_edit.setText("Ada Admin")
    dialog.username_edit.setText(ADMIN)
    dialog.password_edit.setText(ADMIN_PASSWORD)
    dialog.repeat_edit.setText(ADMIN_PASSWORD)
    dialog.create_administrator()
    qtbot.waitUntil(lambda: window.context is not None, timeout=30_000)


def log_in(qtbot: Any, window: MainWindow, username: str, password: str) -> LoginDialog:
    """Type into the log-in dialog and press Enter; returns the dialog (check its message)."""
    wait_for_sign_in(qtbot, window)
    dialog = window.access.dialog
    assert isinstance(dialog, LoginDialog), dialog
    dialog.username_edit.setText(username)
    dialog.password_edit.setText(password)
    qtbot.keyClick(dialog.password_edit, "\r")
    # The answer is in once the message changed from "Checking…" (or the window has a user).
    qtbot.waitUntil(
        lambda: (
            window.context is not None
            or (not dialog.tasks.running and dialog.message.text() != "Checking…")
        ),
        timeout=30_000,
    )
    return dialog
