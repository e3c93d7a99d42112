"""The Team page: who is on the team (role, certifications and their expiry, languages,
station, hours), each person's weekly pattern, and the exceptions on a chosen day. Add and
edit through dialogs; every change can be undone from the page (Undo), most recent first.
All reads and writes run in the background (`TaskRunner`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseload.actor import Actor
from caseload.store.database import Database
from caseload.team.rota import WEEKDAYS, PatternSlot, clock
from caseload.team.shifts import (
    ExceptionInfo,
    add_exception,
    all_patterns,
    exceptions_between,
    remove_exception,
    set_weekly_pattern,
)
from caseload.team.staff import StaffDraft, StaffInfo, list_staff, update_staff
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner
from desktop.team.exception_dialog import ExceptionDialog
from desktop.team.pattern_dialog import PatternDialog
from desktop.team.staff_dialog import StaffDialog
from desktop.team.staff_model import StaffTableModel


@dataclass(frozen=True, slots=True)
class TeamView:
    """What the page shows, read in one background task."""

    staff: list[StaffInfo]
    patterns: list[PatternSlot]
    exceptions: list[ExceptionInfo]


@dataclass(frozen=True, slots=True)
class UndoStep:
    label: str  # "Undo edit of Ana Reyes"
    run: Callable[[Database, Actor], None]


def pattern_text(slots: list[PatternSlot]) -> str:
    """'Mon 07:00–15:00 (30 min break) · Medic 1 · CP-1' per line; 'No weekly shifts.'"""
    if not slots:
        return "No weekly shifts."
    lines = []
    for s in sorted(slots, key=lambda s: s.weekday):
        parts = [f"{WEEKDAYS[s.weekday]} {clock(s.start_minute)}–{clock(s.end_minute)}"]
        if s.break_minutes:
            parts[0] += f" ({s.break_minutes} min break)"
        parts += [p for p in (s.crew_name, s.vehicle) if p]
        lines.append(" · ".join(parts))
    return "\n".join(lines)


class TeamPage(QWidget):
    loaded = Signal()
    changed = Signal()  # the team, a pattern or an exception changed (crews may differ)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.undo_steps: list[UndoStep] = []
        self.last_import_report = ""
        self._patterns: list[PatternSlot] = []
        self.model = StaffTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

        self.add_button = QPushButton("&Add staff…")
        self.edit_button = QPushButton("&Edit…")
        self.pattern_button = QPushButton("Weekly &pattern…")
        self.programs_button = QPushButton("P&rograms…")
        self.undo_button = QPushButton("&Undo")
        self.import_button = QPushButton("&Import…")
        import_menu = QMenu(self.import_button)
        import_menu.addAction("Staff (CSV/XLSX)…", lambda: self._ask_import("staff"))
        import_menu.addAction("Shifts (CSV/XLSX)…", lambda: self._ask_import("shifts"))
        self.import_button.setMenu(import_menu)
        self.add_button.clicked.connect(self.add_staff)
        self.edit_button.clicked.connect(self.edit_selected)
        self.pattern_button.clicked.connect(self.edit_pattern)
        self.programs_button.clicked.connect(self.open_programs)
        self.undo_button.clicked.connect(self.undo)
        bar = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.pattern_button,
            self.programs_button,
            self.import_button,
        ):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.undo_button)
        self.status_label = QLabel("Loading the team…")

        self.pattern_title = QLabel("<b>Weekly pattern</b>")
        self.pattern_label = QLabel("Select someone to see their weekly pattern.")
        self.pattern_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        today = context.today()
        self.day_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("ddd d MMM yyyy")
        self.day_edit.dateChanged.connect(lambda _d: self.refresh())
        self.exception_list = QListWidget()
        self.add_exception_button = QPushButton("Add e&xception…")
        self.remove_exception_button = QPushButton("Re&move exception")
        self.add_exception_button.clicked.connect(self.add_exception)
        self.remove_exception_button.clicked.connect(self.remove_selected_exception)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.pattern_title)
        side_layout.addWidget(self.pattern_label)
        day_row = QHBoxLayout()
        day_row.addWidget(QLabel("<b>Exceptions on</b>"))
        day_row.addWidget(self.day_edit, 1)
        side_layout.addLayout(day_row)
        side_layout.addWidget(self.exception_list, 1)
        exception_bar = QHBoxLayout()
        exception_bar.addWidget(self.add_exception_button)
        exception_bar.addWidget(self.remove_exception_button)
        side_layout.addLayout(exception_bar)

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self._update_buttons()

    # --- reading -------------------------------------------------------------------------------
    def day(self) -> date:
        q = self.day_edit.date()
        return date(q.year(), q.month(), q.day())

    def refresh(self) -> None:
        ctx, on, today = self.context, self.day(), self.context.today()

        def load(_p: ProgressFn, _c: object) -> TeamView:
            return TeamView(
                list_staff(ctx.db, ctx.actor, today),
                all_patterns(ctx.db, ctx.actor),
                exceptions_between(ctx.db, ctx.actor, on, on),
            )

        self.tasks.run(load, self._on_loaded, on_failed=self._on_failed)

    def _on_loaded(self, view: TeamView) -> None:
        selected = self.selected()
        self.model.set_staff(view.staff)
        self._patterns = view.patterns
        self.exception_list.clear()
        for info in view.exceptions:
            item = QListWidgetItem(f"{info.staff_name}: {info.text}")
            item.setData(Qt.ItemDataRole.UserRole, info)
            self.exception_list.addItem(item)
        if not view.exceptions:
            self.exception_list.addItem("No exceptions: everyone works their weekly pattern.")
        if selected is not None and (row := self.model.row_of(selected.id)) is not None:
            self.table.selectRow(row)
        elif self.model.rowCount():
            self.table.selectRow(0)
        active = sum(1 for s in view.staff if s.draft.active)
        warned = sum(1 for s in view.staff if s.expired or s.expiring)
        self.status_label.setText(
            f"{len(view.staff)} staff ({active} active); "
            + (
                f"{warned} with certifications expired or expiring soon."
                if warned
                else "no certification expires within 30 days."
            )
            + (f"  {self.last_import_report.splitlines()[0]}" if self.last_import_report else "")
        )
        self._show_selected()
        self.loaded.emit()

    def selected(self) -> StaffInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.staff_at(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        info = self.selected()
        if info is None:
            self.pattern_title.setText("<b>Weekly pattern</b>")
            self.pattern_label.setText("Select someone to see their weekly pattern.")
        else:
            self.pattern_title.setText(f"<b>Weekly pattern — {info.name}</b>")
            self.pattern_label.setText(
                pattern_text([p for p in self._patterns if p.staff_id == info.id])
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.pattern_button.setEnabled(has)
        self.undo_button.setEnabled(bool(self.undo_steps))
        self.undo_button.setToolTip(self.undo_steps[-1].label if self.undo_steps else "")

    # --- changing ------------------------------------------------------------------------------
    def add_staff(self) -> StaffDialog:
        dialog = StaffDialog(self.context, None, self)
        dialog.saved.connect(self._on_staff_saved)
        dialog.open()
        return dialog

    def edit_selected(self) -> StaffDialog | None:
        info = self.selected()
        if info is None:
            return None
        dialog = StaffDialog(self.context, info, self)
        dialog.saved.connect(self._on_staff_saved)
        dialog.open()
        return dialog

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_selected()

    def _on_staff_saved(self, staff_id: int, before: object) -> None:
        if isinstance(before, StaffDraft):
            self._push(f"Undo the edit of {before.name}", _restore_staff(staff_id, before))
        self._after_change()

    def edit_pattern(self) -> PatternDialog | None:
        info = self.selected()
        if info is None:
            return None
        slots = [p for p in self._patterns if p.staff_id == info.id]
        dialog = PatternDialog(self.context, info.id, info.name, slots, self)
        dialog.saved.connect(self._on_pattern_saved)
        dialog.open()
        return dialog

    def _on_pattern_saved(self, staff_id: int, before: object) -> None:
        slots = list(before) if isinstance(before, list) else []
        today = self.context.today()

        def restore(db: Database, actor: Actor) -> None:
            set_weekly_pattern(db, actor, staff_id, slots, today)

        self._push("Undo the weekly pattern change", restore)
        self._after_change()

    def add_exception(self) -> ExceptionDialog:
        info = self.selected()
        dialog = ExceptionDialog(
            self.context,
            self.model.all_staff(),
            self.day(),
            None if info is None else info.id,
            self,
        )
        dialog.saved.connect(self._on_exception_added)
        dialog.open()
        return dialog

    def _on_exception_added(self, exception_id: int) -> None:
        def restore(db: Database, actor: Actor) -> None:
            remove_exception(db, actor, exception_id)

        self._push("Undo the new exception", restore)
        self._after_change()

    def remove_selected_exception(self) -> None:
        item = self.exception_list.currentItem()
        info = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(info, ExceptionInfo) or info.exception.exception_id is None:
            return
        exception_id = info.exception.exception_id
        again = replace(info.exception, exception_id=None)

        def readd(db: Database, actor: Actor) -> None:
            add_exception(db, actor, again)

        self._run_change(
            lambda db, actor: remove_exception(db, actor, exception_id),
            UndoStep("Undo the removal of the exception", readd),
        )

    def undo(self) -> None:
        if not self.undo_steps:
            return
        step = self.undo_steps.pop()
        self._run_change(step.run, None)

    def open_programs(self) -> None:
        from desktop.team.programs_dialog import ProgramsDialog

        dialog = ProgramsDialog(self.context, self)
        dialog.open()

    def _ask_import(self, kind: str) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, f"Import {kind}", "", "Team files (*.csv *.xlsx);;All files (*)"
        )
        if path:
            self.import_file(kind, path)

    def import_file(self, kind: str, path: str) -> None:
        """Import a staff or shifts file (all or nothing) in the background; report, refresh."""
        from caseload.importing.shifts import import_shifts
        from caseload.importing.staff import import_staff

        importer = import_staff if kind == "staff" else import_shifts
        ctx = self.context

        def work(progress: ProgressFn, cancel: object) -> str:
            return str(importer(ctx.db, ctx.actor, path, progress=progress))

        def done(report: str) -> None:
            self.last_import_report = report
            self._after_change()

        self.status_label.setText(f"Importing {path}…")
        self.tasks.run(work, done, on_failed=self._on_failed)

    # --- helpers -------------------------------------------------------------------------------
    def _run_change(self, change: Callable[[Database, Actor], None], undo: UndoStep | None) -> None:
        ctx = self.context

        def work(_p: ProgressFn, _c: object) -> bool:
            change(ctx.db, ctx.actor)
            return True

        def done(_result: bool) -> None:
            if undo is not None:
                self._push(undo.label, undo.run)
            self._after_change()

        self.tasks.run(work, done, on_failed=self._on_failed)

    def _push(self, label: str, run: Callable[[Database, Actor], None]) -> None:
        self.undo_steps.append(UndoStep(label, run))
        self._update_buttons()

    def _after_change(self) -> None:
        self._update_buttons()
        self.changed.emit()
        self.refresh()

    def _on_failed(self, exc: BaseException) -> None:
        show_error(self, exc, title="Team")
        self.refresh()


def _restore_staff(staff_id: int, before: StaffDraft) -> Callable[[Database, Actor], None]:
    def restore(db: Database, actor: Actor) -> None:
        current = next(s for s in list_staff(db, actor, date.today()) if s.id == staff_id)
        update_staff(db, actor, staff_id, current.version, before)

    return restore
