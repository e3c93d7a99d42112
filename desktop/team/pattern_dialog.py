"""Edit one person's weekly pattern: for each weekday whether they work, the hours, the
break, the crew they ride in and the vehicle. An end of 00:00 means midnight (24:00)."""

from __future__ import annotations

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from caseload.team.rota import MINUTES_PER_DAY, WEEKDAYS, PatternSlot
from caseload.team.shifts import pattern_problems, set_weekly_pattern
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner


def to_minute(value: QTime, *, end: bool = False) -> int:
    minute = value.hour() * 60 + value.minute()
    return MINUTES_PER_DAY if end and minute == 0 else minute


def to_qtime(minute: int) -> QTime:
    return QTime((minute // 60) % 24, minute % 60)


class _DayRow:
    def __init__(self, weekday: int) -> None:
        self.weekday = weekday
        self.works = QCheckBox(WEEKDAYS[weekday])
        self.start = QTimeEdit(QTime(7, 0))
        self.end = QTimeEdit(QTime(15, 0))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.end.setToolTip("00:00 = midnight (the end of the day)")
        self.breaks = QSpinBox()
        self.breaks.setRange(0, 240)
        self.breaks.setValue(30)
        self.breaks.setSuffix(" min")
        self.crew = QLineEdit()
        self.crew.setPlaceholderText("alone")
        self.vehicle = QLineEdit()
        self.works.toggled.connect(self._sync)
        self._sync()

    def widgets(self) -> list[QWidget]:
        return [self.works, self.start, self.end, self.breaks, self.crew, self.vehicle]

    def _sync(self) -> None:
        for w in self.widgets()[1:]:
            w.setEnabled(self.works.isChecked())

    def set(self, slot: PatternSlot | None) -> None:
        self.works.setChecked(slot is not None)
        if slot is not None:
            self.start.setTime(to_qtime(slot.start_minute))
            self.end.setTime(to_qtime(slot.end_minute))
            self.breaks.setValue(slot.break_minutes)
            self.crew.setText(slot.crew_name)
            self.vehicle.setText(slot.vehicle)

    def slot(self, staff_id: int) -> PatternSlot | None:
        if not self.works.isChecked():
            return None
        return PatternSlot(
            staff_id,
            self.weekday,
            to_minute(self.start.time()),
            to_minute(self.end.time(), end=True),
            self.breaks.value(),
            self.crew.text().strip(),
            self.vehicle.text().strip(),
        )


class PatternDialog(QDialog):
    """`saved(staff_id, before)` after saving (`before`: the old slots, for undo)."""

    saved = Signal(int, object)

    def __init__(
        self,
        context: AppContext,
        staff_id: int,
        staff_name: str,
        slots: list[PatternSlot],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.staff_id = staff_id
        self.before = list(slots)
        self.tasks = TaskRunner(self)
        self.setWindowTitle(f"Weekly pattern — {staff_name}")
        grid = QGridLayout()
        for col, title in enumerate(("Day", "Start", "End", "Break", "Crew", "Vehicle")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.rows = [_DayRow(d) for d in range(7)]
        by_day = {s.weekday: s for s in slots}
        for row in self.rows:
            row.set(by_day.get(row.weekday))
            for col, widget in enumerate(row.widgets()):
                grid.addWidget(widget, row.weekday + 1, col)
            for signal in (row.works.toggled, row.start.timeChanged, row.end.timeChanged):
                signal.connect(self._on_changed)
            row.breaks.valueChanged.connect(self._on_changed)
            row.crew.textChanged.connect(self._on_changed)
        intro = QLabel(
            "People with the same crew name on a day ride together (one or two per crew). "
            "Days already planned or changed in Crews… keep their crews; the other days follow "
            "this pattern."
        )
        intro.setWordWrap(True)
        self.problems_label = QLabel()
        self.problems_label.setStyleSheet("color: #b71c1c")
        self.problems_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)
        self._on_changed()

    def slots(self) -> list[PatternSlot]:
        return [s for row in self.rows if (s := row.slot(self.staff_id)) is not None]

    def _on_changed(self) -> None:
        problems = pattern_problems(self.slots())
        self.problems_label.setText("\n".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    def _on_buttons_accepted(self) -> None:
        ctx, staff_id, slots = self.context, self.staff_id, self.slots()

        def save(_p: ProgressFn, _c: object) -> int:
            set_weekly_pattern(ctx.db, ctx.actor, staff_id, slots, ctx.today())
            return staff_id

        self.buttons.setEnabled(False)
        self.tasks.run(save, self._on_saved, on_failed=self._on_failed)

    def _on_saved(self, staff_id: int) -> None:
        self.saved.emit(staff_id, self.before)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc, title="Weekly pattern")
