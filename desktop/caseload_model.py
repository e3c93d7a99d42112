"""Qt item models over the caseload's read models (never ORM rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from caseload.clients import ClientRow
from caseload.enums import Tier

AnyIndex = QModelIndex | QPersistentModelIndex

TIER_COLOURS = {
    Tier.MUST: QColor("#c62828"),
    Tier.HIGH: QColor("#ef6c00"),
    Tier.ROUTINE: QColor("#546e7a"),
}
FLAG_LABELS = {
    "unsheltered": "Unsheltered",
    "familiar_face": "Familiar face",
    "recent_overdose": "Recent overdose",
    "recent_discharge": "Recent discharge",
    "recent_fall": "Recent fall",
    "vaccine_due": "Vaccine due",
    "overdue": "Overdue",
    "appointment": "Appointment",
}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    tooltip: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("Tier", "MUST: see today. HIGH: should be seen soon. ROUTINE: per cadence.", 70),
    Column("Score", "Sum of the priority reasons' points (hover a row for the reasons)", 55),
    Column("Client", "Name (external id in the tooltip)", 170),
    Column("Why", "The top priority reasons", 300),
    Column("Flags", "Unsheltered, familiar face, recent overdose / discharge / fall...", 180),
    Column("Programs", "Active program enrollments", 170),
    Column("Last contact", "Last completed visit", 95),
    Column("Next due", "When the next visit is due by program cadence", 90),
    Column("Clinician", "Assigned clinician", 130),
)


def _fmt_date(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else "—"


class CaseloadTableModel(QAbstractTableModel):
    """The caseload table: a list of `ClientRow`s, replaced wholesale on refresh."""

    def __init__(self, rows: Sequence[ClientRow] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ClientRow] = list(rows)
        self._today = date.today()

    def set_rows(self, rows: Sequence[ClientRow], today: date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if today is not None:
            self._today = today
        self.endResetModel()

    def rows(self) -> list[ClientRow]:
        return list(self._rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the Python list with one key per row (fast for 10,000 rows), not via the proxy's
        pairwise data() calls."""
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        old = {id(r): i for i, r in enumerate(self._rows)}
        self._rows.sort(
            key=lambda r: self._sort_key(r, column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        new_pos = {old[id(r)]: i for i, r in enumerate(self._rows)}
        for persistent in self.persistentIndexList():
            moved = new_pos.get(persistent.row(), persistent.row())
            self.changePersistentIndex(persistent, self.index(moved, persistent.column()))
        self.layoutChanged.emit()

    def row_at(self, row: int) -> ClientRow:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tooltip
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 2:
                return f"{row.name} ({row.external_id})"
            return row.top_reasons or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QBrush(TIER_COLOURS[row.tier])
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: ClientRow, col: int) -> str:
        return display_text(row, col, self._today)

    def _sort_key(self, row: ClientRow, col: int) -> Any:
        match col:
            case 0:
                return (row.tier.rank, -row.score)
            case 1:
                return row.score
            case 6:
                return row.last_contact.toordinal() if row.last_contact else 0
            case 7:
                return row.next_due.toordinal() if row.next_due else 10**7
        return display_text(row, col, self._today).lower()


def display_text(row: ClientRow, col: int, today: date) -> str:
    """What column `col` shows for `row`."""
    match col:
        case 0:
            return row.tier.value
        case 1:
            return f"{row.score:.0f}"
        case 2:
            return row.name
        case 3:
            return row.top_reasons
        case 4:
            return ", ".join(FLAG_LABELS.get(f, f) for f in sorted(row.flags))
        case 5:
            return ", ".join(p.replace("_", " ") for p in row.programs)
        case 6:
            return _fmt_date(row.last_contact)
        case 7:
            if row.next_due is not None and row.next_due < today:
                return f"{_fmt_date(row.next_due)} (overdue)"
            return _fmt_date(row.next_due)
        case 8:
            return row.clinician
    return ""


class CaseloadFilterProxy(QSortFilterProxyModel):
    """Free text (name, id, reasons), tier, program, clinician and housing filters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)
        self._accepted: set[int] | None = None
        self._text = ""
        self._tier: str | None = None
        self._program: str | None = None
        self._clinician: str | None = None
        self._housing: str | None = None

    def set_filters(
        self,
        *,
        text: str = "",
        tier: str | None = None,
        program: str | None = None,
        clinician: str | None = None,
        housing: str | None = None,
    ) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self._tier, self._program = tier, program
        self._clinician, self._housing = clinician, housing
        self._accepted = None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts itself; the proxy keeps source order (its sort column stays -1).
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._accepted is None:
            model = self.sourceModel()
            assert isinstance(model, CaseloadTableModel)
            self._accepted = {i for i, row in enumerate(model.rows()) if self.accepts(row)}
        return source_row in self._accepted

    def invalidate_cache(self) -> None:
        self._accepted = None

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        # Row numbers change on reset and sort: drop the accepted-rows cache first.
        model.modelAboutToBeReset.connect(self.invalidate_cache)
        model.layoutAboutToBeChanged.connect(self.invalidate_cache)

    def accepts(self, row: ClientRow) -> bool:
        if self._tier and row.tier.value != self._tier:
            return False
        if self._program and self._program not in row.programs:
            return False
        if self._clinician is not None and row.clinician != self._clinician:
            return False
        if self._housing and row.housing_status != self._housing:
            return False
        if self._text:
            haystack = f"{row.name} {row.external_id} {row.top_reasons}".lower()
            return self._text in haystack
        return True
