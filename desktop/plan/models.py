"""Item models of the planning page: candidates (checkable), routes (crews -> stops, drag and
drop), unassigned visits. All wrap read models; none touches the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from caseload.planning.candidates import Candidate
from caseload.planning.model import (
    CrewRoute,
    DayPlan,
    PlannedStop,
    UnassignedVisit,
    deadline_text,
)
from desktop.caseload_model import TIER_COLOURS
from desktop.plan.flag_icons import flag_icon, flag_text

AnyIndex = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 10
STOP_MIME = "application/x-rounds-stop"


def hhmm(moment: datetime | None, zone: Any = None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime("%H:%M")


def minutes_text(span: timedelta) -> str:
    """ "45 min", "1 h 20 min"; empty under a minute."""
    minutes = int(span.total_seconds() // 60)
    if minutes <= 0:
        return ""
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins} min" if hours and mins else f"{hours} h" if hours else f"{mins} min"


@dataclass(frozen=True, slots=True)
class BreakRow:
    """The crew's break, listed between the stops it falls between."""

    starts: datetime
    minutes: int


RouteEntry = PlannedStop | BreakRow


def route_entries(route: CrewRoute) -> list[RouteEntry]:
    """The route's stops in order with its break (if any) before the first stop reached after
    the break began."""
    entries: list[RouteEntry] = list(route.stops)
    if route.break_at is not None and route.crew.break_minutes > 0:
        at = next(
            (i for i, stop in enumerate(route.stops) if stop.arrival >= route.break_at),
            len(route.stops),
        )
        entries.insert(at, BreakRow(route.break_at, route.crew.break_minutes))
    return entries


def window_text(
    window: tuple[datetime, datetime] | None,
    zone: Any = None,
    *,
    due: datetime | None = None,
    planned: datetime | None = None,
) -> str:
    """The hard slot, or the first-contact deadline (with how late `planned` is for it)."""
    if window is not None:
        return f"{hhmm(window[0], zone)}–{hhmm(window[1], zone)}"
    if due is not None:
        return deadline_text(due, planned, zone)
    return "any time"


class ReadModelTable(QAbstractTableModel):
    """A flat table over a list of read models: subclasses give HEADERS and `data`."""

    HEADERS: tuple[str, ...] = ()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._row_count()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def _row_count(self) -> int:
        raise NotImplementedError


