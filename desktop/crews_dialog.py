"""The crews-on-shift editor for one day: shift times, out sick, and who works with whom.

Staff with the same crew name work together (one or two per crew); an empty crew name means
the person works alone. Nothing is written until OK, and then in one transaction.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseload.errors import UserError
from caseload.planning.crew_edits import apply_shift_edits, crew_problems
from caseload.planning.crews import ShiftInfo, shifts_on
from desktop.context import AppContext
from desktop.crews_model import (
    CREW,
    NAME,
    WIDTHS,
    AnyIndex,
    CrewTableModel,
)
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner


class CrewNameDelegate(QStyledItemDelegate):
    """A line edit that completes the day's existing crew names."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setPlaceholderText("works alone")
        model = index.model()
        if isinstance(model, CrewTableModel):
            completer = QCompleter(model.crew_names(), editor)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            editor.setCompleter(completer)
        return editor


class CrewsDialog(QDialog):
    """Edit who is on shift on `on`: times, out sick, crews. OK saves everything at once."""

    crews_changed = Signal()
    shifts_loaded = Signal(int)

    def __init__(self, context: AppContext, on: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.day = on
        self.tasks = TaskRunner(self)
        self.setWindowTitle(f"Crews on shift — {on:%A %d %B %Y}")
        self.model = CrewTableModel(context.program.zone, self)

        intro = QLabel(
            "Double-click a time or a crew name to change it. Staff with the same crew name "
            "work together (one or two per crew); leave it empty to work alone. Tick "
            "<b>Out sick</b> for anyone who is off today."
        )
        intro.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(CREW, CrewNameDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for col, width in enumerate(WIDTHS):
            header.resizeSection(col, width)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.status_label = QLabel("Loading the shifts…")
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b71c1c")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Reset
        )
        reload_button = self.buttons.button(QDialogButtonBox.StandardButton.Reset)
        reload_button.setText("&Reload")
        reload_button.setToolTip("Discard your changes and read the day's shifts again")
        reload_button.clicked.connect(self.reload)
        self.add_button = self.buttons.addButton(
            "&Add someone off today…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.add_button.setToolTip("Put a colleague who is off this day on shift")
        self.add_button.clicked.connect(self.add_someone)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)
        self.resize(760, 420)

        self.model.edited.connect(self._on_model_edited)
        self._set_busy(True)
        self.reload()

    # --- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the day's shifts again (in the background), dropping unsaved changes."""
        ctx, on = self.context, self.day

        def load(_p: ProgressFn, _c: object) -> list[ShiftInfo]:
            return shifts_on(ctx.db, on, ctx.actor)

        self._set_busy(True)
        self.status_label.setText("Loading the shifts…")
        self.tasks.run(load, self._on_shifts_loaded, on_failed=self._on_task_failed)

    def _on_shifts_loaded(self, shifts: list[ShiftInfo]) -> None:
        self.model.set_shifts(shifts)
        self._set_busy(False)
        self.shifts_loaded.emit(len(shifts))

    def add_someone(self) -> QDialog | None:
        """Put someone who is off on shift today (saved at once); unsaved edits come first."""
        if self.model.changed_count():
            self.status_label.setText(
                "Save (OK) or reload your changes first, then add someone who is off."
            )
            return None
        from desktop.team.add_to_day_dialog import AddToDayDialog

        on_shift = {s.staff_id for s in self.model.loaded()}
        dialog = AddToDayDialog(self.context, self.day, on_shift, self)
        dialog.added.connect(self._on_someone_added)
        dialog.open()
        return dialog

    def _on_someone_added(self, _shift_id: int) -> None:
        self.crews_changed.emit()
        self.reload()

    # --- saving --------------------------------------------------------------------------------
    def problems(self) -> list[str]:
        return crew_problems(self.model.edits(), self.context.program.zone)

    def _on_buttons_accepted(self) -> None:
        problems = self.problems()
        if problems:
            show_error(self, CrewEditError(problems), title="Crews cannot be saved")
            return
        if self.model.changed_count() == 0:
            self.accept()
            return
        ctx, on = self.context, self.day
        loaded, edits = self.model.loaded(), self.model.edits()

        def save(_p: ProgressFn, _c: object) -> int:
            return apply_shift_edits(ctx.db, ctx.actor, on, loaded, edits)

        self._set_busy(True)
        self.status_label.setText("Saving…")
        self.tasks.run(save, self._on_saved, on_failed=self._on_task_failed)

    def _on_saved(self, _changed: int) -> None:
        self._set_busy(False)
        self.crews_changed.emit()
        self.accept()

    def _on_task_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._on_model_edited()
        show_error(self, exc, title="Crews on shift")

    # --- helpers -------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.table.setEnabled(not busy)
        for button in self.buttons.buttons():
            if self.buttons.buttonRole(button) != QDialogButtonBox.ButtonRole.RejectRole:
                button.setEnabled(not busy)

    def _on_model_edited(self) -> None:
        count, changed = self.model.rowCount(), self.model.changed_count()
        if count == 0:
            self.status_label.setText("Nobody who goes on visits is on shift this day.")
        else:
            crews = len(self.model.crew_names())
            self.status_label.setText(
                f"{count} staff on shift, {crews} named crew(s); "
                + (f"{changed} change(s) not saved yet." if changed else "no changes.")
            )
        problems = self.problems()
        self.problems_label.setText("\n".join(problems))
        self.problems_label.setVisible(bool(problems))


class CrewEditError(UserError):
    """Shown (not raised) when OK is pressed with invalid edits."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Nothing was saved:\n" + "\n".join(f"• {p}" for p in problems))
