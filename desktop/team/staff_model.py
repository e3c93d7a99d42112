"""The staff table on the Team page: a Qt item model over a list of `StaffInfo`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from caseload.team.skills import CERTIFICATION_LABELS, ROLE_LABELS
from caseload.team.staff import StaffInfo, certification_text

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("Name", "Role", "Certifications", "Warnings", "Languages", "Home station", "h/week")
NAME, ROLE, CERTS, WARNINGS, LANGUAGES, STATION, HOURS = range(len(HEADERS))
_WARN = QColor("#b71c1c")
_INACTIVE = QColor("#808080")


def warning_text(info: StaffInfo) -> str:
    """'Expired: Immunizer (2026-11-30); expires soon: Community Paramedic (2026-12-20)'."""
    parts = []
    if info.expired:
        parts.append(
            "Expired: "
            + ", ".join(
                f"{CERTIFICATION_LABELS.get(c.name, c.name)} ({c.expires_on})" for c in info.expired
            )
        )
    if info.expiring:
        parts.append(
            "expires soon: "
            + ", ".join(
                f"{CERTIFICATION_LABELS.get(c.name, c.name)} ({c.expires_on})"
                for c in info.expiring
            )
        )
    if not info.draft.active:
        parts.insert(0, "inactive")
    return "; ".join(parts)


class StaffTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StaffInfo] = []

    def set_staff(self, staff: list[StaffInfo]) -> None:
        self.beginResetModel()
        self._rows = list(staff)
        self.endResetModel()

    def staff_at(self, row: int) -> StaffInfo:
        return self._rows[row]

    def row_of(self, staff_id: int) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.id == staff_id), None)

    def all_staff(self) -> list[StaffInfo]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(info, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == WARNINGS and (info.expired or info.expiring):
                return QBrush(_WARN)
            if not info.draft.active:
                return QBrush(_INACTIVE)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == HOURS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(info: StaffInfo, col: int) -> str:
        d = info.draft
        if col == NAME:
            return d.name
        if col == ROLE:
            return ROLE_LABELS.get(d.role, d.role)
        if col == CERTS:
            return certification_text(d.certifications)
        if col == WARNINGS:
            return warning_text(info)
        if col == LANGUAGES:
            return ", ".join(d.languages)
        if col == STATION:
            return d.home_station
        if col == HOURS:
            return f"{d.weekly_hours:g}"
        return ""
