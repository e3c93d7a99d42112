"""From the crew editor: put someone who is off on the day on shift (an extra shift for that
day only; the weekly pattern is not changed)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from caseload.team.days import ROUTED_ROLES
from caseload.team.shifts import add_day_shift, slot_problems
from caseload.team.skills import ROLE_LABELS
from caseload.team.staff import StaffInfo, list_staff
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner
from desktop.team.pattern_dialog import to_minute


class AddToDayDialog(QDialog):
    """`added(shift_id)` once the shift is saved."""

    added = Signal(int)
    loaded = Signal(int)

    def __init__(
        self,
        context: AppContext,
        on: date,
        on_shift: Collection[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.day = on
        self.on_shift = frozenset(on_shift)
        self.tasks = TaskRunner(self)
        self.setWindowTitle(f"Add someone to {on:%a %d %b}")
        self.person = QComboBox()
        self.start, self.end = QTimeEdit(QTime(7, 0)), QTimeEdit(QTime(15, 0))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.breaks = QSpinBox()
        self.breaks.setRange(0, 240)
        self.breaks.setValue(30)
        self.breaks.setSuffix(" min")
        form = QFormLayout()
        form.addRow("&Staff member (off this day)", self.person)
        form.addRow("S&tart", self.start)
        form.addRow("&End (00:00 = midnight)", self.end)
        form.addRow("&Break", self.breaks)
        self.message = QLabel("Loading the team…")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        ctx = context

        def load(_p: ProgressFn, _c: object) -> list[StaffInfo]:
            return list_staff(ctx.db, ctx.actor, on)

        self.tasks.run(load, self._on_loaded, on_failed=self._on_failed)

    def _on_loaded(self, staff: list[StaffInfo]) -> None:
        off = [
            s
            for s in staff
            if s.draft.active and s.draft.role in ROUTED_ROLES and s.id not in self.on_shift
        ]
        for s in off:
            self.person.addItem(f"{s.name} ({ROLE_LABELS.get(s.draft.role, s.draft.role)})", s.id)
        self.message.setText(
            "They work alone; give them a crew name in the crew editor to pair them."
            if off
            else "Everyone on the team who goes on visits is already on shift this day."
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(off))
        self.loaded.emit(len(off))

    def _on_buttons_accepted(self) -> None:
        if self.person.count() == 0:
            return
        start, end = to_minute(self.start.time()), to_minute(self.end.time(), end=True)
        problems = slot_problems(start, end, self.breaks.value(), "")
        if problems:
            self.message.setText("\n".join(problems))
            return
        ctx, on, staff_id, breaks = (
            self.context,
            self.day,
            int(self.person.currentData()),
            self.breaks.value(),
        )

        def save(_p: ProgressFn, _c: object) -> int:
            return add_day_shift(ctx.db, ctx.actor, on, staff_id, start, end, breaks)

        self.buttons.setEnabled(False)
        self.tasks.run(save, self._on_saved, on_failed=self._on_failed)

    def _on_saved(self, shift_id: int) -> None:
        self.added.emit(shift_id)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc, title="Add to the day")
