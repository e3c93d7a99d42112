"""The main window: Caseload, Plan the day and Caseloads (supervisor) pages, menus, shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseload.actor import Actor, local_actor
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner
from desktop.welcome_page import WelcomePage
from desktop.window_state import restore_pages, restore_window, save_window

if TYPE_CHECKING:  # the domain (SQLAlchemy, Alembic, numpy) loads in the worker that opens
    # the database, so the window appears before it (start-up time)
    from caseload.settings import ProgramSettings
    from caseload.store.database import Database
    from caseload.users.accounts import AccessMode
    from desktop.access.controller import AccessController
    from desktop.caseload_page import CaseloadPage

#: Page identities (each tab's widget carries one as its objectName): menus, shortcuts and the
#: saved window state find a page by identity, never by tab position, so pages can be added.
CASELOAD_PAGE, PLAN_PAGE, BALANCE_PAGE = "caseload", "plan", "balance"
TEAM_PAGE, LOCATIONS_PAGE, REPORTS_PAGE, REFERRALS_PAGE = (
    "team",
    "locations",
    "reports",
    "referrals",
)
PAGE_TITLES = {
    CASELOAD_PAGE: "&Caseload",
    PLAN_PAGE: "&Plan the day",
    BALANCE_PAGE: "Caseload &balance",
    TEAM_PAGE: "&Team",
    LOCATIONS_PAGE: "Locations to chec&k",
    REPORTS_PAGE: "&Reports",
    REFERRALS_PAGE: "Referr&als",
}
# Built when first shown (a placeholder until then), in tab order after the caseload.
_LAZY_PAGES = (PLAN_PAGE, BALANCE_PAGE, TEAM_PAGE, REFERRALS_PAGE, LOCATIONS_PAGE, REPORTS_PAGE)
# Ctrl+1 ... Ctrl+7 open the pages in tab order.
PAGE_ORDER = (CASELOAD_PAGE, *_LAZY_PAGES)
# The database, its settings, its client count, who works without a log-in (demo, local
# mode; None: a log-in is needed) and its access mode.
Opened: TypeAlias = "tuple[Database, ProgramSettings, int, Actor | None, AccessMode]"
OpenMode = Literal["open", "create", "new", "default"]
_DB_FILES = "MIH Rounds databases (*.db);;All files (*)"


class MainWindow(QMainWindow):
    """`create`: make the database at `db_url` if there is none (the first start on the default
    database, `rounds --demo`); otherwise a missing database is an error shown on the window,
    which then offers File > New database… and Open database…."""

    def __init__(
        self, db_url: str | None, *, create_demo: bool = False, create: bool | None = False
    ) -> None:
        super().__init__()
        self.setWindowTitle("MIH Rounds")
        self.startup_seconds = 0.0
        self.context: AppContext | None = None
        self.caseload_page: CaseloadPage | None = None
        self.plan_page: Any = None
        self.rebalance_page: Any = None
        self.team_page: Any = None
        # Locations to check (issue 15): a placeholder tab until first shown.
        self.locations_page: Any = None
        self.reports_page: Any = None
        self.referrals_page: Any = None
        self.audit_window: Any = None
        self.users_dialog: Any = None
        self.admin_page: Any = None
        # An opened database waiting for its log-in: (db, settings, client count).
        self._pending: tuple[Database, ProgramSettings, int] | None = None
        self.tasks = TaskRunner(self)
        self._create_demo = create_demo
        self._plan_dirty = False

        self.stack = QStackedWidget()
        self.loading = QLabel("Opening the database…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome = WelcomePage()
        self.tabs = QTabWidget()
        for page in (self.loading, self.welcome, self.tabs):
            self.stack.addWidget(page)
        from desktop.access.controller import AccessController

        self.access: AccessController = AccessController(self)
        self.stack.addWidget(self.access.lock_screen)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.access.banners)  # above every page
        central_layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_actions()
        self.welcome.demo_button.clicked.connect(self._on_load_demo_triggered)
        self.welcome.import_button.clicked.connect(self._on_import_triggered)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        restore_window(self)
        # create=None: create only the default database (decided with the other imports, in the
        # worker: see desktop.app.open_main_window)
        mode: OpenMode = (
            "create" if create or create_demo else "default" if create is None else "open"
        )
        self._open(db_url, mode=mode, then=self._on_database_opened)

    # --- start-up, switching databases -------------------------------------------------------
    def _open(self, db_url: str | None, *, mode: OpenMode, then: Callable[[Opened], None]) -> None:
        """Open the database off the UI thread ("new" refuses one that exists, "create" makes
        one only if there is none, "open" needs one), then call `then` on the UI thread."""
        actor = local_actor()
        self._ask_for_database_key(db_url)

        def open_db(_p: ProgressFn, _c: object) -> Opened:
            from caseload import settings
            from caseload.clients import client_count
            from caseload.new_program import create_program_database
            from caseload.settings import ProgramSettings
            from caseload.store.database import (
                database_exists,
                is_default_database,
                open_database,
            )

            create = mode == "create" or (mode == "default" and is_default_database(db_url))
            if mode == "new" or (create and not database_exists(db_url)):
                db = create_program_database(db_url, actor)
            else:
                db = open_database(db_url)
            from caseload.store.backup import daily_backup

            daily_backup(db)  # the day's first start keeps a copy beside the database
            from caseload.users.accounts import access_mode, session_actor

            program = settings.load(db, ProgramSettings)
            return db, program, client_count(db), session_actor(db), access_mode(db)

        self.tasks.run(open_db, then, on_failed=self._on_open_failed)

    def _ask_for_database_key(self, db_url: str | None) -> None:
        """An encrypted database file and no $ROUNDS_DB_KEY: ask for the passphrase here, on
        the UI thread (kept in memory only); without one, opening fails with a plain message."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        from caseload.store import encryption
        from caseload.store.database import sqlite_file_of

        path = sqlite_file_of(db_url)
        if path is None or not encryption.key_still_needed(path):
            return
        key, ok = QInputDialog.getText(
            self,
            "Encrypted database",
            f"{path.name} is encrypted. Passphrase:",
            QLineEdit.EchoMode.Password,
        )
        if ok and key:
            encryption.remember_key(path, key)

    def _on_open_failed(self, exc: BaseException) -> None:
        if self.context is None:
            self.loading.setText(
                f"Could not open the database.\n\n{exc}\n\n"
                "Use File > New database… or File > Open database…."
            )
        show_error(self, exc)

    def _on_database_opened(self, result: Opened) -> None:
        """Who works on it: the local user (demo, local mode), else a log-in first."""
        db, program, count, actor, mode = result
        self._pending = (db, program, count)
        self.access.sign_in(
            db, mode, actor, creating_demo=self._create_demo and count == 0, empty=count == 0
        )

    def start_demo_session(self) -> None:
        """The first-start dialog's "Try the demo instead": the demo fills the new database."""
        from caseload.users.accounts import AccessMode

        self._create_demo = True
        self.access.mode = AccessMode.DEMO
        self.begin_session(local_actor())

    def begin_session(self, actor: Actor) -> None:
        """`actor` logged in (or needs no log-in) on the opened database: show its pages."""
        if self._pending is None:
            return
        db, program, count = self._pending
        self._pending = None
        self.context = AppContext(db, actor, program)
        self.access.session_started(actor, program)
        self._update_actor_actions()
        self._update_status()
        self._update_title()
        if self._create_demo and count == 0:
            self._create_demo = False
            self._on_load_demo_triggered()
            return
        self._show_workspace(count)

    def _show_workspace(self, count: int) -> None:
        from caseload.users.permissions import Permission, allowed

        if self.context is not None and not allowed(self.context.actor, Permission.VIEW_CASELOAD):
            self._show_administration()
            return
        if count == 0:
            self.stack.setCurrentWidget(self.welcome)
            return
        assert self.context is not None
        if self.caseload_page is None:
            from desktop.caseload_page import CaseloadPage

            self.caseload_page = CaseloadPage(self.context)
            self.caseload_page.setObjectName(CASELOAD_PAGE)
            self.tabs.addTab(self.caseload_page, PAGE_TITLES[CASELOAD_PAGE])
            # The other pages (a web view, the map library) are built when first shown, so the
            # caseload is usable sooner; the map library loads in the background meanwhile.
            for name in _LAZY_PAGES:
                placeholder = QWidget()
                placeholder.setObjectName(name)
                self.tabs.addTab(placeholder, PAGE_TITLES[name])
            self.tasks.run(_warm_up_imports, lambda _r: None)
            restore_pages(self.tabs, self.caseload_page.splitter)
        self.stack.setCurrentWidget(self.tabs)
        self.caseload_page.refresh()
        if self.plan_page is not None:
            self.plan_page.refresh()

    def _on_tabs_current_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is not None:
            self._ensure_page(page.objectName())

    def page_index(self, name: str) -> int:
        """The tab position of the page called `name` (-1 when there is none)."""
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if page is not None and page.objectName() == name:
                return index
        return -1

    def _ensure_page(self, name: str) -> None:
        """Build the Plan or Caseload balance page the first time it is needed."""
        assert self.context is not None
        if name == PLAN_PAGE and self.plan_page is None:
            from desktop.plan.page import PlanPage

            self.plan_page = PlanPage(self.context)
            self.plan_page.dirty_changed.connect(self._on_plan_page_dirty_changed)
            self._replace_tab(PLAN_PAGE, self.plan_page)
            self.plan_page.refresh()
        elif name == BALANCE_PAGE and self.rebalance_page is None:
            from desktop.rebalance_map_data import install_caseload_map
            from desktop.rebalance_view import RebalanceView

            self.rebalance_page = RebalanceView(self.context.db, self.context.actor)
            install_caseload_map(self.rebalance_page, self.context.program)
            self._replace_tab(BALANCE_PAGE, self.rebalance_page)
        elif name == TEAM_PAGE and self.team_page is None:
            from desktop.team.page import TeamPage

            # A change there may change the day's crews on the Plan page.
            self.team_page = TeamPage(self.context)
            self.team_page.changed.connect(self._on_team_page_changed)
            self._replace_tab(TEAM_PAGE, self.team_page)
            self.team_page.refresh()
        elif name == LOCATIONS_PAGE:
            if self.locations_page is not None:
                self.locations_page.refresh()  # pins may have moved elsewhere meanwhile
                return
            from desktop.locations_page import LocationsPage

            self.locations_page = LocationsPage(self.context)
            self._replace_tab(LOCATIONS_PAGE, self.locations_page)
            self.locations_page.refresh()
        elif name == REPORTS_PAGE and self.reports_page is None:
            from desktop.reports.page import ReportsPage

            # The outcome measures; it computes in a worker when first shown.
            self.reports_page = ReportsPage(self.context)
            self._replace_tab(REPORTS_PAGE, self.reports_page)
        elif name == REFERRALS_PAGE and self.referrals_page is None:
            from desktop.referrals_page import ReferralsPage

            # Accepting a referral changes the caseload's list.
            self.referrals_page = ReferralsPage(self.context)
            self._replace_tab(REFERRALS_PAGE, self.referrals_page)
            caseload = self.caseload_page
            if caseload is not None:
                self.referrals_page.triaged.connect(lambda _text: caseload.refresh())
            self.referrals_page.refresh()

    def _on_team_page_changed(self) -> None:
        if self.plan_page is not None:
            self.plan_page.refresh()

    def _replace_tab(self, name: str, page: QWidget) -> None:
        index = self.page_index(name)
        placeholder = self.tabs.widget(index)
        page.setObjectName(name)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, PAGE_TITLES[name])
        self.tabs.setCurrentIndex(index)
        self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()

    def _update_title(self) -> None:
        name = self.context.program.program_name if self.context is not None else ""
        title = f"MIH Rounds — {name}" if name else "MIH Rounds"
        self.setWindowTitle(f"{title} *" if self._plan_dirty else title)

    def _on_plan_page_dirty_changed(self, dirty: bool) -> None:
        """Unsaved plan edits show in the window title ("*") and on the Plan tab."""
        self._plan_dirty = dirty
        self._update_title()
        index = self.page_index(PLAN_PAGE)
        if index >= 0:
            title = PAGE_TITLES[PLAN_PAGE]
            self.tabs.setTabText(index, f"{title} *" if dirty else title)

    # --- actions -------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self._action(file_menu, "&New database…", QKeySequence.StandardKey.New, self._on_new)
        self._action(file_menu, "&Open database…", QKeySequence.StandardKey.Open, self._on_open)
        file_menu.addSeparator()
        self.import_action = self._action(
            file_menu, "&Import clients…", "Ctrl+I", self._on_import_triggered
        )
        self._action(file_menu, "Load &demo program", None, self._on_load_demo_triggered)
        file_menu.addSeparator()
        self._action(file_menu, "&Settings…", "Ctrl+,", self._on_settings_triggered)
        self.users_action = self._action(file_menu, "&Users…", None, self._on_users_triggered)
        file_menu.addSeparator()
        self.log_in_action = self._action(file_menu, "Log &in…", None, self._on_log_in_triggered)
        self.lock_action = self._action(file_menu, "&Lock", "Ctrl+L", self.access.lock)
        self.log_out_action = self._action(file_menu, "Log ou&t", None, self.log_out)
        for action in (self.users_action, self.log_in_action, self.lock_action):
            action.setVisible(False)
        self.log_out_action.setVisible(False)
        file_menu.addSeparator()
        self._action(
            file_menu,
            "&Print route sheets…",
            QKeySequence.StandardKey.Print,
            lambda: self._plan_call("print_sheets"),
        )
        self._action(
            file_menu,
            "Save all sheets as P&DF…",
            "Ctrl+Shift+S",
            lambda: self._plan_call("save_sheets_pdf"),
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)

        edit_menu = menu.addMenu("&Edit")
        self.undo_action = self._action(
            edit_menu, "&Undo", QKeySequence.StandardKey.Undo, lambda: self._plan_call("undo")
        )
        self.redo_action = self._action(
            edit_menu, "&Redo", "Ctrl+Shift+Z", lambda: self._plan_call("redo")
        )
        edit_menu.addSeparator()
        self._action(edit_menu, "&Find client", QKeySequence.StandardKey.Find, self._on_find)

        plan_menu = menu.addMenu("P&lan")
        self._action(plan_menu, "&Plan the day", "F5", lambda: self._plan_call("plan"))
        self._action(
            plan_menu,
            "&Re-plan keeping pins and locks",
            "Ctrl+R",
            lambda: self._plan_call("replan"),
        )
        self._action(plan_menu, "&Cancel planning", "Esc", lambda: self._plan_call("cancel"))
        self._action(
            plan_menu,
            "&Save plan version",
            QKeySequence.StandardKey.Save,
            lambda: self._plan_call("save_plan"),
        )
        self._action(
            plan_menu, "Visit &outcomes…", "Ctrl+E", lambda: self._plan_call("open_outcomes")
        )

        view_menu = menu.addMenu("&View")
        for i, name in enumerate(PAGE_ORDER):
            # partial, not a lambda with a default: triggered(bool) would overwrite the default
            show = partial(self.show_page, name)
            self._action(view_menu, PAGE_TITLES[name], f"Ctrl+{i + 1}", show)
        view_menu.addSeparator()
        # Supervisors and administrators only: hidden for others (and the service refuses).
        self.audit_action = self._action(
            view_menu, "Audit &log…", "Ctrl+Shift+L", self._on_audit_log_triggered
        )
        self.audit_action.setVisible(False)
        help_menu = menu.addMenu("&Help")
        self._action(help_menu, "&About MIH Rounds", None, self._on_about)

    def _action(self, menu: Any, text: str, shortcut: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def show_page(self, name: str) -> None:
        """Bring the page called `name` to the front (built on first use)."""
        index = self.page_index(name)
        if self.stack.currentWidget() is self.tabs and index >= 0:
            self.tabs.setCurrentIndex(index)
            self._ensure_page(name)

    def _plan_call(self, name: str) -> None:
        if self.caseload_page is None:
            return
        if name in ("undo", "redo", "cancel") and self.plan_page is None:
            return
        if name not in ("undo", "redo", "cancel"):
            self.show_page(PLAN_PAGE)
        self._ensure_page(PLAN_PAGE)
        getattr(self.plan_page, name)()

    def _on_find(self) -> None:
        if self.caseload_page is not None:
            self.tabs.setCurrentWidget(self.caseload_page)
            self.caseload_page.focus_search()

    def _update_actor_actions(self) -> None:
        """Menu entries that depend on who is logged in."""
        from caseload.audit_view import can_read_audit
        from caseload.users.accounts import AccessMode
        from caseload.users.permissions import Permission, allowed

        actor = self.context.actor if self.context is not None else None
        for action, shown in (
            (self.audit_action, actor is not None and can_read_audit(actor)),
            (self.users_action, actor is not None and allowed(actor, Permission.MANAGE_USERS)),
            (self.lock_action, actor is not None and self.access.mode is AccessMode.ACCOUNTS),
            (self.log_out_action, actor is not None and self.access.mode is AccessMode.ACCOUNTS),
            (self.log_in_action, actor is None and self._pending is not None),
        ):
            action.setVisible(shown)
            action.setEnabled(shown)

    def _show_administration(self) -> None:
        """An account that may not see client records (the administrator): no pages."""
        assert self.context is not None
        if self.admin_page is None:
            from desktop.access.admin_page import AdministrationPage

            self.admin_page = AdministrationPage()
            self.admin_page.users_button.clicked.connect(self._on_users_triggered)
            self.admin_page.audit_button.clicked.connect(self._on_audit_log_triggered)
            self.admin_page.settings_button.clicked.connect(self._on_settings_triggered)
            self.stack.addWidget(self.admin_page)
        self.admin_page.show_for(self.context.actor.user_id)
        self.stack.setCurrentWidget(self.admin_page)

    def _update_status(self) -> None:
        if self.context is None:
            self.status_label.setText("")
            return
        program, db = self.context.program, self.context.db
        who = self.access.user_text(self.context.actor)
        self.status_label.setText(f"{program.program_name} · {db.describe()} · {who}")

    def show_logged_out(self) -> None:
        """The log-in was cancelled: nothing of the database shows until someone logs in."""
        self.loading.setText(
            "Not logged in: client records are hidden.\n\n"
            "Use File > Log in… to log in, or File > Open database… for another database."
        )
        self.stack.setCurrentWidget(self.loading)
        self._update_actor_actions()

    def _on_log_in_triggered(self) -> None:
        if self._pending is not None and self.context is None:
            db = self._pending[0]
            self.access.sign_in(db, self.access.mode or _accounts(), None, creating_demo=False)

    def log_out(self) -> None:
        """Close the pages (asking about unsaved plan edits first) and ask for a log-in."""
        if self.context is None:
            return
        if self.plan_page is not None and not self.plan_page.confirm_close():
            return
        context = self.context
        self._close_pages()
        self.access.end_session()
        self.context = None
        self._update_status()
        self.show_logged_out()

        def count(_p: ProgressFn, _c: object) -> int:
            from caseload.clients import client_count

            return client_count(context.db)

        def ask(clients: int) -> None:
            self._pending = (context.db, context.program, clients)
            self._update_actor_actions()
            self.access.sign_in(context.db, _accounts(), None, creating_demo=False)

        self.tasks.run(count, ask)

    def _on_users_triggered(self) -> None:
        if self.context is None:
            return
        from desktop.access.users_dialog import UsersDialog

        self.users_dialog = UsersDialog(self.context, self)
        self.users_dialog.show()

    def _on_audit_log_triggered(self) -> None:
        if self.context is None:
            return
        from caseload.audit_view import can_read_audit
        from desktop.audit.window import AuditLogWindow

        if not can_read_audit(self.context.actor):
            return
        if self.audit_window is not None:
            self.audit_window.close()
        self.audit_window = AuditLogWindow(self.context, self)
        self.audit_window.show()
        self.audit_window.raise_()

    def _on_settings_triggered(self) -> None:
        if self.context is None:
            return
        from desktop.settings_dialog import open_settings_dialog

        open_settings_dialog(self, self.context, self._on_settings_saved)

    def _on_settings_saved(self, program: ProgramSettings) -> None:
        """Every page works from the new settings from now on (map tiles switch at once)."""
        assert self.context is not None
        self.context = replace(self.context, program=program)
        self._update_title()
        self._update_status()
        self.access.restart_idle_clock(program)
        for page in (self.caseload_page, self.plan_page):
            if page is not None:
                page.context = self.context
        if self.plan_page is not None:
            self.plan_page.ui.map_view.set_tile_source(
                program.tile_url or None, program.tile_attribution
            )

    def _on_new(self) -> None:
        """File > New database…: choose a file, create an empty program there, switch to it."""
        path, _ = QFileDialog.getSaveFileName(self, "New database", "rounds.db", _DB_FILES)
        if path:
            self._open(f"sqlite:///{path}", mode="new", then=self._switch_to)

    def _on_open(self) -> None:
        """File > Open database…: an existing database file (a missing one is an error)."""
        path, _ = QFileDialog.getOpenFileName(self, "Open database", "", _DB_FILES)
        if path:
            self._open(f"sqlite:///{path}", mode="open", then=self._switch_to)

    def _switch_to(self, opened: Opened) -> None:
        """Close the pages of the current database (asking about unsaved plan edits first)."""
        if self.plan_page is not None and not self.plan_page.confirm_close():
            opened[0].dispose()
            return
        self._close_pages()
        self.access.end_session()
        if self.context is not None:
            self.context.db.dispose()
        elif self._pending is not None:
            self._pending[0].dispose()  # opened, but nobody logged in
        self._pending = None
        self.context = None
        self._create_demo = False
        self._on_database_opened(opened)

    def _close_pages(self) -> None:
        """Remove every page and window of the current session (their work is not asked
        about here: the callers asked first)."""
        self.tabs.blockSignals(True)
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is not None:
                page.deleteLater()
        self.tabs.blockSignals(False)
        self.caseload_page = self.plan_page = self.rebalance_page = self.team_page = None
        self.locations_page = self.reports_page = self.referrals_page = None
        for window in (self.audit_window, self.users_dialog):
            if window is not None:
                window.close()
        self.audit_window = self.users_dialog = None
        self._plan_dirty = False
        self._update_title()

    def _on_about(self) -> None:
        QMessageBox.about(
            self,
            "About MIH Rounds",
            "<b>MIH Rounds</b><br>Daily visit planning for community paramedicine.<br>"
            "Works offline; patient data stays on this agency's machines.",
        )

    def _run_in_dialog(self, fn: Any, on_finished: Any, dialog: QProgressDialog) -> None:
        """Run `fn` with `dialog` showing its progress; its Cancel button cancels."""

        def failed(exc: BaseException) -> None:
            dialog.close()
            show_error(self, exc)

        def progressed(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)
            dialog.setLabelText(message)

        handle = self.tasks.run(
            fn,
            on_finished,
            on_failed=failed,
            on_progress=progressed,
            on_cancelled=dialog.close,
        )
        dialog.canceled.connect(handle.cancel)

    def _progress_dialog(self, title: str) -> QProgressDialog:
        dialog = QProgressDialog(title, "Cancel", 0, 100, self)
        dialog.setWindowTitle("MIH Rounds")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        return dialog

    def _on_load_demo_triggered(self) -> None:
        if self.context is None:
            return
        from caseload import settings
        from caseload.clients import client_count
        from caseload.demo.create import create_demo
        from caseload.settings import ProgramSettings

        ctx = self.context
        dialog = self._progress_dialog("Creating the demo program…")

        def create(progress: ProgressFn, cancel: Any) -> tuple[ProgramSettings, int]:
            create_demo(ctx.db, ctx.actor, progress=progress, cancel=cancel)
            return settings.load(ctx.db, ProgramSettings), client_count(ctx.db)

        def done(result: tuple[ProgramSettings, int]) -> None:
            dialog.close()
            program, count = result
            self._on_settings_saved(program)  # the demo sets its own area (outline, centre)
            self._show_workspace(count)

        self._run_in_dialog(create, done, dialog)

    def _on_import_triggered(self) -> None:
        if self.context is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Import clients", "", "Caseload files (*.csv *.xlsx);;All files (*)"
        )
        if not path:
            return
        from caseload.clients import client_count
        from caseload.importing.clients import import_clients

        ctx = self.context
        dialog = self._progress_dialog(f"Importing {path}…")

        def run_import(progress: ProgressFn, cancel: Any) -> tuple[object, int]:
            report = import_clients(ctx.db, ctx.actor, path, progress=progress, cancel=cancel)
            return report, client_count(ctx.db)

        def done(result: tuple[object, int]) -> None:
            dialog.close()
            report, count = result
            QMessageBox.information(self, "Import finished", str(report))
            self._show_workspace(count)

        self._run_in_dialog(run_import, done, dialog)

    # --- window state --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.plan_page is not None and not self.plan_page.confirm_close():
            event.ignore()
            return
        splitter = self.caseload_page.splitter if self.caseload_page is not None else None
        save_window(self, self.tabs, splitter)
        self.tasks.cancel_all()
        super().closeEvent(event)


def _warm_up_imports(_progress: ProgressFn, _cancel: object) -> None:
    """Import the map library off the UI thread (it pulls in pandas: about a second)."""
    import maps.plan_map  # noqa: F401


def _accounts() -> AccessMode:
    from caseload.users.accounts import AccessMode

    return AccessMode.ACCOUNTS
