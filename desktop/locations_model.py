"""The "Locations to check" rows as a Qt table model over `ClientLocation` read models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from caseload.locations import ClientLocation

AnyIndex = QModelIndex | QPersistentModelIndex
CLIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

HEADERS: tuple[tuple[str, str], ...] = (
    ("Client", "External id and name"),
    ("Address", "As the client's record has it"),
    ("Quality", "exact, interpolated, street, zip, manual or none"),
    ("Why check", "What is wrong with the location"),
)


class LocationsTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ClientLocation] = []

    def set_rows(self, rows: Sequence[ClientLocation]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ClientLocation]:
        return list(self._rows)

    def row_of(self, client_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.client_id == client_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADERS[section][1]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == CLIENT_ID_ROLE:
            return row.client_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (
                f"{row.external_id} {row.name}",
                row.address or "—",
                row.location.quality.value,
                row.check_reason,
            )[index.column()]
        return None
