"""The main window: Caseload, Plan the day and Caseloads (supervisor) pages, menus, shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

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
    QWidget,
)

from caseload import settings
from caseload.actor import local_actor
from caseload.clients import client_count
from caseload.new_program import create_program_database
from caseload.settings import ProgramSettings
from caseload.store.database import Database, database_exists, open_database
from desktop.caseload_page import CaseloadPage
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner
from desktop.welcome_page import WelcomePage
from desktop.window_state import restore_pages, restore_window, save_window

Opened = tuple[Database, ProgramSettings, int]  # the database, its settings, its client count
OpenMode = Literal["open", "create", "new"]
_DB_FILES = "MIH Rounds databases (*.db);;All files (*)"


class MainWindow(QMainWindow):
    """`create`: make the database at `db_url` if there is none (the first start on the default
    database, `rounds --demo`); otherwise a missing database is an error shown on the window,
    which then offers File > New database… and Open database…."""

    def __init__(
        self, db_url: str | None, *, create_demo: bool = False, create: bool = False
    ) -> None:
        super().__init__()
        self.setWindowTitle("MIH Rounds")
        self.resize(1280, 760)
        self.startup_seconds = 0.0
        self.context: AppContext | None = None
        self.caseload_page: CaseloadPage | None = None
        self.plan_page: Any = None
        self.rebalance_page: Any = None
        self.team_page: Any = None
        # Locations to check (issue 15): a placeholder tab until first shown.
        self.locations_page: Any = None
        self._locations_placeholder: QWidget | None = None
        self.reports_page: Any = None
        self.referrals_page: Any = None
        self.tasks = TaskRunner(self)
        self._create_demo = create_demo

        self.stack = QStackedWidget()
        self.loading = QLabel("Opening the database…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome = WelcomePage()
        self.tabs = QTabWidget()
        for page in (self.loading, self.welcome, self.tabs):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._build_actions()
        self.welcome.demo_button.clicked.connect(self._on_load_demo_triggered)
        self.welcome.import_button.clicked.connect(self._on_import_triggered)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        restore_window(self)
        mode: OpenMode = "create" if create or create_demo else "open"
        self._open(db_url, mode=mode, then=self._on_database_opened)

    # --- start-up, switching databases -------------------------------------------------------
    def _open(self, db_url: str | None, *, mode: OpenMode, then: Callable[[Opened], None]) -> None:
        """Open the database off the UI thread ("new" refuses one that exists, "create" makes
        one only if there is none, "open" needs one), then call `then` on the UI thread."""
        actor = local_actor()
        self._ask_for_database_key(db_url)

        def open_db(_p: ProgressFn, _c: object) -> Opened:
            if mode == "new" or (mode == "create" and not database_exists(db_url)):
                db = create_program_database(db_url, actor)
            else:
                db = open_database(db_url)
            from caseload.store.backup import daily_backup

            daily_backup(db)  # the day's first start keeps a copy beside the database
            return db, settings.load(db, ProgramSettings), client_count(db)

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
        db, program, count = result
        self.context = AppContext(db, local_actor(), program)
        self.status_label.setText(f"{program.program_name} · {db.describe()}")
        self.setWindowTitle(f"MIH Rounds — {program.program_name}")
        if self._create_demo and count == 0:
            self._create_demo = False
            self._on_load_demo_triggered()
            return
        self._show_workspace(count)

    def _show_workspace(self, count: int) -> None:
        if count == 0:
            self.stack.setCurrentWidget(self.welcome)
            return
        assert self.context is not None
        if self.caseload_page is None:
            self.caseload_page = CaseloadPage(self.context)
            self.tabs.addTab(self.caseload_page, "&Caseload")
            # The other pages (a web view, the map library) are built when first shown, so the
            # caseload is usable sooner; the map library loads in the background meanwhile.
            self.tabs.addTab(QWidget(), "&Plan the day")
            self.tabs.addTab(QWidget(), "Caseload &balance")
            self.tabs.addTab(QWidget(), "&Team")  # staff, shifts, programs (desktop.team)
            self._locations_placeholder = QWidget()
            self.tabs.addTab(self._locations_placeholder, "Locations to chec&k")
            self._add_reports_tab()
            self.tabs.addTab(QWidget(), "Referr&als")  # built when first shown (index 6)
            self.tasks.run(_warm_up_imports, lambda _r: None)
            restore_pages(self.tabs, self.caseload_page.splitter)
        self.stack.setCurrentWidget(self.tabs)
        self.caseload_page.refresh()
        if self.plan_page is not None:
            self.plan_page.refresh()

    def _on_tabs_current_changed(self, index: int) -> None:
        self._ensure_page(index)
        self._ensure_locations_page(index)

    def _ensure_page(self, index: int) -> None:
        """Build the Plan (1) or Caseload balance (2) page the first time it is needed."""
        assert self.context is not None
        if index == 1 and self.plan_page is None:
            from desktop.plan.page import PlanPage

            self.plan_page = PlanPage(self.context)
            self._replace_tab(1, self.plan_page, "&Plan the day")
            self.plan_page.refresh()
        elif index == 2 and self.rebalance_page is None:
            from desktop.rebalance_map_data import install_caseload_map
            from desktop.rebalance_view import RebalanceView

            self.rebalance_page = RebalanceView(self.context.db, self.context.actor)
            install_caseload_map(self.rebalance_page, self.context.program)
            self._replace_tab(2, self.rebalance_page, "Caseload &balance")
        elif index == 3 and self.team_page is None:
            self._build_team_page()
        elif index == 6 and self.referrals_page is None:
            self._build_referrals_page()

    def _build_team_page(self) -> None:
        """The Team page (index 3); a change there may change the day's crews on the Plan."""
        from desktop.team.page import TeamPage

        assert self.context is not None
        self.team_page = TeamPage(self.context)
        self.team_page.changed.connect(self._on_team_page_changed)
        self._replace_tab(3, self.team_page, "&Team")
        self.team_page.refresh()

    def _on_team_page_changed(self) -> None:
        if self.plan_page is not None:
            self.plan_page.refresh()

    def _ensure_locations_page(self, index: int) -> None:
        """Build Locations to check the first time its tab is shown; refresh it after that."""
        assert self.context is not None
        if self.locations_page is not None:
            if self.tabs.indexOf(self.locations_page) == index:
                self.locations_page.refresh()
            return
        if self._locations_placeholder is None or (
            self.tabs.widget(index) is not self._locations_placeholder
        ):
            return
        from desktop.locations_page import LocationsPage

        self.locations_page = LocationsPage(self.context)
        self._replace_tab(index, self.locations_page, "Locations to chec&k")
        self._locations_placeholder = None
        self.locations_page.refresh()

    def _add_reports_tab(self) -> None:
        """The Reports page (outcome measures); it computes in a worker when first filled."""
        from desktop.reports.page import ReportsPage

        assert self.context is not None
        self.reports_page = ReportsPage(self.context)
        self.tabs.addTab(self.reports_page, "&Reports")

    def _build_referrals_page(self) -> None:
        """The Referrals page (index 6); accepting a referral changes the caseload's list."""
        from desktop.referrals_page import ReferralsPage

        assert self.context is not None
        self.referrals_page = ReferralsPage(self.context)
        self._replace_tab(6, self.referrals_page, "Referr&als")
        if self.caseload_page is not None:
            self.referrals_page.triaged.connect(lambda _text: self.caseload_page.refresh())
        self.referrals_page.refresh()

    def _replace_tab(self, index: int, page: QWidget, title: str) -> None:
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, title)
        self.tabs.setCurrentIndex(index)
        self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()

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
        for i, name in enumerate(("&Caseload", "&Plan the day", "Caseload &balance")):
            self._action(view_menu, name, f"Ctrl+{i + 1}", lambda index=i: self._show_tab(index))
        self._action(view_menu, "&Team", "Ctrl+4", lambda: self._show_tab(3))
        self._action(view_menu, "Referr&als", "Ctrl+5", lambda: self._show_tab(6))
        help_menu = menu.addMenu("&Help")
        self._action(help_menu, "&About MIH Rounds", None, self._on_about)

    def _action(self, menu: Any, text: str, shortcut: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _show_tab(self, index: int) -> None:
        if self.stack.currentWidget() is self.tabs:
            self.tabs.setCurrentIndex(index)
            self._ensure_page(index)

    def _plan_call(self, name: str) -> None:
        if self.caseload_page is None:
            return
        if name in ("undo", "redo", "cancel") and self.plan_page is None:
            return
        if name not in ("undo", "redo", "cancel"):
            self.tabs.setCurrentIndex(1)
        self._ensure_page(1)
        getattr(self.plan_page, name)()

    def _on_find(self) -> None:
        if self.caseload_page is not None:
            self.tabs.setCurrentWidget(self.caseload_page)
            self.caseload_page.focus_search()

    def _on_settings_triggered(self) -> None:
        if self.context is None:
            return
        from desktop.settings_dialog import open_settings_dialog

        open_settings_dialog(self, self.context, self._on_settings_saved)

    def _on_settings_saved(self, program: ProgramSettings) -> None:
        """Every page works from the new settings from now on (map tiles switch at once)."""
        assert self.context is not None
        self.context = replace(self.context, program=program)
        self.setWindowTitle(f"MIH Rounds — {program.program_name}")
        self.status_label.setText(f"{program.program_name} · {self.context.db.describe()}")
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
        self.tabs.blockSignals(True)
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is not None:
                page.deleteLater()
        self.tabs.blockSignals(False)
        self.caseload_page = self.plan_page = self.rebalance_page = self.team_page = None
        self.locations_page = self._locations_placeholder = None
        self.reports_page = None
        self.referrals_page = None
        if self.context is not None:
            self.context.db.dispose()
        self.context = None
        self._create_demo = False
        self._on_database_opened(opened)

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
        from caseload.demo.create import create_demo

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
