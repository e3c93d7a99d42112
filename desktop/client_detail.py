"""The client detail panel: the full priority explanation, programs, events, visits, safety
notes; editing with validation and version-conflict handling; add a visit or appointment."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime, time, tzinfo

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from caseload.clients import ClientDetail, ClientEdit
from caseload.enums import HousingStatus, VisitStatus, VisitType
from caseload.outcomes.model import outcome_label
from desktop.client_lifecycle import ClientLifecycleForm

EVENT_LABELS = {
    "call_911": "911 call",
    "ed_visit": "ED visit",
    "overdose": "Non-fatal overdose",
    "fall": "Fall",
    "hospital_discharge": "Hospital discharge",
    "hospital_admission": "Hospital admission",
    "ems_transport": "EMS transport",
}


def _e(text: object) -> str:
    return html.escape(str(text))


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def detail_html(detail: ClientDetail, on: date, zone: tzinfo | None = None) -> str:
    """The read-only summary shown in the panel; times in `zone` (the program's)."""
    parts = [
        f"<h2>{_e(detail.first_name)} {_e(detail.last_name)}</h2>",
        f"<p>{_e(detail.external_id)} · age {_age(detail.date_of_birth, on)} · "
        f"{_e(detail.housing_status)} · language {_e(detail.language)}"
        f"{' · needs interpreter' if detail.needs_interpreter else ''}"
        f"{' · needs peer support' if detail.needs_peer_support else ''}<br>"
        f"Clinician: {_e(detail.clinician or 'unassigned')} · Phone: {_e(detail.phone or '—')}</p>",
    ]
    consent = detail.consent.value.replace("_", " ")
    if detail.consent_on is not None:
        consent += f" {detail.consent_on:%d %b %Y}"
    if detail.consent_obtained_by:
        consent += f" by {detail.consent_obtained_by}"
    if detail.consent_scope:
        consent += f" — {detail.consent_scope}"
    parts.append(f"<p>Consent: {_e(consent)}")
    if detail.two_person_visit:
        parts.append(" · <b>two-person visit</b>")
    if detail.status != "active":
        why = f" — {detail.status_reason}" if detail.status_reason else ""
        parts.append(f"<br><b>Status: {_e(detail.status.replace('_', ' '))}{_e(why)}</b>")
    parts.append("</p>")
    if detail.safety_notes:
        parts.append(
            "<p style='background:#fff3cd;padding:4px'><b>Safety:</b> "
            f"{_e(detail.safety_notes)}</p>"
        )
    prio = detail.priority
    if prio is not None:
        due = f" — due by {prio.due_by:%a %d %b %H:%M}" if prio.due_by else ""
        parts.append(f"<h3>Priority: {prio.tier.value}, score {prio.score:.0f}{_e(due)}</h3>")
        parts.append("<table cellspacing=0 cellpadding=2>")
        for reason in prio.reasons:
            parts.append(
                f"<tr><td align=right>{reason.points:+.0f}</td><td>{_e(reason.label)}</td></tr>"
            )
        parts.append("</table>")
        parts.append(f"<p>Suggested visit: {_e(prio.purpose)}</p>")
    parts.append("<h3>Where to find them</h3><ul>")
    for place in detail.places:
        where = place.label or place.kind.replace("_", " ")
        desc = f" — {_e(place.description)}" if place.description else ""
        star = " (usual)" if place.is_primary else ""
        parts.append(f"<li>{_e(where)}{star}{desc} <i>[{_e(place.geocode_quality)}]</i></li>")
    if detail.address:
        parts.append(f"<li>{_e(detail.address)}, {_e(detail.city)} {_e(detail.zip)}</li>")
    parts.append("</ul><h3>Programs</h3><ul>")
    for name, start, end in detail.programs:
        until = f" until {end:%d %b %Y}" if end else ""
        parts.append(f"<li>{_e(name)} since {start:%d %b %Y}{until}</li>")
    parts.append("</ul><h3>Events</h3><ul>")
    for event in detail.events[:30]:
        parts.append(
            f"<li>{event.occurred_at.astimezone(zone):%d %b %Y %H:%M} "
            f"{_e(EVENT_LABELS.get(event.kind, event.kind))}"
            f"{' — ' + _e(event.source) if event.source else ''}</li>"
        )
    parts.append("</ul><h3>Visits</h3><ul>")
    for visit in detail.visits[:30]:
        staff = f" by {_e(visit.staff)}" if visit.staff else ""
        parts.append(
            f"<li>{visit.visit_date:%d %b %Y} {_e(visit.visit_type.replace('_', ' '))} — "
            f"{_e(_status_text(visit.status))}{staff}"
            f"{': ' + _e(visit.outcome_notes) if visit.outcome_notes else ''}</li>"
        )
    parts.append("</ul>")
    return "".join(parts)


def _status_text(status: str) -> str:
    """A visit's status as the outcome entry names it ("Attempted – client not found")."""
    try:
        return outcome_label(VisitStatus(status))
    except ValueError:
        return status.replace("_", " ")


class ClientEditForm(QWidget):
    """Edit the client's contact details, housing, needs and safety notes."""

    save_requested = Signal(object)  # ClientEdit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.phone = QLineEdit()
        self.language = QLineEdit()
        self.housing = QComboBox()
        self.housing.addItems([h.value for h in HousingStatus])
        self.address = QLineEdit()
        self.city = QLineEdit()
        self.zip = QLineEdit()
        self.zip.setInputMask("99999;_")
        self.peer = QCheckBox("Needs peer support")
        self.interpreter = QCheckBox("Needs an interpreter")
        self.two_person = QCheckBox("Two-person visit (safety: at least two staff attend)")
        self.safety = QPlainTextEdit()
        self.safety.setPlaceholderText("e.g. dog on property; two-person visit")
        for label, widget in (
            ("&First name", self.first_name),
            ("&Last name", self.last_name),
            ("&Phone", self.phone),
            ("Lan&guage", self.language),
            ("&Housing", self.housing),
            ("&Address", self.address),
            ("&City", self.city),
            ("&ZIP", self.zip),
        ):
            form.addRow(label, widget)
        form.addRow(self.peer)
        form.addRow(self.interpreter)
        form.addRow(self.two_person)
        form.addRow("&Safety notes", self.safety)
        self.save_button = QPushButton("&Save changes")
        self.save_button.clicked.connect(self._on_save_clicked)
        form.addRow(self.save_button)

    def load(self, detail: ClientDetail) -> None:
        self.first_name.setText(detail.first_name)
        self.last_name.setText(detail.last_name)
        self.phone.setText(detail.phone)
        self.language.setText(detail.language)
        self.housing.setCurrentText(detail.housing_status)
        self.address.setText(detail.address)
        self.city.setText(detail.city)
        self.zip.setText(detail.zip)
        self.peer.setChecked(detail.needs_peer_support)
        self.interpreter.setChecked(detail.needs_interpreter)
        self.two_person.setChecked(detail.two_person_visit)
        self.safety.setPlainText(detail.safety_notes)

    def edit(self) -> ClientEdit:
        return ClientEdit(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            phone=self.phone.text().strip(),
            language=self.language.text().strip(),
            housing_status=self.housing.currentText(),
            address=self.address.text().strip(),
            city=self.city.text().strip(),
            zip=self.zip.text().strip(),
            needs_peer_support=self.peer.isChecked(),
            needs_interpreter=self.interpreter.isChecked(),
            two_person_visit=self.two_person.isChecked(),
            safety_notes=self.safety.toPlainText().strip(),
        )

    def _on_save_clicked(self) -> None:
        self.save_requested.emit(self.edit())


class AddVisitDialog(QDialog):
    """Schedule a visit; with 'Fixed appointment' checked it gets a window and is MUST."""

    def __init__(self, client_name: str, on: date, zone: object, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Add a visit for {client_name}")
        self._zone = zone
        form = QFormLayout(self)
        self.visit_date = QDateEdit(QDate(on.year, on.month, on.day))
        self.visit_date.setCalendarPopup(True)
        self.visit_date.setDisplayFormat("ddd d MMM yyyy")  # not the locale's "2 12 2026"
        self.visit_type = QComboBox()
        for vt in VisitType:
            self.visit_type.addItem(vt.value.replace("_", " ").capitalize(), vt.value)
        self.purpose = QLineEdit()
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setValue(45)
        self.duration.setSuffix(" min")
        self.fixed = QCheckBox("Fixed appointment (must be seen in this window)")
        self.start = QTimeEdit(QTime(10, 0))
        self.end = QTimeEdit(QTime(11, 0))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        # A widget, not a bare layout, so the "&Window" label has a buddy (else the "&" shows).
        self.window_row = QWidget()
        row = QHBoxLayout(self.window_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start)
        row.addWidget(QLabel("to"))
        row.addWidget(self.end)
        row.addStretch()
        self.start.setEnabled(False)
        self.end.setEnabled(False)
        self.fixed.toggled.connect(self.start.setEnabled)
        self.fixed.toggled.connect(self.end.setEnabled)
        form.addRow("&Date", self.visit_date)
        form.addRow("&Type", self.visit_type)
        form.addRow("&Purpose", self.purpose)
        form.addRow("D&uration", self.duration)
        form.addRow(self.fixed)
        window_label = QLabel("&Window")
        window_label.setBuddy(self.start)
        form.addRow(window_label, self.window_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, object]:
        day = self.visit_date.date().toPython()
        assert isinstance(day, date)
        window = None
        if self.fixed.isChecked():
            start = self.start.time().toPython()
            end = self.end.time().toPython()
            assert isinstance(start, time) and isinstance(end, time)
            window = (
                datetime.combine(day, start, tzinfo=self._zone),  # type: ignore[arg-type]
                datetime.combine(day, end, tzinfo=self._zone),  # type: ignore[arg-type]
            )
        return {
            "visit_date": day,
            "visit_type": self.visit_type.currentData(),
            "purpose": self.purpose.text().strip(),
            "duration_min": self.duration.value(),
            "window": window,
        }


class ClientDetailPanel(QWidget):
    """Summary, edit form and 'Add visit', for the client selected in the caseload table."""

    def __init__(self, parent: QWidget | None = None, *, zone: tzinfo | None = None) -> None:
        super().__init__(parent)
        self.detail: ClientDetail | None = None
        self._zone = zone
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.form = ClientEditForm()
        self.tabs.addTab(self.summary, "&Summary")
        self.tabs.addTab(self.form, "&Edit")
        self.lifecycle = ClientLifecycleForm()
        self.tabs.addTab(self.lifecycle, "Programs && c&onsent")
        self.add_visit_button = QPushButton("Add &visit…")
        self.add_visit_button.setToolTip("Schedule a visit or a fixed appointment")
        layout.addWidget(self.tabs)
        layout.addWidget(self.add_visit_button)
        self.show_detail(None, date.today())

    def show_detail(self, detail: ClientDetail | None, on: date) -> None:
        self.detail = detail
        self.form.setEnabled(detail is not None)
        self.lifecycle.setEnabled(detail is not None)
        self.add_visit_button.setEnabled(detail is not None)
        if detail is None:
            self.summary.setHtml(
                "<p style='color:#777'>Select a client to see why they are on today's list.</p>"
            )
            return
        self.summary.setHtml(detail_html(detail, on, self._zone))
        self.form.load(detail)
        self.lifecycle.load(detail, on)


ShowErrorFn = Callable[[BaseException], None]
