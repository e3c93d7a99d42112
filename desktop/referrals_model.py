"""The referral queue as a Qt table model over `ReferralRow` read models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from caseload.enums import ReferralStatus
from caseload.referrals.model import ReferralRow

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

EVENT_WORDS = {
    "call_911": "911 call",
    "ed_visit": "ED visit",
    "overdose": "Overdose",
    "fall": "Fall",
    "hospital_discharge": "Hospital discharge",
}
STATUS_WORDS = {
    ReferralStatus.NEW: "New",
    ReferralStatus.ACCEPTED: "Accepted",
    ReferralStatus.DECLINED: "Declined",
    ReferralStatus.UNABLE_TO_REACH: "Unable to reach",
}
HEADERS = ("Status", "Received", "Source", "Person", "Born", "Event", "Reason", "Program")
WIDTHS = (115, 88, 120, 125, 78, 140, 120, 110)


def status_text(row: ReferralRow) -> str:
    if row.status is ReferralStatus.ACCEPTED:
        return "Contacted" if row.first_contact_at else "Awaiting contact"
    text = STATUS_WORDS[row.status]
    tries = "1 try" if row.contact_attempts == 1 else f"{row.contact_attempts} tries"
    return f"{text} ({tries})" if row.contact_attempts else text


class ReferralTableModel(QAbstractTableModel):
    """One line per referral, in the queue's order (new first, newest first)."""

    def __init__(self, zone: tzinfo | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ReferralRow] = []
        self._zone = zone

    def set_rows(self, rows: Sequence[ReferralRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ReferralRow:
        return self._rows[row]

    def row_of(self, referral_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.referral_id == referral_id:
                return i
        return None

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

    def when(self, at: datetime | None) -> str:
        return "" if at is None else f"{at.astimezone(self._zone):%d %b %H:%M}"

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            event = ""
            if row.event_kind:
                event = (
                    f"{EVENT_WORDS.get(row.event_kind, row.event_kind)} {self.when(row.event_at)}"
                )
            values = (
                status_text(row),
                self.when(row.received_at),
                row.source.label,
                row.name,
                "" if row.date_of_birth is None else f"{row.date_of_birth:%Y-%m-%d}",
                event,
                row.reason,
                row.program_name,
            )
            return values[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (0, 6):
            return row.status_reason or row.reason or None
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and row.waiting:
            return QBrush(QColor("#c62828"))
        return None
