"""Qt item models over the caseload's read models (never ORM rows)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from caseload.clients import ClientRow
from caseload.enums import Tier
from desktop.plain_text import plain_tooltip

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
    "new_referral": "New referral",
    "not_found": "Not found last time",
    "propose_disenrolment": "Disenrolment proposed",
    "transported": "Transported to ED",
    "rescheduled": "Rescheduled",
}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    tooltip: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("Tier", "MUST: see today. HIGH: should be seen soon. ROUTINE: per cadence.", 66),
    Column("Score", "Sum of the priority reasons' points (hover a row for the reasons)", 50),
    Column("Client", "Name (external id in the tooltip)", 140),
    Column("Why", "The top priority reasons (hover for the full text)", 260),
    Column("Flags", "Unsheltered, familiar face, recent overdose / discharge / fall...", 120),
    Column("Programs", "Active program enrollments", 115),
    Column("Last contact", "Last completed visit", 84),
    Column(
        "Next due",
        "A first contact's deadline, else when the next visit is due by the program's cadence "
        "(red: overdue)",
        112,
    ),
    Column("Clinician", "Assigned clinician", 115),
    Column("Language", "The client's language", 70),
)
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ht": "Haitian Creole",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "ar": "Arabic",
    "ko": "Korean",
    "ru": "Russian",
    "pt": "Portuguese",
    "tl": "Tagalog",
    "hi": "Hindi",
    "sw": "Swahili",
    "so": "Somali",
    "am": "Amharic",
    "ne": "Nepali",
    "my": "Burmese",
    "asl": "ASL",
}
UNASSIGNED = "unassigned"
PROGRAM_LABELS = {
    "overdose_followup": "Overdose follow-up",
    "high_utilizer": "High utilizer",
    "fall_prevention": "Falls",
    "homebound_vaccine": "Vaccine",
    "chronic_disease": "Chronic disease",
    "community_advocacy": "Advocacy",
}
OVERDUE_COLOUR = QColor("#c62828")


def language_name(code: str) -> str:
    """ "Spanish" for "es" (a code Qt does not know stays as it is)."""
    code = code.strip()
    if code.lower() in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code.lower()]
    locale = QLocale(code)
    if locale.language() != QLocale.Language.C and len(code) in (2, 3):
        return QLocale.languageToString(locale.language())
    return code


def languages_text(row: ClientRow) -> str:
    return ", ".join(language_name(c) for c in row.languages)


def _deadline_overdue(row: ClientRow, today: date, zone: tzinfo | None) -> bool:
    if row.due_by is None:
        return False
    if today == date.today():
        return row.due_by < datetime.now(UTC)
    return row.due_by.astimezone(zone).date() < today


def _fmt_date(value: date | None, today: date) -> str:
    """'14 Nov' this year, '14 Nov 2025' otherwise; a dash when there is none."""
    if value is None:
        return "—"
    return value.strftime("%d %b") if value.year == today.year else value.strftime("%d %b %Y")


class CaseloadTableModel(QAbstractTableModel):
    """The caseload table: a list of `ClientRow`s, replaced wholesale on refresh."""

    def __init__(self, rows: Sequence[ClientRow] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ClientRow] = list(rows)
        self._today = date.today()
        self.zone: tzinfo | None = None  # the program's: deadlines show in its local time

    def set_rows(self, rows: Sequence[ClientRow], today: date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if today is not None:
            self._today = today
        self.endResetModel()

    def rows(self) -> list[ClientRow]:
        return list(self._rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the Python list with one precomputed key per row (fast for 10,000 rows), not
        via the proxy's pairwise data() calls. Stable: ties keep their previous order."""
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        key = self._key_function(column)
        keys = [key(r) for r in self._rows]
        order_ = sorted(
            range(len(keys)),
            key=keys.__getitem__,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [self._rows[i] for i in order_]
        persistent = self.persistentIndexList()
        if persistent:
            new_pos = [0] * len(order_)
            for new, old in enumerate(order_):
                new_pos[old] = new
            for index in persistent:
                if 0 <= index.row() < len(new_pos):
                    moved = self.index(new_pos[index.row()], index.column())
                    self.changePersistentIndex(index, moved)
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
        if role == Qt.ItemDataRole.ToolTipRole:  # client text: shown as typed, never as HTML
            if col == 2:
                return plain_tooltip(f"{row.name} ({row.external_id})")
            if col in (4, 5, 8, 9):  # the full text when the column is too narrow
                return plain_tooltip(self._display(row, col) or None)
            if col == 7 and row.due_by is not None:
                return f"First contact due {row.due_by.astimezone(self.zone):%a %d %b %H:%M}"
            return plain_tooltip(row.top_reasons or None)
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QBrush(TIER_COLOURS[row.tier])
        if role == Qt.ItemDataRole.ForegroundRole and col == 7 and self._overdue(row):
            return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.ForegroundRole and col == 8 and not row.clinician:
            return QBrush(TIER_COLOURS[Tier.ROUTINE])
        if role == Qt.ItemDataRole.FontRole and col == 8 and not row.clinician:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _overdue(self, row: ClientRow) -> bool:
        if row.due_by is not None:
            return _deadline_overdue(row, self._today, self.zone)
        return row.next_due is not None and row.next_due < self._today

    def _display(self, row: ClientRow, col: int) -> str:
        return display_text(row, col, self._today, self.zone)

    def _sort_key(self, row: ClientRow, col: int) -> Any:
        return self._key_function(col)(row)

    def _key_function(self, col: int) -> Callable[[ClientRow], Any]:
        match col:
            case 0:
                return lambda r: (r.tier.rank, -r.score)
            case 1:
                return lambda r: r.score
            case 2:
                return lambda r: r.name.lower()
            case 3:
                return lambda r: r.top_reasons.lower()
            case 6:
                return lambda r: r.last_contact.toordinal() if r.last_contact else 0
            case 7:
                return lambda r: (
                    r.due_by.timestamp() / 86400
                    if r.due_by
                    else (r.next_due.toordinal() - 719163 if r.next_due else 10**7)
                )
            case 8:
                return lambda r: r.clinician.lower()
        today, zone = self._today, self.zone
        return lambda r: display_text(r, col, today, zone).lower()


def display_text(row: ClientRow, col: int, today: date, zone: tzinfo | None = None) -> str:
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
            return ", ".join(PROGRAM_LABELS.get(p, p.replace("_", " ")) for p in row.programs)
        case 6:
            return _fmt_date(row.last_contact, today)
        case 7:
            if row.due_by is not None:  # a first contact: its deadline, not the cadence
                due = row.due_by.astimezone(zone)
                when = f"{due:%H:%M}" if due.date() == today else f"{due:%a %H:%M}"
                late = " (overdue)" if _deadline_overdue(row, today, zone) else ""
                return f"due {when}{late}"
            if row.next_due is not None and row.next_due < today:
                return f"{_fmt_date(row.next_due, today)} (overdue)"
            return _fmt_date(row.next_due, today)
        case 8:
            return row.clinician or UNASSIGNED
        case 9:
            return languages_text(row)
    return ""


class CaseloadFilterProxy(QSortFilterProxyModel):
    """Free text (name, id, reasons), tier, program, clinician and housing filters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)
        self._accepted: set[int] | None = None
        self._active = False  # any filter set: else every row is accepted without a lookup
        self._haystacks: dict[int, str] = {}  # client id -> lowercased searchable text
        self._text = ""
        self._tier: str | None = None
        self._program: str | None = None
        self._clinician: str | None = None
        self._housing: str | None = None
        self._language: str | None = None

    def set_filters(
        self,
        *,
        text: str = "",
        tier: str | None = None,
        program: str | None = None,
        clinician: str | None = None,
        housing: str | None = None,
        language: str | None = None,
    ) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self._tier, self._program = tier, program
        self._clinician, self._housing, self._language = clinician, housing, language
        self._accepted = None
        self._active = bool(
            self._text or tier or program or clinician is not None or housing or language
        )
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts itself; the proxy keeps source order (its sort column stays -1).
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._active:
            return True
        if self._accepted is None:
            model = self.sourceModel()
            assert isinstance(model, CaseloadTableModel)
            self._accepted = {i for i, row in enumerate(model.rows()) if self.accepts(row)}
        return source_row in self._accepted

    def invalidate_cache(self) -> None:
        self._accepted = None

    def _on_source_about_to_be_reset(self) -> None:
        self._accepted = None
        self._haystacks = {}

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        # Row numbers change on reset and sort: drop the accepted-rows cache first.
        model.modelAboutToBeReset.connect(self._on_source_about_to_be_reset)
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
        if self._language and self._language not in row.languages:
            return False
        if self._text:
            haystack = self._haystacks.get(row.client_id)
            if haystack is None:
                spoken = languages_text(row)  # "spanish" finds the Spanish speakers
                haystack = f"{row.name} {row.external_id} {row.top_reasons} {spoken}".lower()
                self._haystacks[row.client_id] = haystack
            return self._text in haystack
        return True
