"""Record what happened at each stop of a saved plan, in the order of the route sheets.

One row per stop on the left; the entry form for the current row on the right: outcome, start
and end, who, where we looked (a client not found), the program's checklist, a short note, the
new day of a rescheduled visit. Enter saves the row and moves to the next stop without an
outcome, so a whole day can be typed in without the mouse. A row already recorded is corrected
instead, with a reason (audited). Every database call runs through a `TaskRunner`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from caseload.clients import ClientRow, list_client_rows
from caseload.enums import VisitStatus
from caseload.errors import UserError
from caseload.outcomes.checklist import ChecklistItem
from caseload.outcomes.model import (
    MET_CLIENT,
    OUTCOMES,
    OutcomeEntry,
    OutcomeInfo,
    StopForOutcome,
    outcome_label,
)
from caseload.outcomes.service import correct_outcome, record_outcome, record_unplanned
from caseload.outcomes.stops import stops_for_outcomes
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner

COLUMNS = ("Crew", "#", "Client", "Planned", "Outcome")


class OutcomesDialog(QDialog):
    """Outcome entry for saved plan `plan_id` (of `plan_date`)."""

    outcomes_changed = Signal()
    loaded = Signal()
    saved = Signal()

    def __init__(
        self,
        context: AppContext,
        plan_id: int,
        plan_date: date,
        *,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.plan_id, self.plan_date, self.now = context, plan_id, plan_date, now
        self.zone = context.program.zone
        self.tasks = TaskRunner(self)
        self.stops: list[StopForOutcome] = []
        self.setWindowTitle(f"Visit outcomes — {plan_date:%a %d %b %Y}")
        self.resize(1100, 600)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)

        self.outcome = QComboBox()
        for status in OUTCOMES:
            self.outcome.addItem(outcome_label(status), status.value)
        self.outcome.currentIndexChanged.connect(self._on_outcome_current_index_changed)
        self.started = QTimeEdit()
        self.started.setDisplayFormat("HH:mm")
        self.ended = QTimeEdit()
        self.ended.setDisplayFormat("HH:mm")
        self.who = QLineEdit()
        self.looked = QComboBox()
        self.looked.setEditable(True)
        self.looked.setToolTip("One of the client's usual places, or type where you looked")
        self.checklist = QListWidget()
        self.checklist.setMaximumHeight(170)
        self.checklist.setToolTip("Space ticks the current item")
        self.note = QLineEdit()
        self.note.setPlaceholderText("A short note")
        self.rescheduled = QDateEdit()
        self.rescheduled.setCalendarPopup(True)
        self.rescheduled.setDisplayFormat("ddd d MMM yyyy")
        self.why = QLineEdit()
        self.why.setPlaceholderText("Why the recorded outcome is corrected (required)")

        form = QFormLayout()
        form.addRow("&Outcome", self.outcome)
        form.addRow("&Start", self.started)
        form.addRow("&End", self.ended)
        form.addRow("&Who", self.who)
        form.addRow("Where we &looked", self.looked)
        form.addRow("&Checklist", self.checklist)
        form.addRow("&Note", self.note)
        form.addRow("Rescheduled &to", self.rescheduled)
        form.addRow("Correction: w&hy", self.why)
        self.form = form
        right = QWidget()
        right.setLayout(form)

        self.status = QLabel("Loading the stops…")
        self.status.setWordWrap(True)
        self.save_button = QPushButton("Save && &next (Enter)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_current)
        self.unplanned_client = QComboBox()
        self.unplanned_client.setEditable(True)
        self.unplanned_client.setToolTip("A client the crew met without a planned visit")
        self.unplanned_client.setMinimumContentsLength(18)
        self.unplanned_button = QPushButton("Record &unplanned contact")
        self.unplanned_button.setAutoDefault(False)
        self.unplanned_button.setToolTip(
            "Record the form (completed, declined or transported) for the client chosen on "
            "the left: a contact nobody planned, e.g. met on the street"
        )
        self.unplanned_button.clicked.connect(self.save_unplanned)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)

        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addWidget(right, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unplanned_client)
        buttons.addWidget(self.unplanned_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        hint = QLabel(
            "One row per stop, in the order of the route sheets. Fill in the form and press "
            "Enter: the outcome is saved and the next stop comes up. A recorded stop is done "
            "and locked on the plan; correcting it needs a reason."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self._set_enabled(False)
        self.reload()

    # --- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        ctx, plan_id, on = self.context, self.plan_id, self.plan_date

        def load(
            _p: ProgressFn, _c: threading.Event
        ) -> tuple[list[StopForOutcome], list[ClientRow]]:
            return stops_for_outcomes(ctx.db, plan_id, ctx.actor), list_client_rows(
                ctx.db, on, ctx.actor
            )

        self.tasks.run(load, self._on_loaded_all)

    def _on_loaded_all(self, result: tuple[list[StopForOutcome], list[ClientRow]]) -> None:
        stops, clients = result
        self.unplanned_client.clear()
        for client in sorted(clients, key=lambda c: c.name):
            self.unplanned_client.addItem(f"{client.name} ({client.external_id})", client.client_id)
        self.unplanned_client.setCurrentIndex(-1)
        self._on_loaded(stops)

    def _on_loaded(self, stops: list[StopForOutcome]) -> None:
        self.stops = stops
        self.table.setRowCount(len(stops))
        for row, stop in enumerate(stops):
            self._fill_row(row, stop)
        self.table.resizeColumnsToContents()
        self._set_enabled(bool(stops))
        done = sum(1 for s in stops if s.done)
        self.status.setText(f"{done} of {len(stops)} stops recorded.")
        if stops:
            self.table.setCurrentCell(self._next_open(-1), 0)
            self.outcome.setFocus()
        self.loaded.emit()

    def _fill_row(self, row: int, stop: StopForOutcome) -> None:
        planned = ""
        if stop.planned_start is not None:
            planned = f"{stop.planned_start.astimezone(self.zone):%H:%M}"
        outcome = stop.outcome.label if stop.outcome is not None else ""
        for col, text in enumerate(
            (stop.crew_name, str(stop.seq), stop.client_name, planned, outcome)
        ):
            item = QTableWidgetItem(text)
            if col == 4 and stop.outcome is not None:
                item.setToolTip(f"Recorded by {stop.outcome.recorded_by}")
            self.table.setItem(row, col, item)

    def _next_open(self, after: int) -> int:
        """The next row without an outcome after `after` (wrapping), else the row after it."""
        n = len(self.stops)
        for step in range(1, n + 1):
            row = (after + step) % n
            if not self.stops[row].done:
                return row
        return min(after + 1, n - 1) if after >= 0 else 0

    # --- the form --------------------------------------------------------------------------------
    @property
    def current(self) -> StopForOutcome | None:
        row = self.table.currentRow()
        return self.stops[row] if 0 <= row < len(self.stops) else None

    def _on_table_current_cell_changed(self, row: int, *_rest: int) -> None:
        if 0 <= row < len(self.stops):
            self._show(self.stops[row])

    def _show(self, stop: StopForOutcome) -> None:
        recorded = stop.outcome
        status = recorded.status if recorded is not None else VisitStatus.COMPLETED
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(status.value)))
        start = (recorded.started_at if recorded else None) or stop.planned_start
        end = (recorded.ended_at if recorded else None) or stop.planned_end
        self.started.setTime(_qtime(start, self.zone))
        self.ended.setTime(_qtime(end, self.zone))
        self.who.setText(recorded.performed_by if recorded else stop.performed_by)
        self.looked.clear()
        for place in stop.places:
            self.looked.addItem(place.label, place.place_id)
        if recorded is not None and recorded.looked_place_id is not None:
            self.looked.setCurrentIndex(max(0, self.looked.findData(recorded.looked_place_id)))
        elif recorded is not None and recorded.looked_where:
            self.looked.setEditText(recorded.looked_where)
        elif stop.routed_place_id is not None:
            self.looked.setCurrentIndex(max(0, self.looked.findData(stop.routed_place_id)))
        self.checklist.clear()
        ticked = set(recorded.checklist) if recorded else set()
        for item in stop.checklist:
            entry = QListWidgetItem(item.label)
            entry.setData(Qt.ItemDataRole.UserRole, item.value)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(
                Qt.CheckState.Checked if item in ticked else Qt.CheckState.Unchecked
            )
            self.checklist.addItem(entry)
        self.note.setText(recorded.note if recorded else "")
        day = (recorded.rescheduled_to if recorded else None) or self.plan_date + timedelta(days=1)
        self.rescheduled.setDate(QDate(day.year, day.month, day.day))
        self.why.clear()
        self.why.setEnabled(recorded is not None)
        self.save_button.setText(
            "Correct && &next (Enter)" if recorded else "Save && &next (Enter)"
        )
        self._on_outcome_current_index_changed()

    def _status(self) -> VisitStatus:
        return VisitStatus(self.outcome.currentData())

    def _on_outcome_current_index_changed(self, *_args: object) -> None:
        status = self._status()
        met = status in MET_CLIENT
        self.started.setEnabled(met or status is VisitStatus.NO_CONTACT)
        self.ended.setEnabled(met or status is VisitStatus.NO_CONTACT)
        self.checklist.setEnabled(met)
        self.looked.setEnabled(status is VisitStatus.NO_CONTACT)
        self.rescheduled.setEnabled(status is VisitStatus.RESCHEDULED)

    def entry(self) -> OutcomeEntry:
        """The form as an entry (fields that do not apply to the outcome are left out)."""
        status = self._status()
        met = status in MET_CLIENT
        timed = met or status is VisitStatus.NO_CONTACT
        place_id = self.looked.currentData()
        typed = self.looked.currentText().strip()
        if isinstance(place_id, int) and self.looked.itemText(self.looked.currentIndex()) != typed:
            place_id = None  # the user typed over the place
        checked = tuple(
            ChecklistItem(self.checklist.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.checklist.count())
            if self.checklist.item(i).checkState() == Qt.CheckState.Checked
        )
        not_found = status is VisitStatus.NO_CONTACT
        return OutcomeEntry(
            status=status,
            started_at=self._moment(self.started.time()) if timed else None,
            ended_at=self._moment(self.ended.time()) if timed else None,
            performed_by=self.who.text(),
            looked_place_id=place_id if not_found and isinstance(place_id, int) else None,
            looked_where=typed if not_found and not isinstance(place_id, int) else "",
            checklist=checked if met else (),
            note=self.note.text(),
            rescheduled_to=(
                _pydate(self.rescheduled.date()) if status is VisitStatus.RESCHEDULED else None
            ),
        )

    def _moment(self, value: QTime) -> datetime:
        return datetime.combine(
            self.plan_date, time(value.hour(), value.minute()), tzinfo=self.zone
        )

    # --- saving ---------------------------------------------------------------------------------
    def save_current(self) -> None:
        stop = self.current
        if stop is None or self.tasks.busy:
            return
        row = self.table.currentRow()
        try:
            entry = self.entry()
        except (UserError, ValueError) as exc:
            show_error(self, exc)
            return
        ctx, plan_id, now, why = self.context, self.plan_id, self.now(), self.why.text()
        recorded = stop.outcome

        def save(_p: ProgressFn, _c: threading.Event) -> OutcomeInfo:
            if recorded is not None:
                return correct_outcome(ctx.db, ctx.actor, recorded.visit_id, entry, why, now=now)
            return record_outcome(ctx.db, ctx.actor, plan_id, stop.client_id, entry, now=now)

        self._set_enabled(False)
        self.tasks.run(save, lambda info: self._on_saved(row, info), on_failed=self._on_failed)

    def _on_saved(self, row: int, info: OutcomeInfo) -> None:
        stop = self.stops[row]
        self.stops[row] = replace(stop, outcome=info)
        self._fill_row(row, self.stops[row])
        self._set_enabled(True)
        done = sum(1 for s in self.stops if s.done)
        self.status.setText(
            f"{stop.client_name}: {info.label}. {done} of {len(self.stops)} stops recorded."
        )
        self.outcomes_changed.emit()
        self.saved.emit()
        self.table.setCurrentCell(self._next_open(row), 0)
        self.outcome.setFocus()

    def save_unplanned(self) -> None:
        """The form, for the client picked beside the button, as a contact nobody planned."""
        client_id = self.unplanned_client.currentData()
        if not isinstance(client_id, int) or self.tasks.busy:
            show_error(self, UserError("Unplanned contact: pick the client first."))
            return
        entry = replace(self.entry(), checklist=(), looked_place_id=None, looked_where="")
        ctx, on, now = self.context, self.plan_date, self.now()
        name = self.unplanned_client.currentText()

        def save(_p: ProgressFn, _c: threading.Event) -> OutcomeInfo:
            return record_unplanned(ctx.db, ctx.actor, client_id, on, entry, now=now)

        def done(info: OutcomeInfo) -> None:
            self._set_enabled(True)
            self.status.setText(f"Unplanned contact with {name}: {info.label}.")
            self.outcomes_changed.emit()
            self.saved.emit()

        self._set_enabled(False)
        self.tasks.run(save, done, on_failed=self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_enabled(True)
        show_error(self, exc)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.table, self.outcome, self.save_button, self.who, self.note):
            widget.setEnabled(enabled)
        if enabled:
            self._on_outcome_current_index_changed()


def _qtime(moment: datetime | None, zone: object) -> QTime:
    if moment is None:
        return QTime(9, 0)
    local = moment.astimezone(zone)  # type: ignore[arg-type]
    return QTime(local.hour, local.minute)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
