"""The audit log as a Qt table model that loads pages on demand (`fetchMore`): the view asks
for more rows as the user scrolls, and a loader fetches them off the UI thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from caseload.audit_view import AuditPage, AuditRow

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("When", "User", "Action", "Record", "Client", "Details", "Machine")
WIDTHS = (140, 110, 170, 120, 70, 380, 120)
_NO_CHANGES = "—"


class AuditTableModel(QAbstractTableModel):
    """Rows of the current search, newest first. `load_more(offset)` is called (at most once at
    a time) when the view wants rows beyond those loaded; it answers with `add_page`."""

    def __init__(self, zone: tzinfo | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []
        self._total = 0
        self._zone = zone
        self._loading = False
        self.load_more: Callable[[int], None] | None = None

    # --- content ---------------------------------------------------------------------------
    def set_page(self, page: AuditPage) -> None:
        """The first page of a new search."""
        self.beginResetModel()
        self._rows = list(page.rows)
        self._total = page.total
        self._loading = False
        self.endResetModel()

    def add_page(self, page: AuditPage) -> None:
        """A later page of the same search (dropped if it does not continue the rows)."""
        self._loading = False
        if page.offset != len(self._rows) or not page.rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self.endInsertRows()

    def clear(self) -> None:
        self.set_page(AuditPage((), 0, 0, 0))

    def load_failed(self) -> None:
        self._loading = False

    @property
    def total(self) -> int:
        return self._total

    @property
    def rows(self) -> Sequence[AuditRow]:
        return self._rows

    def row_at(self, row: int) -> AuditRow:
        return self._rows[row]

    # --- lazy loading ----------------------------------------------------------------------
    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._loading and len(self._rows) < self._total and self.load_more is not None

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self.load_more is None:
            return
        self._loading = True
        self.load_more(len(self._rows))

    # --- Qt model --------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5 and row.details:
            return _plain(row.details)
        return None

    def cell(self, row: AuditRow, column: int) -> str:
        if column == 0:
            return f"{row.at.astimezone(self._zone):%Y-%m-%d %H:%M:%S}"
        if column == 1:
            return row.user
        if column == 2:
            return row.action
        if column == 3:
            return f"{row.entity} {row.entity_id}"
        if column == 4:
            return "" if row.client_id is None else str(row.client_id)
        if column == 5:
            return row.details.replace("\n", " ")[:300]
        return row.machine


def change_lines(row: AuditRow) -> list[tuple[str, str, str]]:
    """(field, before, after) for the detail area: every field that either side names."""
    before, after = row.before or {}, row.after or {}
    fields = sorted(before.keys() | after.keys())
    return [
        (
            name,
            _text(before.get(name)) if row.before is not None else _NO_CHANGES,
            _text(after.get(name)) if row.after is not None else _NO_CHANGES,
        )
        for name in fields
    ]


def _text(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def _plain(text: str) -> str | None:
    from desktop.plain_text import plain_tooltip

    return plain_tooltip(text)
