"""The main window: Caseload, Plan the day and Caseloads (supervisor) pages, menus, shortcuts."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseload import settings
from caseload.actor import local_actor
from caseload.clients import client_count
from caseload.settings import ProgramSettings
from caseload.store.database import Database, open_database
from desktop.caseload_page import CaseloadPage
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskHandle, start_task

log = logging.getLogger(__name__)


class WelcomePage(QWidget):
    """Shown on an empty database: start from the demo or import the caseload."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch()
        title = QLabel("<h2>Welcome to MIH Rounds</h2><p>This database has no clients yet.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.demo_button = QPushButton("Load &demo program")
        self.demo_button.setToolTip("Invented clients and a team around Durham, NC, to try things")
        self.import_button = QPushButton("&Import clients…")
        self.import_button.setToolTip("A CSV or Excel file of your caseload (see the README)")
        for button in (self.demo_button, self.import_button):
            button.setMinimumWidth(240)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch()


class MainWindow(QMainWindow):
    def __init__(self, db_url: str | None, *, create_demo: bool = False) -> None:
        super().__init__()
        self.setWindowTitle("MIH Rounds")
        self.resize(1280, 760)
        self.startup_seconds = 0.0
        self.context: AppContext | None = None
        self.caseload_page: CaseloadPage | None = None
        self.plan_page: Any = None
        self.rebalance_page: Any = None
        self._tasks: list[TaskHandle] = []
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
        self._restore_window_state()
        self._open(db_url)

    # --- start-up ------------------------------------------------------------------------------
    def _open(self, db_url: str | None) -> None:
        def open_db(_p: ProgressFn, _c: object) -> tuple[Database, ProgramSettings, int]:
            db = open_database(db_url)
            return db, settings.load(db, ProgramSettings), client_count(db)

        self._run(open_db, self._on_database_opened)

    def _on_database_opened(self, result: tuple[Database, ProgramSettings, int]) -> None:
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
            self.tabs.currentChanged.connect(self._on_tabs_current_changed)
            self._run(_warm_up_imports, lambda _r: None)
            self._restore_page_state()
        self.stack.setCurrentWidget(self.tabs)
        self.caseload_page.refresh()
        if self.plan_page is not None:
            self.plan_page.refresh()

    def _on_tabs_current_changed(self, index: int) -> None:
        self._ensure_page(index)

    def _ensure_page(self, index: int) -> None:
        """Build the Plan (1) or Caseload balance (2) page the first time it is needed."""
        assert self.context is not None
        if index == 1 and self.plan_page is None:
            from desktop.plan.page import PlanPage

            self.plan_page = PlanPage(self.context)
            self._replace_tab(1, self.plan_page, "&Plan the day")
            self.plan_page.refresh()
        elif index == 2 and self.rebalance_page is None:
            from desktop.map_view import PlanMapView
            from desktop.rebalance_map_data import rebalance_map_data
            from desktop.rebalance_view import RebalanceMapState, RebalanceView

            self.rebalance_page = RebalanceView(self.context.db, self.context.actor)
            program = self.context.program
            caseload_map = PlanMapView(
                tile_url=program.tile_url or None, tile_attribution=program.tile_attribution
            )
            fitted: list[bool] = []

            def update(state: RebalanceMapState) -> None:
                caseload_map.update_map(rebalance_map_data(state), fit=not fitted)
                fitted.append(True)

            self.rebalance_page.set_map_view(caseload_map, update)
            self._replace_tab(2, self.rebalance_page, "Caseload &balance")

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

        view_menu = menu.addMenu("&View")
        for i, name in enumerate(("&Caseload", "&Plan the day", "Caseload &balance")):
            self._action(view_menu, name, f"Ctrl+{i + 1}", lambda index=i: self._show_tab(index))
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

    def _on_about(self) -> None:
        QMessageBox.about(
            self,
            "About MIH Rounds",
            "<b>MIH Rounds</b><br>Daily visit planning for community paramedicine.<br>"
            "Works offline; patient data stays on this agency's machines.",
        )

    def _run(self, fn: Any, on_finished: Any, progress: QProgressDialog | None = None) -> None:
        def failed(exc: BaseException) -> None:
            if progress is not None:
                progress.close()
            if self.context is None:
                self.loading.setText(f"Could not open the database.\n\n{exc}")
            show_error(self, exc)

        def progressed(done: int, total: int, message: str) -> None:
            if progress is not None:
                progress.setMaximum(max(total, 1))
                progress.setValue(done)
                progress.setLabelText(message)

        handle = start_task(
            fn,
            on_finished=on_finished,
            on_failed=failed,
            on_progress=progressed,
            on_cancelled=progress.close if progress is not None else None,
        )
        if progress is not None:
            progress.canceled.connect(handle.cancel)
        self._tasks = [t for t in self._tasks if t.running] + [handle]

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

        def create(progress: ProgressFn, cancel: Any) -> int:
            create_demo(ctx.db, ctx.actor, progress=progress, cancel=cancel)
            return client_count(ctx.db)

        def done(count: int) -> None:
            dialog.close()
            self._show_workspace(count)

        self._run(create, done, dialog)

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

        self._run(run_import, done, dialog)

    # --- window state --------------------------------------------------------------------------
    def _restore_window_state(self) -> None:
        state = QSettings()
        geometry = state.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        window_state = state.value("main/state")
        if isinstance(window_state, QByteArray):
            self.restoreState(window_state)

    def _restore_page_state(self) -> None:
        state = QSettings()
        tab = state.value("main/tab", 0)
        index = int(tab) if isinstance(tab, (int, str)) and str(tab).isdigit() else 0
        self.tabs.setCurrentIndex(index if 0 <= index < self.tabs.count() else 0)
        if self.caseload_page is not None:
            splitter = state.value("caseload/splitter")
            if isinstance(splitter, QByteArray):
                self.caseload_page.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.plan_page is not None and not self.plan_page.confirm_close():
            event.ignore()
            return
        state = QSettings()
        state.setValue("main/geometry", self.saveGeometry())
        state.setValue("main/state", self.saveState())
        state.setValue("main/tab", self.tabs.currentIndex())
        if self.caseload_page is not None:
            state.setValue("caseload/splitter", self.caseload_page.splitter.saveState())
        for task in self._tasks:
            task.cancel()
        super().closeEvent(event)


def _warm_up_imports(_progress: ProgressFn, _cancel: object) -> None:
    """Import the map library off the UI thread (it pulls in pandas: about a second)."""
    import maps.plan_map  # noqa: F401
