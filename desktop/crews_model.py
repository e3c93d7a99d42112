"""The crews-on-shift table: staff on shift on one day, as loaded and as edited (times, out
sick, crew names), with the changed cells marked. Used by `desktop.crews_dialog`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
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

from caseload.planning.crew_edits import ShiftEdit, edit_of
from caseload.planning.crews import ShiftInfo

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
