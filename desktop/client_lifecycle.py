"""The client panel's "Programs && consent" tab: consent with its date, scope and who obtained
it; enrol, graduate, disenrol (with a reason) and reopen (undo); the client's status (active,
deceased, moved away, transferred). `LifecycleController` runs the edits through the caseload
page's TaskRunner and reloads the client and the list afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseload.clients import ClientDetail
from caseload.enums import ClientStatus, ConsentState, EnrollmentEnd
from caseload.lifecycle import (
    Consent,
    EnrollmentInfo,
    end_enrollment,
    enrol,
    record_consent,
    reopen_enrollment,
    set_status,
)
from caseload.programs import ProgramInfo, list_programs
from desktop.tasks import ProgressFn

CONSENT_WORDS = {
    ConsentState.GIVEN: "Given",
    ConsentState.DECLINED: "Declined",
    ConsentState.NOT_RECORDED: "Not recorded",
}
STATUS_WORDS = {
    ClientStatus.ACTIVE: "Active",
    ClientStatus.DECEASED: "Deceased",
    ClientStatus.MOVED_AWAY: "Moved away",
    ClientStatus.TRANSFERRED: "Transferred",
}
ENROLMENT_ROLE = 0x0100 + 1


# Dialogs, as module functions so tests can answer them.
def ask_reason(parent: QWidget, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def confirm(parent: QWidget, title: str, text: str) -> bool:
    return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def enrolment_text(e: EnrollmentInfo, on: date) -> str:
    text = f"{e.program_name}: since {e.enrolled_on:%d %b %Y}"
    if e.end_kind:
        text += f", {e.end_kind} {e.ended_on:%d %b %Y}" if e.ended_on else f", {e.end_kind}"
        text += f" ({e.end_reason})" if e.end_reason else ""
    elif e.last_day is not None:
        text += f", ends {e.last_day:%d %b %Y}" if e.active_on(on) else ", ended"
    return text


class ClientLifecycleForm(QWidget):
    consent_save_requested = Signal(object)  # Consent
    enrol_requested = Signal(str, object)  # program code, start date
    end_requested = Signal(int, str, object, str)  # enrolment id, EnrollmentEnd, date, reason
    reopen_requested = Signal(int)  # enrolment id
    status_requested = Signal(str, object, str)  # ClientStatus, date, reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = date.today()
        layout = QVBoxLayout(self)

        consent_box = QGroupBox("Consent")
        consent = QFormLayout(consent_box)
        self.consent_state = QComboBox()
        for state, words in CONSENT_WORDS.items():
            self.consent_state.addItem(words, state.value)
        self.consent_on = _date_edit()
        self.consent_scope = QLineEdit()
        self.consent_scope.setPlaceholderText("e.g. home visits; share records with PCP")
        self.consent_by = QLineEdit()
        self.consent_by.setPlaceholderText("who obtained (or was refused) consent")
        self.save_consent_button = QPushButton("Save c&onsent")
        consent.addRow("Co&nsent", self.consent_state)
        consent.addRow("Da&te", self.consent_on)
        consent.addRow("Sco&pe", self.consent_scope)
        consent.addRow("Obtained &by", self.consent_by)
        consent.addRow(self.save_consent_button)

        programs_box = QGroupBox("Programs")
        programs = QVBoxLayout(programs_box)
        self.enrolments = QListWidget()
        self.enrolments.setMaximumHeight(110)
        self.program = QComboBox()
        self.enrol_on = _date_edit()
        self.enrol_button = QPushButton("&Enrol")
        row = QHBoxLayout()
        row.addWidget(self.program, 2)
        row.addWidget(self.enrol_on, 1)
        row.addWidget(self.enrol_button)
        self.graduate_button = QPushButton("&Graduate")
        self.disenrol_button = QPushButton("&Disenrol…")
        self.reopen_button = QPushButton("&Reopen (undo)")
        ends = QHBoxLayout()
        for button in (self.graduate_button, self.disenrol_button, self.reopen_button):
            ends.addWidget(button)
        programs.addWidget(self.enrolments)
        programs.addLayout(ends)
        programs.addLayout(row)

        status_box = QGroupBox("Status")
        status = QFormLayout(status_box)
        self.status = QComboBox()
        for value, words in STATUS_WORDS.items():
            self.status.addItem(words, value.value)
        self.status_on = _date_edit()
        self.status_reason = QLineEdit()
        self.status_reason.setPlaceholderText("e.g. transferred to Wake County EMS")
        self.status_button = QPushButton("Set &status…")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        status.addRow(self.status_label)
        status.addRow("St&atus", self.status)
        status.addRow("From", self.status_on)
        status.addRow("Reason", self.status_reason)
        status.addRow(self.status_button)

        for box in (consent_box, programs_box, status_box):
            layout.addWidget(box)
        layout.addStretch(1)
        for button in (
            self.save_consent_button,
            self.enrol_button,
            self.graduate_button,
            self.disenrol_button,
            self.reopen_button,
            self.status_button,
        ):
            button.setAutoDefault(False)
        self.save_consent_button.clicked.connect(self._on_save_consent_clicked)
        self.enrol_button.clicked.connect(self._on_enrol_clicked)
        self.graduate_button.clicked.connect(lambda: self._end(EnrollmentEnd.GRADUATED))
        self.disenrol_button.clicked.connect(lambda: self._end(EnrollmentEnd.DISENROLLED))
        self.reopen_button.clicked.connect(self._on_reopen_clicked)
        self.status_button.clicked.connect(self._on_status_clicked)
        self.enrolments.itemSelectionChanged.connect(self._update_buttons)

    def set_programs(self, programs: list[ProgramInfo]) -> None:
        self.program.clear()
        for p in programs:
            self.program.addItem(p.name, p.code)

    def load(self, detail: ClientDetail, on: date) -> None:
        self.day = on
        self.consent_state.setCurrentIndex(self.consent_state.findData(detail.consent.value))
        self.consent_on.setDate(_qdate(detail.consent_on or on))
        self.consent_scope.setText(detail.consent_scope)
        self.consent_by.setText(detail.consent_obtained_by)
        self.enrolments.clear()
        for e in detail.enrollments:
            item = QListWidgetItem(enrolment_text(e, on))
            item.setToolTip(enrolment_text(e, on))
            item.setData(ENROLMENT_ROLE, e)
            self.enrolments.addItem(item)
        self.enrol_on.setDate(_qdate(on))
        self.status_on.setDate(_qdate(on))
        index = self.status.findData(detail.status)
        self.status.setCurrentIndex(max(index, 0))
        self.status_reason.setText(detail.status_reason)
        words = detail.status.replace("_", " ")
        self.status_label.setText(
            f"Now: {words}" + (f" — {detail.status_reason}" if detail.status_reason else "")
        )
        self._update_buttons()

    def selected_enrolment(self) -> EnrollmentInfo | None:
        items = self.enrolments.selectedItems()
        return items[0].data(ENROLMENT_ROLE) if items else None

    def _update_buttons(self) -> None:
        chosen = self.selected_enrolment()
        self.graduate_button.setEnabled(chosen is not None and not chosen.end_kind)
        self.disenrol_button.setEnabled(chosen is not None and not chosen.end_kind)
        self.reopen_button.setEnabled(chosen is not None and bool(chosen.end_kind))

    def consent(self) -> Consent:
        state = ConsentState(self.consent_state.currentData())
        return Consent(
            state,
            None if state is ConsentState.NOT_RECORDED else _day(self.consent_on),
            self.consent_scope.text().strip(),
            self.consent_by.text().strip(),
        )

    def _on_save_consent_clicked(self) -> None:
        self.consent_save_requested.emit(self.consent())

    def _on_enrol_clicked(self) -> None:
        if self.program.currentData():
            self.enrol_requested.emit(str(self.program.currentData()), _day(self.enrol_on))

    def _end(self, kind: EnrollmentEnd) -> None:
        chosen = self.selected_enrolment()
        if chosen is None:
            return
        reason = ""
        if kind is EnrollmentEnd.DISENROLLED:
            asked = ask_reason(self, "Disenrol", f"Why end {chosen.program_name}?")
            if asked is None:
                return
            reason = asked
        self.end_requested.emit(chosen.enrollment_id, kind.value, self.day, reason)

    def _on_reopen_clicked(self) -> None:
        chosen = self.selected_enrolment()
        if chosen is not None:
            self.reopen_requested.emit(chosen.enrollment_id)

    def _on_status_clicked(self) -> None:
        status = ClientStatus(self.status.currentData())
        if status is not ClientStatus.ACTIVE and not confirm(
            self,
            "Change status",
            f"Mark the client {STATUS_WORDS[status].lower()}? They leave the day's list and "
            "their open programs end on that day (setting them active again brings them back).",
        ):
            return
        self.status_requested.emit(status.value, _day(self.status_on), self.status_reason.text())


class LifecycleController:
    """Connects the form to `caseload.lifecycle` for the client shown in a caseload page."""

    def __init__(self, page: Any, form: ClientLifecycleForm) -> None:
        self.page = page
        self.form = form
        form.consent_save_requested.connect(self._on_consent)
        form.enrol_requested.connect(self._on_enrol)
        form.end_requested.connect(self._on_end)
        form.reopen_requested.connect(self._on_reopen)
        form.status_requested.connect(self._on_status)
        db = page.context.db
        page.tasks.run(lambda _p, _c: list_programs(db), form.set_programs)

    def _run(self, work: Callable[[ClientDetail], object]) -> None:
        detail: ClientDetail | None = self.page.detail.detail
        if detail is None:
            return

        def run(_p: ProgressFn, _c: object) -> object:
            return work(detail)

        def done(_result: object) -> None:
            self.page._load_detail(detail.client_id)
            self.page.refresh()

        self.page.tasks.run(run, done)

    def _on_consent(self, consent: Consent) -> None:
        ctx = self.page.context
        self._run(lambda d: record_consent(ctx.db, ctx.actor, d.client_id, d.version, consent))

    def _on_enrol(self, code: str, on: date) -> None:
        ctx = self.page.context
        self._run(lambda d: enrol(ctx.db, ctx.actor, d.client_id, code, on))

    def _on_end(self, enrollment_id: int, kind: str, on: date, reason: str) -> None:
        ctx = self.page.context
        self._run(
            lambda _d: end_enrollment(
                ctx.db, ctx.actor, enrollment_id, kind=EnrollmentEnd(kind), on=on, reason=reason
            )
        )

    def _on_reopen(self, enrollment_id: int) -> None:
        ctx = self.page.context
        self._run(lambda _d: reopen_enrollment(ctx.db, ctx.actor, enrollment_id))

    def _on_status(self, status: str, on: date, reason: str) -> None:
        ctx = self.page.context
        self._run(
            lambda d: set_status(
                ctx.db,
                ctx.actor,
                d.client_id,
                d.version,
                ClientStatus(status),
                on=on,
                reason=reason,
            )
        )
