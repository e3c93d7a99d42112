"""Record leave, a sick day, a swap or an extra shift for one person on one day."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from caseload.enums import ShiftExceptionKind
from caseload.team.rota import DayException
from caseload.team.shifts import add_exception, slot_problems
from caseload.team.staff import StaffInfo
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner
from desktop.team.pattern_dialog import to_minute

KIND_LABELS = {
    ShiftExceptionKind.LEAVE: "Leave (off)",
    ShiftExceptionKind.SICK: "Sick",
    ShiftExceptionKind.SWAP: "Swap (a colleague works this shift)",
    ShiftExceptionKind.EXTRA: "Extra shift (or other hours)",
}


class ExceptionDialog(QDialog):
    """`saved(exception_id)` after saving."""

    saved = Signal(int)

    def __init__(
        self,
        context: AppContext,
        staff: list[StaffInfo],
        on: date,
        staff_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Add an exception to the weekly pattern")
        self.person = QComboBox()
        self.swap_with = QComboBox()
        for info in staff:
            if info.draft.active:
                self.person.addItem(info.name, info.id)
                self.swap_with.addItem(info.name, info.id)
        if staff_id is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(staff_id)))
        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.day = QDateEdit(QDate(on.year, on.month, on.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd yyyy-MM-dd")
        self.start, self.end = QTimeEdit(QTime(7, 0)), QTimeEdit(QTime(15, 0))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.breaks = QSpinBox()
        self.breaks.setRange(0, 240)
        self.breaks.setValue(30)
        self.crew, self.vehicle, self.note = QLineEdit(), QLineEdit(), QLineEdit()
        form = QFormLayout()
        form.addRow("&Staff member", self.person)
        form.addRow("&What", self.kind)
        form.addRow("&Day", self.day)
        form.addRow("Swap &with", self.swap_with)
        form.addRow("S&tart", self.start)
        form.addRow("&End (00:00 = midnight)", self.end)
        form.addRow("&Break (min)", self.breaks)
        form.addRow("&Crew", self.crew)
        form.addRow("&Vehicle", self.vehicle)
        form.addRow("&Note", self.note)
        self.form = form
        self.problems_label = QLabel()
        self.problems_label.setStyleSheet("color: #b71c1c")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._on_changed)
        for edit in (self.start, self.end):
            edit.timeChanged.connect(self._on_changed)
        self._on_changed()

    def exception(self) -> DayException:
        kind = ShiftExceptionKind(str(self.kind.currentData()))
        extra = kind is ShiftExceptionKind.EXTRA
        qday = self.day.date()
        return DayException(
            staff_id=int(self.person.currentData()),
            on=date(qday.year(), qday.month(), qday.day()),
            kind=kind,
            start_minute=to_minute(self.start.time()) if extra else None,
            end_minute=to_minute(self.end.time(), end=True) if extra else None,
            break_minutes=self.breaks.value(),
            crew_name=self.crew.text().strip() if extra else "",
            vehicle=self.vehicle.text().strip() if extra else "",
            swap_with_id=int(self.swap_with.currentData())
            if kind is ShiftExceptionKind.SWAP
            else None,
            note=self.note.text().strip(),
        )

    def problems(self) -> list[str]:
        e = self.exception()
        if e.kind is ShiftExceptionKind.EXTRA:
            return slot_problems(e.start_minute, e.end_minute, e.break_minutes, e.crew_name)
        if e.kind is ShiftExceptionKind.SWAP and e.swap_with_id == e.staff_id:
            return ["A swap is with someone else."]
        return []

    def _on_changed(self) -> None:
        kind = ShiftExceptionKind(str(self.kind.currentData()))
        extra = kind is ShiftExceptionKind.EXTRA
        for widget in (self.start, self.end, self.breaks, self.crew, self.vehicle):
            self.form.setRowVisible(widget, extra)
        self.form.setRowVisible(self.swap_with, kind is ShiftExceptionKind.SWAP)
        problems = self.problems()
        self.problems_label.setText("\n".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    def _on_buttons_accepted(self) -> None:
        if self.person.count() == 0 or self.problems():
            return
        ctx, exception = self.context, self.exception()

        def save(_p: ProgressFn, _c: object) -> int:
            return add_exception(ctx.db, ctx.actor, exception)

        self.buttons.setEnabled(False)
        self.tasks.run(save, self._on_saved, on_failed=self._on_failed)

    def _on_saved(self, exception_id: int) -> None:
        self.saved.emit(exception_id)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc, title="Exception")
