"""The proposed moves as a checkable table (a Qt item model over `ProposedMove` read models)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from caseload.rebalance import ProposedMove, WorkloadSnapshot
from desktop.plain_text import plain_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
MOVE_ROLE = Qt.ItemDataRole.UserRole + 1

HEADERS: tuple[tuple[str, str], ...] = (
    ("Apply", "Tick the moves to apply"),
    ("Client", "External id and name"),
    ("From", "The clinician who carries the client now"),
    ("To", "The suggested clinician"),
    ("h/wk", "The client's expected hours per week with the new clinician"),
    ("km to base", "Straight-line distance to the new clinician's base (was: current)"),
    ("Reason", "Why this move helps"),
)


def _km(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


class RebalanceMovesModel(QAbstractTableModel):
    """Rows are moves (suggested, or added by hand); column 0 carries the check box."""

    checks_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._moves: list[ProposedMove] = []
        self._checked: list[bool] = []
        self._manual: list[bool] = []
        self._snapshot: WorkloadSnapshot | None = None

    # --- content -----------------------------------------------------------------------------
    def set_moves(self, moves: Sequence[ProposedMove], snapshot: WorkloadSnapshot | None) -> None:
        """Replace the rows: every suggested move starts ticked."""
        self.beginResetModel()
        self._moves = list(moves)
        self._checked = [True] * len(self._moves)
        self._manual = [False] * len(self._moves)
        self._snapshot = snapshot
        self.endResetModel()
        self.checks_changed.emit()

    def add_manual(self, move: ProposedMove) -> None:
        """Add a hand-picked move (ticked); it replaces any other row for the same client."""
        for row, existing in enumerate(self._moves):
            if existing.client_id == move.client_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._moves[row], self._checked[row], self._manual[row]
                self.endRemoveRows()
                break
        row = len(self._moves)
        self.beginInsertRows(QModelIndex(), row, row)
        self._moves.append(move)
        self._checked.append(True)
        self._manual.append(True)
        self.endInsertRows()
        self.checks_changed.emit()

    def moves(self) -> list[ProposedMove]:
        return list(self._moves)

    def checked_moves(self) -> list[ProposedMove]:
        return [m for m, on in zip(self._moves, self._checked, strict=True) if on]

    def set_all_checked(self, checked: bool) -> None:
        self._checked = [checked] * len(self._moves)
        if self._moves:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._moves) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.checks_changed.emit()

    # --- Qt model ----------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._moves)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADERS[section][1]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._moves):
            return None
        move = self._moves[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if self._checked[index.row()] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(move, column, self._manual[index.row()])
        if role == Qt.ItemDataRole.ToolTipRole:  # names and reasons: as typed, never HTML
            return plain_tooltip(self._tooltip(move, column))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == MOVE_ROLE:
            return move
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != 0
            or role != Qt.ItemDataRole.CheckStateRole
            or not 0 <= index.row() < len(self._moves)
        ):
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        if self._checked[index.row()] == checked:
            return True
        self._checked[index.row()] = checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checks_changed.emit()
        return True

    def _display(self, move: ProposedMove, column: int, manual: bool) -> str:
        if column == 0:
            return "manual" if manual else ""
        if column == 1:
            return f"{move.external_id} {move.client_name}"
        if column == 2:
            return move.from_name
        if column == 3:
            return move.to_name
        if column == 4:
            return f"{move.hours_to:.2f}"
        if column == 5:
            return f"{_km(move.km_to)} (was {_km(move.km_from)})"
        return move.reason

    def _tooltip(self, move: ProposedMove, column: int) -> str:
        if column == 4 and self._snapshot is not None:
            try:
                return self._snapshot.explain(move.client_id, move.to_id)
            except KeyError:
                return move.reason
        return move.reason
