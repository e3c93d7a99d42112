"""Add or edit a staff member: role, certifications with expiry, languages, home station,
contracted hours, active. Problems are listed as you type; OK saves in the background."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseload.enums import Certification, StaffRole
from caseload.team.skills import CERTIFICATION_LABELS, ROLE_LABELS, Held
from caseload.team.staff import StaffDraft, StaffInfo, add_staff, staff_problems, update_staff
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _number(text: str) -> float | None:
    try:
        return float(text.strip()) if text.strip() else None
    except ValueError:
        return float("nan")


class _CertificationRow:
    """One certification: held?, expires?, on which day."""

    def __init__(self, cert: Certification, today: date) -> None:
        self.cert = cert
        self.held = QCheckBox(CERTIFICATION_LABELS[cert])
        self.expires = QCheckBox("expires")
        self.on = QDateEdit(_qdate(today))
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.held.toggled.connect(self._sync)
        self.expires.toggled.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.expires.setEnabled(self.held.isChecked())
        self.on.setEnabled(self.held.isChecked() and self.expires.isChecked())

    def set(self, held: Held | None) -> None:
        self.held.setChecked(held is not None)
        self.expires.setChecked(held is not None and held.expires_on is not None)
        if held is not None and held.expires_on is not None:
            self.on.setDate(_qdate(held.expires_on))

    def value(self) -> Held | None:
        if not self.held.isChecked():
            return None
        expiry = _pydate(self.on.date()) if self.expires.isChecked() else None
        return Held(self.cert.value, expiry)


class StaffDialog(QDialog):
    """`info` None: a new staff member. `saved(staff_id, before)` after a successful save
    (`before`: the values before the edit, None for a new one — for undo)."""

    saved = Signal(int, object)

    def __init__(
        self, context: AppContext, info: StaffInfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.info = info
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Add staff member" if info is None else f"Edit {info.name}")
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in StaffRole:
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.languages = QLineEdit("en")
        self.languages.setPlaceholderText("e.g. en, es")
        self.station = QLineEdit()
        self.lat, self.lon = QLineEdit(), QLineEdit()
        self.lat.setPlaceholderText("latitude, e.g. 35.9968")
        self.lon.setPlaceholderText("longitude, e.g. -78.8980")
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 80)
        self.hours.setValue(40)
        self.active = QCheckBox("Active (can be on shift)")
        self.active.setChecked(True)
        self.skills = QLineEdit()
        self.skills.setPlaceholderText("extra skills, e.g. wound_care (optional)")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Role", self.role)
        form.addRow("&Languages", self.languages)
        form.addRow("Home &station", self.station)
        form.addRow("Station coordinates", _pair(self.lat, self.lon))
        form.addRow("Weekly contracted &hours", self.hours)
        form.addRow("", self.active)
        form.addRow("Extra s&kills", self.skills)
        certs = QGroupBox("Certifications (a skill ends the day after its expiry)")
        grid = QGridLayout(certs)
        today = context.today()
        self.cert_rows = [_CertificationRow(c, today) for c in Certification]
        for i, row in enumerate(self.cert_rows):
            grid.addWidget(row.held, i, 0)
            grid.addWidget(row.expires, i, 1)
            grid.addWidget(row.on, i, 2)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b71c1c")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(certs)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)
        if info is not None:
            self._fill(info.draft)
        for edit in (self.name, self.languages, self.station, self.lat, self.lon, self.skills):
            edit.textChanged.connect(self._on_changed)
        self.hours.valueChanged.connect(self._on_changed)
        self._on_changed()

    def _fill(self, d: StaffDraft) -> None:
        self.name.setText(d.name)
        self.role.setCurrentIndex(max(0, self.role.findData(d.role)))
        self.languages.setText(", ".join(d.languages))
        self.station.setText(d.home_station)
        self.lat.setText("" if d.home_lat is None else f"{d.home_lat:.6f}")
        self.lon.setText("" if d.home_lon is None else f"{d.home_lon:.6f}")
        self.hours.setValue(d.weekly_hours)
        self.active.setChecked(d.active)
        self.skills.setText(", ".join(d.extra_skills))
        held = {c.name: c for c in d.certifications}
        for row in self.cert_rows:
            row.set(held.get(row.cert.value))

    def draft(self) -> StaffDraft:
        lat, lon = _number(self.lat.text()), _number(self.lon.text())
        return StaffDraft(
            name=self.name.text().strip(),
            role=str(self.role.currentData()),
            certifications=tuple(h for r in self.cert_rows if (h := r.value()) is not None),
            languages=tuple(x.strip() for x in self.languages.text().split(",") if x.strip()),
            home_station=self.station.text().strip(),
            home_lat=lat,
            home_lon=lon,
            weekly_hours=self.hours.value(),
            active=self.active.isChecked(),
            extra_skills=tuple(x.strip() for x in self.skills.text().split(",") if x.strip()),
        )

    def problems(self) -> list[str]:
        draft = self.draft()
        problems = staff_problems(draft)
        nan = [v for v in (draft.home_lat, draft.home_lon) if v is not None and v != v]
        if nan:
            problems.append("Station coordinates are decimal degrees, e.g. 35.9968 and -78.898.")
        return problems

    def _on_changed(self) -> None:
        problems = self.problems()
        self.problems_label.setText("\n".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    def _on_buttons_accepted(self) -> None:
        if self.problems():
            return
        ctx, info, draft = self.context, self.info, self.draft()

        def save(_p: ProgressFn, _c: object) -> int:
            if info is None:
                return add_staff(ctx.db, ctx.actor, draft)
            update_staff(ctx.db, ctx.actor, info.id, info.version, draft)
            return info.id

        self.buttons.setEnabled(False)
        self.tasks.run(save, self._on_saved, on_failed=self._on_failed)

    def _on_saved(self, staff_id: int) -> None:
        self.saved.emit(staff_id, None if self.info is None else self.info.draft)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc, title="Staff member")


def _pair(left: QWidget, right: QWidget) -> QWidget:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.addWidget(left, 0, 0)
    grid.addWidget(right, 0, 1)
    return box