class CandidateTableModel(ReadModelTable):
    """Everyone who could be visited on the day; the check box says who will be."""

    selection_changed = Signal()
    HEADERS = ("Visit", "Tier", "Client", "Purpose", "Window", "Where", "Clinician")

    def __init__(self, zone: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Candidate] = []
        self._selected: set[str] = set()
        self._zone = zone

    def set_candidates(self, rows: Sequence[Candidate], selected: set[str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._selected = set(selected)
        self.endResetModel()

    def set_selected(self, selected: set[str]) -> None:
        self._selected = set(selected)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def selected(self) -> set[str]:
        return set(self._selected)

    def candidates(self) -> list[Candidate]:
        return list(self._rows)

    def candidate(self, row: int) -> Candidate:
        return self._rows[row]

    def _row_count(self) -> int:
        return len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        cand = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if cand.key in self._selected else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                "",
                cand.tier.value,
                cand.name,
                cand.purpose,
                window_text(
                    cand.windows[0] if cand.windows else None,
                    self._zone,
                    due=cand.due_by,
                ),
                cand.location_text,
                cand.assigned_clinician,
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:  # the row in full: its cells elide
            clinician = cand.assigned_clinician or "no clinician assigned"
            return "\n".join(
                [f"{cand.name} — {cand.purpose}", cand.location_text, clinician, *cand.reasons]
            )
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QBrush(TIER_COLOURS[cand.tier])
        if role == KEY_ROLE:
            return cand.key
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0 or not index.isValid():
            return False
        key = self._rows[index.row()].key
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if checked:
            self._selected.add(key)
        else:
            self._selected.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.selection_changed.emit()
        return True


class RouteTreeModel(QAbstractItemModel):
    """Crews (top level) and their stops in order. Dropping a stop on a crew or between stops
    emits `stop_dropped(key, crew, position)`; the page turns it into an undoable edit."""

    stop_dropped = Signal(str, str, int)
    HEADERS = ("Stop", "ETA", "Window", "Wait", "Late", "Client", "Purpose", "Why")
    CLIENT, PURPOSE, WHY = 5, 6, 7

    def __init__(self, zone: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._routes: list[CrewRoute] = []
        self._entries: list[list[RouteEntry]] = []
        self._colors: dict[str, str] = {}
        self._zone = zone
        self._done: dict[str, str] = {}  # candidate key -> recorded outcome (done and locked)

    def set_done(self, done: dict[str, str]) -> None:
        """Stops with a recorded outcome: shown as done ("✔ Completed") in the Why column."""
        self.beginResetModel()
        self._done = dict(done)
        self.endResetModel()

    def set_plan(self, plan: DayPlan | None, colors: dict[str, str]) -> None:
        self.beginResetModel()
        self._routes = list(plan.routes) if plan is not None else []
        self._entries = [route_entries(r) for r in self._routes]
        self._colors = dict(colors)
        self.endResetModel()

    def routes(self) -> list[CrewRoute]:
        return list(self._routes)

    # Internal pointer: 0 for crew rows; crew row + 1 for stop rows.
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() == 0:
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._routes)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._entries[parent.row()])
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def entry_at(self, index: AnyIndex) -> RouteEntry | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._entries[int(index.internalId()) - 1][index.row()]

    def stop_at(self, index: AnyIndex) -> tuple[CrewRoute, PlannedStop] | None:
        """The stop on a stop row (None on crew and break rows)."""
        entry = self.entry_at(index)
        if not isinstance(entry, PlannedStop):
            return None
        return self._routes[int(index.internalId()) - 1], entry

    def crew_at(self, index: AnyIndex) -> CrewRoute | None:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._routes[index.row()]
        return self._routes[int(index.internalId()) - 1]

    def index_of_key(self, key: str) -> QModelIndex:
        for r, entries in enumerate(self._entries):
            for s, entry in enumerate(entries):
                if isinstance(entry, PlannedStop) and entry.key == key:
                    return self.index(s, 0, self.index(r, 0))
        return QModelIndex()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if index.internalId() == 0:
            route = self._routes[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return self._crew_text(route, col)
            if role == Qt.ItemDataRole.DecorationRole and col == 0:
                return QColor(self._colors.get(route.crew.name, "#888888"))
            if role == Qt.ItemDataRole.ToolTipRole:
                crew = route.crew
                return (
                    f"{crew.member_names}\nShift {hhmm(crew.starts_at, self._zone)}–"
                    f"{hhmm(crew.ends_at, self._zone)} from {crew.base_name}\n"
                    f"Leaves the base {hhmm(route.leaves_base, self._zone)}: a crew leaves "
                    "later rather than wait at its first stop\n"
                    f"Skills: {', '.join(sorted(crew.skills))}"
                )
            return None
        entry = self.entry_at(index)
        if isinstance(entry, BreakRow):
            return self._break_data(entry, col, role)
        found = self.stop_at(index)
        if found is None:
            return None
        route, stop = found
        if role == Qt.ItemDataRole.DisplayRole:
            return self._stop_text(stop, col)
        if role == KEY_ROLE:
            return stop.key
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return flag_icon(pinned=stop.pinned, locked=stop.locked)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._stop_tooltip(route, stop)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.CLIENT:
            return QBrush(TIER_COLOURS[stop.tier])
        if role == Qt.ItemDataRole.ForegroundRole and col in (2, 4) and stop.late:
            return QBrush(QColor("#c62828"))  # an overdue first contact: arrives after "by"
        return None

    def _stop_tooltip(self, route: CrewRoute, stop: PlannedStop) -> str:
        zone = self._zone
        timing = f"Arrives {hhmm(stop.arrival, zone)}"
        if stop.waiting_s >= 60:
            timing += f", waits {stop.waiting_s // 60} min"
        timing += f", starts {hhmm(stop.start, zone)}, leaves {hhmm(stop.departure, zone)}"
        flags = flag_text(pinned=stop.pinned, locked=stop.locked, crew=route.crew.name)
        return "\n".join(
            [
                f"{stop.name} — {stop.purpose}",
                timing,
                *([flags] if flags else []),
                *([f"Done: {self._done[stop.key]}"] if stop.key in self._done else []),
                stop.location_text,
                *stop.reasons,
                *([stop.order_note[:1].upper() + stop.order_note[1:]] if stop.order_note else []),
            ]
        )

    def _break_data(self, entry: BreakRow, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            ends = entry.starts + timedelta(minutes=entry.minutes)
            return {
                1: hhmm(entry.starts, self._zone),
                self.CLIENT: "Break",
                self.PURPOSE: f"{entry.minutes} min, until {hhmm(ends, self._zone)}",
            }.get(col, "")
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#546e7a"))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"The crew's {entry.minutes} min break, from {hhmm(entry.starts, self._zone)}"
        return None

    def _crew_text(self, route: CrewRoute, col: int) -> str:
        if col == 0:  # the crew row spans the view (see PlanPage.apply_state): say it all
            crew = route.crew
            shift = f"{hhmm(crew.starts_at, self._zone)}–{hhmm(crew.ends_at, self._zone)}"
            return f"{crew.name} ({crew.member_names}) · shift {shift} · " + self._crew_text(
                route, self.PURPOSE
            )
        if col == 1:
            return hhmm(route.leaves_base, self._zone)
        if col == 2:
            crew = route.crew
            return f"{hhmm(crew.starts_at, self._zone)}–{hhmm(crew.ends_at, self._zone)}"
        if col == 3:
            waiting = sum(s.waiting_s for s in route.stops)
            return f"{waiting // 60} min" if waiting >= 60 else ""
        if col == self.CLIENT:
            return route.crew.member_names
        if col == self.PURPOSE:
            back = hhmm(route.returns, self._zone)
            leaves = hhmm(route.leaves_base, self._zone)
            return (
                f"{len(route.stops)} stops · driving {route.travel_s // 60} min"
                + (f" · leaves {leaves}" if leaves else "")
                + (f" · back {back}" if back else "")
            )
        return ""

    def _stop_text(self, stop: PlannedStop, col: int) -> str:
        match col:
            case 0:
                return str(stop.seq)
            case 1:
                return hhmm(stop.start, self._zone)
            case 2:
                return window_text(stop.window, self._zone, due=stop.due_by, planned=stop.start)
            case 3:
                return f"{stop.waiting_s // 60} min" if stop.waiting_s >= 60 else ""
            case 4:
                return minutes_text(stop.lateness)
            case 5:
                return stop.name
            case 6:
                return stop.purpose
            case 7:
                if stop.key in self._done:  # done and locked: its outcome says it all
                    return f"✔ {self._done[stop.key]}"
                return "; ".join(stop.reasons)
        return ""

    # --- drag and drop -------------------------------------------------------------------------
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base
        if index.internalId() == 0:
            return base | Qt.ItemFlag.ItemIsDropEnabled
        if isinstance(self.entry_at(index), BreakRow):
            return base
        return base | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [STOP_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        keys = {str(i.data(KEY_ROLE)) for i in indexes if i.data(KEY_ROLE)}
        if len(keys) == 1:
            mime.setData(STOP_MIME, next(iter(keys)).encode())
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        return data.hasFormat(STOP_MIME) and parent.isValid()

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        key = bytes(data.data(STOP_MIME).data()).decode()
        route = self.crew_at(parent)
        if route is None:
            return False
        if parent.internalId() != 0:  # dropped onto a stop: insert before it
            row = parent.row()
        crew_row = parent.row() if parent.internalId() == 0 else int(parent.internalId()) - 1
        entries = self._entries[crew_row]
        # A row counts the break too: the position is the number of stops before it.
        position = (
            len(route.stops) if row < 0 else sum(isinstance(e, PlannedStop) for e in entries[:row])
        )
        self.stop_dropped.emit(key, route.crew.name, position)
        return False  # the page re-reads the plan; nothing moves here


class UnassignedTableModel(ReadModelTable):
    HEADERS = ("Tier", "Client", "Purpose", "Why not planned")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[UnassignedVisit] = []

    def set_rows(self, rows: Sequence[UnassignedVisit]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def item(self, row: int) -> UnassignedVisit:
        return self._rows[row]

    def _row_count(self) -> int:
        return len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            cand = item.candidate
            return (cand.tier.value, cand.name, cand.purpose, item.reason)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.reason
        if role == KEY_ROLE:
            return item.candidate.key
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return QBrush(TIER_COLOURS[item.candidate.tier])
        return None
