"""The crews-on-shift editor for one day: shift times, out sick, and who works with whom.

Staff with the same crew name work together (one or two per crew); an empty crew name means
the person works alone. Nothing is written until OK, and then in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
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
from caseload.planning.crews import (
    ShiftEdit,
    ShiftInfo,
    apply_shift_edits,
    crew_problems,
    edit_of,
    shifts_on,
)
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskHandle, start_task

AnyIndex = QModelIndex | QPersistentModelIndex

NAME, ROLE, START, END, SICK, CREW = range(6)
HEADERS = ("Staff", "Role", "Start", "End", "Out sick", "Crew")
TOOLTIPS = (
    "Staff member on shift this day",
    "Their role",
    "Shift start (double-click to change)",
    "Shift end (double-click to change)",
    "Tick when someone is out sick: their crew is planned without them",
    "Staff with the same crew name work together (one or two per crew); empty = works alone",
)
WIDTHS = (190, 150, 70, 90, 75, 130)
ROLE_LABELS = {
    "community_paramedic": "Community paramedic",
    "peer_support": "Peer support",
    "nurse": "Nurse",
}
CHANGED_BRUSH = QBrush(QColor("#fff3cd"))
MUTED_BRUSH = QBrush(QColor("#777777"))


class CrewTableModel(QAbstractTableModel):
    """Staff on shift on one day, as loaded (`ShiftInfo`) and as edited (`ShiftEdit`)."""

    edited = Signal()

    def __init__(self, zone: ZoneInfo, parent: Any = None) -> None:
        super().__init__(parent)
        self._zone = zone
        self._loaded: list[ShiftInfo] = []
        self._edits: list[ShiftEdit] = []

    def set_shifts(self, shifts: Sequence[ShiftInfo]) -> None:
        self.beginResetModel()
        self._loaded = list(shifts)
        self._edits = [edit_of(s) for s in shifts]
        self.endResetModel()
        self.edited.emit()

    def loaded(self) -> list[ShiftInfo]:
        return list(self._loaded)

    def edits(self) -> list[ShiftEdit]:
        return list(self._edits)

    def is_changed(self, row: int) -> bool:
        return self._edits[row] != edit_of(self._loaded[row])

    def changed_count(self) -> int:
        return sum(self.is_changed(i) for i in range(len(self._edits)))

    def crew_names(self) -> list[str]:
        return sorted({e.crew_name.strip() for e in self._edits if e.crew_name.strip()})

    # --- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._edits)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (START, END, CREW):
            flags |= Qt.ItemFlag.ItemIsEditable
        if index.column() == SICK:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._edits):
            return None
        edit, col = self._edits[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), col)
        if role == Qt.ItemDataRole.EditRole:
            if col in (START, END):
                local = self._local(edit.starts_at if col == START else edit.ends_at)
                return QTime(local.hour, local.minute)
            if col == CREW:
                return edit.crew_name
            return self._display(index.row(), col)
        if role == Qt.ItemDataRole.CheckStateRole and col == SICK:
            return Qt.CheckState.Checked if edit.out_sick else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.BackgroundRole and self._cell_changed(index.row(), col):
            return CHANGED_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and (
            (col == CREW and not edit.crew_name.strip()) or (edit.out_sick and col != SICK)
        ):
            return MUTED_BRUSH
        if role == Qt.ItemDataRole.FontRole and edit.out_sick and col == NAME:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row())
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._edits):
            return False
        row, col = index.row(), index.column()
        edit = self._edits[row]
        new: ShiftEdit | None = None
        if role == Qt.ItemDataRole.CheckStateRole and col == SICK:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            new = replace(edit, out_sick=checked)
        elif role == Qt.ItemDataRole.EditRole and col in (START, END):
            clock = parse_clock(value)
            if clock is None:
                return False
            new = self._with_time(row, col, clock)
        elif role == Qt.ItemDataRole.EditRole and col == CREW:
            new = replace(edit, crew_name=" ".join(str(value).split()))
        if new is None:
            return False
        if new != edit:
            self._edits[row] = new
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
            self.edited.emit()
        return True

    # --- helpers -------------------------------------------------------------------------------
    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self._zone)

    def _display(self, row: int, col: int) -> str:
        edit = self._edits[row]
        match col:
            case 0:
                return edit.staff_name
            case 1:
                info = self._loaded[row]
                return ROLE_LABELS.get(info.role, info.role.replace("_", " "))
            case 2:
                return f"{self._local(edit.starts_at):%H:%M}"
            case 3:
                start, end = self._local(edit.starts_at), self._local(edit.ends_at)
                later = (end.date() - start.date()).days
                return f"{end:%H:%M}" + (f" (+{later} day)" if later > 0 else "")
            case 4:
                return ""
            case 5:
                return edit.crew_name or "works alone"
        return ""

    def _cell_changed(self, row: int, col: int) -> bool:
        before, now = edit_of(self._loaded[row]), self._edits[row]
        match col:
            case 2:
                return before.starts_at != now.starts_at
            case 3:
                return before.ends_at != now.ends_at
            case 4:
                return before.out_sick != now.out_sick
            case 5:
                return before.crew_name != now.crew_name
        return False

    def _tooltip(self, row: int) -> str:
        info = self._loaded[row]
        text = f"{info.staff_name}: {self._local(info.starts_at):%H:%M}–"
        text += f"{self._local(info.ends_at):%H:%M}"
        text += f", crew {info.crew_name}" if info.crew_name else ", works alone"
        if info.out_sick:
            text += ", out sick"
        return text + (" (changed, not saved yet)" if self.is_changed(row) else "")

    def _with_time(self, row: int, col: int, clock: time) -> ShiftEdit:
        """The edit with a new start or end clock time on the shift's own day. An end at or
        before the start stays on the start's day (and is refused by validation), unless the
        shift already ran past midnight."""
        edit, info = self._edits[row], self._loaded[row]
        start = self._local(edit.starts_at)
        if col == START:
            moved = datetime.combine(start.date(), clock, tzinfo=self._zone)
            return replace(edit, starts_at=moved)
        end = datetime.combine(start.date(), clock, tzinfo=self._zone)
        overnight = self._local(info.ends_at).date() > self._local(info.starts_at).date()
        if end <= start and overnight:
            end += timedelta(days=1)
        return replace(edit, ends_at=end)


def parse_clock(value: Any) -> time | None:
    """A clock time from a QTime, a `time` or 'HH:MM' text; None if it is not one."""
    if isinstance(value, QTime):
        return time(value.hour(), value.minute()) if value.isValid() else None
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    try:
        hours, minutes = str(value).strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return None


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
        self._tasks: list[TaskHandle] = []
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
        self._run(load, self._on_shifts_loaded)

    def _on_shifts_loaded(self, shifts: list[ShiftInfo]) -> None:
        self.model.set_shifts(shifts)
        self._set_busy(False)
        self.shifts_loaded.emit(len(shifts))

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
        self._run(save, self._on_saved)

    def _on_saved(self, _changed: int) -> None:
        self._set_busy(False)
        self.crews_changed.emit()
        self.accept()

    def _on_task_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._on_model_edited()
        show_error(self, exc, title="Crews on shift")

    # --- helpers -------------------------------------------------------------------------------
    def _run(self, fn: Any, on_finished: Any) -> None:
        handle = start_task(fn, on_finished=on_finished, on_failed=self._on_task_failed)
        self._tasks = [t for t in self._tasks if t.running] + [handle]

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
