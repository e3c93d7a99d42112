"""Add and edit programs (a program manager's job): name, visit cadence and length, required
skills, peer support, eligibility, default enrolment length and the first-contact deadline.

The list shows every program; the form edits the selected one. **Save** writes it (checked
and audited), **Revert** drops unsaved changes, **Undo last save** puts back the values before
the last save made here. Close leaves unsaved changes unsaved.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caseload.enums import EventKind, Skill
from caseload.programs import ProgramInfo
from caseload.team.programs import (
    ProgramDraft,
    add_program,
    draft_of,
    list_program_infos,
    program_problems,
    update_program,
)
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.form_rows import button_row, side_by_side
from desktop.tasks import ProgressFn, TaskRunner

_DEADLINE_EVENTS = (EventKind.OVERDOSE, EventKind.HOSPITAL_DISCHARGE)
_NEW = ProgramDraft("", "", cadence_days=14)


@dataclass(frozen=True, slots=True)
class _Saved:
    program_id: int
    before: ProgramDraft | None  # None: it was new


class ProgramsDialog(QDialog):
    loaded = Signal()
    saved = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.programs: list[ProgramInfo] = []
        self.current: ProgramInfo | None = None  # None with the form in use: a new program
        self.history: list[_Saved] = []
        self.setWindowTitle("Programs")
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.new_button = QPushButton("&New program")
        self.new_button.clicked.connect(self.new_program)

        self.code = QLineEdit()
        self.code.setPlaceholderText("e.g. crisis_navigation (used in client files)")
        self.name = QLineEdit()
        self.cadence = _spin(1, 365, " days")
        self.minutes = _spin(5, 480, " min")
        self.open_ended = QCheckBox("open-ended")
        self.weeks = _spin(1, 520, " weeks")
        self.open_ended.toggled.connect(lambda on: self.weeks.setEnabled(not on))
        self.skills = {s: QCheckBox(s.value) for s in Skill if s is not Skill.TWO_PERSON}
        self.peer = QCheckBox("A peer-support specialist may serve its clients")
        self.eligibility = QPlainTextEdit()
        self.eligibility.setPlaceholderText("Who the program is for")
        self.eligibility.setMaximumHeight(70)
        self.has_deadline = QCheckBox("First contact due within")
        self.deadline = QDoubleSpinBox()
        self.deadline.setRange(1, 720)
        self.deadline.setSuffix(" h")
        self.events = {e: QCheckBox(f"after {e.value.replace('_', ' ')}") for e in _DEADLINE_EVENTS}
        self.has_deadline.toggled.connect(self._sync_deadline)

        form = QFormLayout()
        form.addRow("&Code", self.code)
        form.addRow("&Name", self.name)
        form.addRow("Visit &cadence (at least every)", self.cadence)
        form.addRow("Visit &length", self.minutes)
        form.addRow("Default &enrolment", side_by_side(self.weeks, self.open_ended))
        form.addRow("Required &skills", side_by_side(*self.skills.values()))
        form.addRow("", self.peer)
        form.addRow("Eligibility", self.eligibility)
        form.addRow(self.has_deadline, side_by_side(self.deadline, *self.events.values()))
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b71c1c")
        self.status_label = QLabel("Loading the programs…")
        self.save_button = QPushButton("&Save")
        self.revert_button = QPushButton("Re&vert")
        self.undo_button = QPushButton("&Undo last save")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self._show_current)
        self.undo_button.clicked.connect(self.undo)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.problems_label)
        right.addLayout(button_row(self.save_button, self.revert_button, self.undo_button))
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(close)
        for signal in (
            self.code.textChanged,
            self.name.textChanged,
            self.cadence.valueChanged,
            self.minutes.valueChanged,
            self.weeks.valueChanged,
            self.open_ended.toggled,
            self.has_deadline.toggled,
            self.deadline.valueChanged,
            *(c.toggled for c in self.events.values()),
            *(c.toggled for c in self.skills.values()),
        ):
            signal.connect(self._on_form_changed)
        self.resize(860, 520)
        self.reload()

    # --- reading -------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        ctx = self.context

        def load(_p: ProgressFn, _c: object) -> list[ProgramInfo]:
            return list_program_infos(ctx.db, ctx.actor)

        self.tasks.run(load, lambda p: self._on_loaded(p, select_id), on_failed=self._on_failed)

    def _on_loaded(self, programs: list[ProgramInfo], select_id: int | None) -> None:
        keep = select_id if select_id is not None else (self.current and self.current.id)
        self.programs = programs
        self.list.blockSignals(True)
        self.list.clear()
        for p in programs:
            item = QListWidgetItem(p.name + ("" if p.builtin else "  (added)"))
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = next((i for i, p in enumerate(programs) if p.id == keep), 0)
        self.list.setCurrentRow(row)
        self._on_list_current_row_changed(row)
        self.status_label.setText(f"{len(programs)} programs.")
        self._update_buttons()
        self.loaded.emit()

    def _on_list_current_row_changed(self, row: int) -> None:
        self.current = self.programs[row] if 0 <= row < len(self.programs) else None
        self._show_current()

    def new_program(self) -> None:
        self.list.clearSelection()
        self.current = None
        self._fill(_NEW)
        self.code.setEnabled(True)
        self.name.setFocus()

    def _show_current(self) -> None:
        if self.current is None:
            self._fill(_NEW)
            self.code.setEnabled(True)
            return
        self._fill(draft_of(self.current))
        self.code.setEnabled(not self.current.builtin)  # built-in codes stay

    def _fill(self, d: ProgramDraft) -> None:
        self.code.setText(d.code)
        self.name.setText(d.name)
        self.cadence.setValue(d.cadence_days)
        self.minutes.setValue(d.visit_minutes)
        self.open_ended.setChecked(d.duration_weeks is None)
        self.weeks.setValue(d.duration_weeks or 12)
        for skill, box in self.skills.items():
            box.setChecked(skill.value in d.required_skills)
        self.peer.setChecked(d.peer_support_allowed)
        self.eligibility.setPlainText(d.eligibility_note)
        self.has_deadline.setChecked(d.first_contact_hours is not None)
        self.deadline.setValue(d.first_contact_hours or 72.0)
        for event, box in self.events.items():
            box.setChecked(event.value in d.first_contact_events)
        self._sync_deadline()
        self._on_form_changed()

    def _sync_deadline(self) -> None:
        on = self.has_deadline.isChecked()
        self.deadline.setEnabled(on)
        for box in self.events.values():
            box.setEnabled(on)

    def draft(self) -> ProgramDraft:
        deadline = self.has_deadline.isChecked()
        return ProgramDraft(
            code=self.code.text().strip(),
            name=self.name.text().strip(),
            cadence_days=self.cadence.value(),
            visit_minutes=self.minutes.value(),
            duration_weeks=None if self.open_ended.isChecked() else self.weeks.value(),
            required_skills=tuple(s.value for s, box in self.skills.items() if box.isChecked()),
            peer_support_allowed=self.peer.isChecked(),
            eligibility_note=self.eligibility.toPlainText().strip(),
            first_contact_hours=self.deadline.value() if deadline else None,
            first_contact_events=tuple(
                e.value for e, box in self.events.items() if deadline and box.isChecked()
            ),
        )

    def _on_form_changed(self) -> None:
        problems = program_problems(self.draft())
        self.problems_label.setText("\n".join(problems))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(not program_problems(self.draft()))
        self.undo_button.setEnabled(bool(self.history))

    # --- writing -------------------------------------------------------------------------------
    def save(self) -> None:
        draft = self.draft()
        if program_problems(draft):
            return
        ctx, current = self.context, self.current

        def work(_p: ProgressFn, _c: object) -> _Saved:
            if current is None:
                return _Saved(add_program(ctx.db, ctx.actor, draft), None)
            update_program(ctx.db, ctx.actor, current.id, current.version, draft)
            return _Saved(current.id, draft_of(current))

        self.tasks.run(work, self._on_saved, on_failed=self._on_failed)

    def _on_saved(self, saved: _Saved) -> None:
        if saved.before is not None:
            self.history.append(saved)
        self.status_label.setText("Saved.")
        self.saved.emit(saved.program_id)
        self.reload(saved.program_id)

    def undo(self) -> None:
        if not self.history:
            return
        step = self.history.pop()
        ctx = self.context
        before = step.before
        assert before is not None

        def work(_p: ProgressFn, _c: object) -> int:
            current = next(
                p for p in list_program_infos(ctx.db, ctx.actor) if p.id == step.program_id
            )
            update_program(ctx.db, ctx.actor, step.program_id, current.version, before)
            return step.program_id

        self.tasks.run(work, lambda pid: self.reload(pid), on_failed=self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        show_error(self, exc, title="Programs")
        self.reload()


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    return box
