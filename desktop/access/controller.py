"""Who is using the main window, from opening a database to closing it.

After a database opens, its access mode decides: a demo database or single-user local mode opens
as the local user; a database with accounts asks for a log-in (or emergency access); a new
program database first creates its administrator. With accounts, the window locks after the
program's idle time (`ProgramSettings.auto_lock_minutes`): the pages stay as they are behind a
lock screen — unsaved plan edits included — until the same user's password is given; logging in
as someone else closes the pages, asking first about anything unsaved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from caseload.actor import Actor, local_actor
from caseload.users.accounts import AccessMode, authenticate
from desktop.access.banners import Banners
from desktop.access.idle import IdleWatcher
from desktop.access.lock_screen import LockScreen
from desktop.tasks import ProgressFn, TaskRunner

if TYPE_CHECKING:
    from caseload.settings import ProgramSettings
    from caseload.store.database import Database
    from desktop.main_window import MainWindow

MS_PER_MINUTE = 60_000


class AccessController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.mode: AccessMode | None = None
        self.banners = Banners()
        self.lock_screen = LockScreen()
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        self.tasks = TaskRunner(window)
        self.dialog: QDialog | None = None  # the log-in or first-administrator dialog
        self.locked = False
        self._before_lock: QWidget | None = None
        self._hidden_windows: list[QWidget] = []
        self._disabled_actions: list[QAction] = []
        self.lock_screen.unlock_requested.connect(self._on_lock_screen_unlock_requested)
        self.lock_screen.switch_user_requested.connect(self._on_lock_screen_switch_user_requested)

    # --- signing in ------------------------------------------------------------------------
    def sign_in(
        self,
        db: Database,
        mode: AccessMode,
        actor: Actor | None,
        *,
        creating_demo: bool,
        empty: bool = False,
    ) -> None:
        """Start a session on the opened `db`: at once when `actor` is known (demo, local
        mode), else through the first-administrator or log-in dialog."""
        self.mode = mode
        if actor is None and mode is AccessMode.SETUP and creating_demo:
            actor = local_actor()  # `rounds --demo`: the new database becomes a demo one
        if actor is not None:
            self.window.begin_session(actor)
            return
        from desktop.access.first_admin_dialog import FirstAdministratorDialog
        from desktop.access.login_dialog import LoginDialog

        where = db.describe()
        dialog: QDialog
        if mode is AccessMode.SETUP:
            first = FirstAdministratorDialog(db, where, self.window, empty=empty)
            first.demo_chosen.connect(self._on_first_start_demo_chosen)
            dialog = first
        else:
            dialog = LoginDialog(db, where, self.window)
        dialog.logged_in.connect(self.window.begin_session)
        dialog.rejected.connect(self.window.show_logged_out)
        self.dialog = dialog
        dialog.open()

    def _on_first_start_demo_chosen(self) -> None:
        """The new, empty database becomes the demo (as `rounds --demo` makes it)."""
        self.window.start_demo_session()

    def session_started(self, actor: Actor, program: ProgramSettings) -> None:
        """Banners, the status bar's user and the idle clock for a new session."""
        self.dialog = None
        self.banners.show_for(
            demo=self.mode is AccessMode.DEMO,
            emergency_user=actor.user_id if actor.emergency else None,
        )
        self.restart_idle_clock(program)

    def restart_idle_clock(self, program: ProgramSettings) -> None:
        """Locking needs a password to unlock with: accounts only (not demo or local mode)."""
        if self.mode is AccessMode.ACCOUNTS and program.auto_lock_minutes > 0:
            self.idle.start(round(program.auto_lock_minutes * MS_PER_MINUTE))
        else:
            self.idle.stop()

    def user_text(self, actor: Actor) -> str:
        """Who is working, for the status bar."""
        if self.mode is AccessMode.LOCAL:
            return f"local user {actor.user_id} (single-user local mode)"
        if self.mode is AccessMode.DEMO:
            return f"demo user {actor.user_id}"
        emergency = ", EMERGENCY ACCESS" if actor.emergency else ""
        return f"logged in: {actor.user_id} ({actor.role.label}{emergency})"

    def end_session(self) -> None:
        self.idle.stop()
        self.banners.show_for(demo=False, emergency_user=None)
        if self.locked:
            self._restore_after_lock(show=False)

    # --- locking ---------------------------------------------------------------------------
    def lock(self) -> None:
        """Hide everything behind the lock screen (the pages stay alive, unsaved work too)."""
        context = self.window.context
        if self.locked or context is None or self.mode is not AccessMode.ACCOUNTS:
            return
        self.locked = True
        self.idle.stop()
        stack = self.window.stack
        self._before_lock = stack.currentWidget()
        if stack.indexOf(self.lock_screen) < 0:
            stack.addWidget(self.lock_screen)
        # Other windows (the audit log, a dialog) are hidden too; a modal dialog closes as if
        # cancelled, or it would keep the lock screen from taking the password.
        self._hidden_windows = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self.window
            and w.isVisible()
            and w.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
        ]
        for w in self._hidden_windows:
            w.hide()
        self._disabled_actions = [
            a for a in self.window.findChildren(QAction) if a.isEnabled() and a.shortcut()
        ]
        for action in self._disabled_actions:
            action.setEnabled(False)
        self.window.menuBar().setEnabled(False)
        self.lock_screen.prepare(context.actor.user_id)
        stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.password_edit.setFocus()

    def _on_lock_screen_unlock_requested(self, password: str) -> None:
        context = self.window.context
        if context is None:
            return
        db, user = context.db, context.actor.user_id
        self.lock_screen.set_busy(True)

        def check(_p: ProgressFn, _c: object) -> Actor:
            return authenticate(db, user, password)

        def done(_actor: Actor) -> None:
            # The session goes on as it was (an emergency session stays one).
            self._restore_after_lock(show=True)
            if self.window.context is not None:
                self.restart_idle_clock(self.window.context.program)

        def failed(exc: BaseException) -> None:
            from desktop.access.login_dialog import failure_text

            self.lock_screen.refused(failure_text(self.window, exc))

        self.tasks.run(check, done, on_failed=failed)

    def _restore_after_lock(self, *, show: bool) -> None:
        self.locked = False
        for action in self._disabled_actions:
            action.setEnabled(True)
        self._disabled_actions = []
        self.window.menuBar().setEnabled(True)
        if show:
            if self._before_lock is not None:
                self.window.stack.setCurrentWidget(self._before_lock)
            for w in self._hidden_windows:
                if not shiboken6.isValid(w) or (isinstance(w, QDialog) and w.isModal()):
                    continue  # gone, or closed by the lock (cancelled)
                w.show()
        self._hidden_windows = []
        self._before_lock = None

    def _on_lock_screen_switch_user_requested(self) -> None:
        """Log out and let someone else log in: first the window asks about unsaved work (a
        "no" keeps the lock screen)."""
        self.window.log_out()
