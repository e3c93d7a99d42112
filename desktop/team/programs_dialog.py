"""Add and edit programs (a program manager's job): name, visit cadence and length, required
skills, peer support, eligibility, default enrolment length and the first-contact deadline.

The list shows every program; the form edits the selected one. **Save** writes it (checked
and audited), **Revert** drops unsaved changes, **Undo last save** puts back the values before
the last save made here. Close leaves unsaved changes unsaved.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
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
from desktop.form_rows import side_by_side
from desktop.record_list_dialog import RecordListDialog

_DEADLINE_EVENTS = (EventKind.OVERDOSE, EventKind.HOSPITAL_DISCHARGE)
_NEW = ProgramDraft("", "", cadence_days=14)


class ProgramsDialog(RecordListDialog[ProgramInfo, ProgramDraft]):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Programs", "&New program", parent)
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
        changes = (
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
        )
        self.finish_layout(form, changes, 860, 520)

    @property
    def programs(self) -> list[ProgramInfo]:
        return self.records

    def new_program(self) -> None:
        self.new_record()

    # --- the records ---------------------------------------------------------------------------
    def fetch(self) -> list[ProgramInfo]:
        return list_program_infos(self.context.db, self.context.actor)

    def record_id(self, record: ProgramInfo) -> int:
        return record.id

    def record_label(self, record: ProgramInfo) -> str:
        return record.name + ("" if record.builtin else "  (added)")

    def entry_of(self, record: ProgramInfo) -> ProgramDraft:
        return draft_of(record)

    def add(self, entry: ProgramDraft) -> int:
        return add_program(self.context.db, self.context.actor, entry)

    def write(self, record: ProgramInfo, entry: ProgramDraft) -> None:
        update_program(self.context.db, self.context.actor, record.id, record.version, entry)

    # --- the form ------------------------------------------------------------------------------
    def fill(self, entry: ProgramDraft | None, record: ProgramInfo | None) -> None:
        d = entry or _NEW
        self.code.setText(d.code)
        self.code.setEnabled(record is None or not record.builtin)  # built-in codes stay
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
        if entry is None:
            self.name.setFocus()

    def _sync_deadline(self) -> None:
        on = self.has_deadline.isChecked()
        self.deadline.setEnabled(on)
        for box in self.events.values():
            box.setEnabled(on)

    def form_entry(self) -> ProgramDraft:
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

    def form_problems(self) -> list[str]:
        return program_problems(self.form_entry())


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(suffix)
    return box
