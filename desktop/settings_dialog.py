"""The settings dialog: the program's settings and the priority rules, edited in one window.

Both groups are typed settings stored in the database (`caseload.settings`). Loading and saving
run in the background; OK checks every field first and saves nothing while any is invalid.
The tabs are built in `settings_tabs` and `settings_rules_form`; the rules they follow
(validation, labels, the rules form's spec) are Qt-free in `settings_fields`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.settings_fields import (
    PROGRAM_TAB,
    RULES_TAB,
    SERVICES_TAB,
    TAB_TITLES,
    TRAVEL_TAB,
    FieldProblem,
    SettingsInputError,
    program_problems,
    readable_label,
    rule_fields,
    timezone_choices,
    travel_example,
    url_problem,
    with_mnemonic,
)
from desktop.settings_probe import OsrmProbe, probe_osrm
from desktop.settings_rules_form import PriorityRulesTab
from desktop.settings_store import LoadedSettings, load_settings, save_settings
from desktop.settings_tabs import ProgramTab, ServicesTab, TravelTab
from desktop.tasks import TaskRunner
from routing.matrix import TravelTimeError

# The dialog, and the helpers' names this module has always offered (tests import them here).
__all__ = [
    "PROGRAM_TAB",
    "RULES_TAB",
    "SERVICES_TAB",
    "TAB_TITLES",
    "TRAVEL_TAB",
    "FieldProblem",
    "SettingsDialog",
    "SettingsInputError",
    "open_settings_dialog",
    "program_problems",
    "readable_label",
    "rule_fields",
    "timezone_choices",
    "travel_example",
    "with_mnemonic",
]


class SettingsDialog(QDialog):
    """Program settings and priority rules. OK validates, saves in the background, then calls
    `on_saved(new_program_settings)`; Cancel (or Esc) discards."""

    values_loaded = Signal()
    settings_saved = Signal(object)  # the new ProgramSettings
    osrm_tested = Signal(str)  # the message shown

    def __init__(
        self,
        context: AppContext,
        on_saved: Callable[[ProgramSettings], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._on_saved_callback = on_saved
        self._loaded: LoadedSettings | None = None
        self._saving = False
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Settings")
        self._build_tabs()
        self.status_label = QLabel("Loading the settings…")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(1240, 680)  # three columns of priority rules
        self._set_busy(True)
        self.tasks.run(
            lambda _p, _c: load_settings(context.db),
            self._on_values_loaded,
            on_failed=self._on_load_failed,
        )

    def _build_tabs(self) -> None:
        self.program_tab = ProgramTab()
        self.program_tab.show_encryption(encryption_text(self.context.db.url))
        self.services_tab = ServicesTab()
        self.travel_tab = TravelTab()
        self.rules_tab = PriorityRulesTab()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.program_tab, TAB_TITLES[PROGRAM_TAB])
        self.tabs.addTab(self.services_tab, TAB_TITLES[SERVICES_TAB])
        self.tabs.addTab(self.travel_tab, TAB_TITLES[TRAVEL_TAB])
        self.tabs.addTab(self.rules_tab, TAB_TITLES[RULES_TAB])
        self.services_tab.test_button.clicked.connect(self._on_test_button_clicked)
        self.rules_tab.restore_button.clicked.connect(self._on_restore_button_clicked)
        # Every field is also the dialog's own attribute: callers and tests reach them there.
        program, services, travel = self.program_tab, self.services_tab, self.travel_tab
        self.name_edit, self.zone_combo = program.name_edit, program.zone_combo
        self.paper_combo, self.phi_check = program.paper_combo, program.phi_check
        self.nav_edit, self.nav_example = program.nav_edit, program.nav_example
        self.visit_minutes, self.time_limit = program.visit_minutes, program.time_limit
        self.osrm_edit, self.test_button = services.osrm_edit, services.test_button
        self.osrm_status, self.geocoder_edit = services.osrm_status, services.geocoder_edit
        self.tile_edit, self.attribution_edit = services.tile_edit, services.attribution_edit
        self.circuity, self.speed, self.overhead = travel.circuity, travel.speed, travel.overhead
        self.travel_example = travel.travel_example
        self.rules_area, self.restore_button = (
            self.rules_tab.rules_area,
            self.rules_tab.restore_button,
        )

    # --- values in and out ------------------------------------------------------------------
    def _on_values_loaded(self, loaded: LoadedSettings) -> None:
        self._loaded = loaded
        self.program_tab.set_zones(loaded.zones)
        self.rules_tab.build(loaded.rule_fields)
        self.set_program(loaded.program)
        self.set_rules(loaded.rules)
        self._set_busy(False)
        self.status_label.setText("")
        self.values_loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        show_error(self.parentWidget(), exc, title="Settings")
        self.close()

    def set_program(self, p: ProgramSettings) -> None:
        self.program_tab.set_values(p)
        self.services_tab.set_values(p)
        self.travel_tab.set_values(p)

    def program_value(self) -> ProgramSettings:
        """The program settings as edited (fields the dialog does not show are kept)."""
        value = self._loaded.program if self._loaded else ProgramSettings()
        for tab in (self.program_tab, self.services_tab, self.travel_tab):
            value = tab.edited(value)
        return value

    def set_rules(self, rules: PriorityRules) -> None:
        self.rules_tab.set_values(rules)

    def rules_value(self) -> PriorityRules:
        return self.rules_tab.edited(self._loaded.rules if self._loaded else PriorityRules())

    def rule_widget(self, name: str) -> QWidget:
        return self.rules_tab.rule_widget(name)

    # --- OK, Cancel -------------------------------------------------------------------------
    def _field_widget(self, field: str) -> tuple[int, QWidget]:
        widgets: dict[str, tuple[int, QWidget]] = {
            "program_name": (PROGRAM_TAB, self.name_edit),
            "timezone": (PROGRAM_TAB, self.zone_combo),
            "paper_size": (PROGRAM_TAB, self.paper_combo),
            "navigation_url": (PROGRAM_TAB, self.nav_edit),
            "default_visit_minutes": (PROGRAM_TAB, self.visit_minutes),
            "plan_time_limit_s": (PROGRAM_TAB, self.time_limit),
            "auto_lock_minutes": (PROGRAM_TAB, self.program_tab.lock_minutes),
            "osrm_url": (SERVICES_TAB, self.osrm_edit),
            "geocoder_url": (SERVICES_TAB, self.geocoder_edit),
            "tile_url": (SERVICES_TAB, self.tile_edit),
            "map_centre": (SERVICES_TAB, self.services_tab.area.centre_edit),
            "circuity": (TRAVEL_TAB, self.circuity),
            "speed_kmh": (TRAVEL_TAB, self.speed),
            "leg_overhead_s": (TRAVEL_TAB, self.overhead),
        }
        return widgets.get(field, (PROGRAM_TAB, self.name_edit))

    def problems(self) -> list[FieldProblem]:
        zones = frozenset(self._loaded.zones) if self._loaded else frozenset()
        return program_problems(self.program_value(), zones) + self.services_tab.area.problems()

    def _on_buttons_accepted(self) -> None:
        if self._loaded is None or self._saving:
            return
        problems = self.problems()
        if problems:
            tab, widget = self._field_widget(problems[0].field)
            self.tabs.setCurrentIndex(tab)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            show_error(self, SettingsInputError(problems), title="Settings not saved")
            return
        program, rules, before = self.program_value(), self.rules_value(), self._loaded
        if program == before.program and rules == before.rules:
            self.accept()
            return
        db, actor = self.context.db, self.context.actor
        self._saving = True
        self._set_busy(True)
        self.status_label.setText("Saving…")
        self.tasks.run(
            lambda _p, _c: save_settings(db, actor, before, program, rules),
            self._on_settings_saved,
            on_failed=self._on_save_failed,
        )

    def _on_settings_saved(self, program: ProgramSettings) -> None:
        self._saving = False
        self._set_busy(False)
        self.status_label.setText("Saved.")
        if self._on_saved_callback is not None:
            self._on_saved_callback(program)
        self.settings_saved.emit(program)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._set_busy(False)
        self.status_label.setText("Not saved.")
        show_error(self, exc, title="Settings not saved")

    def reject(self) -> None:
        """Cancel / Esc: discard the edits (not while a save is under way)."""
        if not self._saving:
            super().reject()

    # --- small slots ------------------------------------------------------------------------
    def _on_restore_button_clicked(self) -> None:
        self.set_rules(PriorityRules())
        self.status_label.setText("Default priority rules restored; press OK to save them.")

    def _on_test_button_clicked(self) -> None:
        url = self.osrm_edit.text().strip()
        problem = (
            url_problem("OSRM server", url) if url else "Enter the OSRM server's address first."
        )
        centre = self.program_value().map_centre  # as typed, so it can be tried before saving
        if centre is None and not problem:
            problem = "Enter the map centre first: the test asks for a short drive from there."
        if problem or centre is None:
            self._show_osrm_status(problem or "", ok=False)
            return
        self.test_button.setEnabled(False)
        self._show_osrm_status(f"Asking {url}…", ok=None)
        self.tasks.run(
            lambda _p, cancel: probe_osrm(url, centre, cancel),
            self._on_osrm_probed,
            on_failed=self._on_osrm_failed,
        )

    def _on_osrm_probed(self, probe: OsrmProbe) -> None:
        self.test_button.setEnabled(True)
        self._show_osrm_status(probe.message, ok=probe.ok)

    def _on_osrm_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, TravelTimeError):
            self._show_osrm_status(str(exc), ok=False)
        else:
            self._show_osrm_status("The test failed unexpectedly.", ok=False)
            show_error(self, exc, title="OSRM test")

    def _show_osrm_status(self, message: str, *, ok: bool | None) -> None:
        self.services_tab.show_osrm_status(message, ok=ok)
        if ok is not None:
            self.osrm_tested.emit(message)

    def _set_busy(self, busy: bool) -> None:
        self.tabs.setEnabled(not busy)
        self.ok_button.setEnabled(not busy)

    def is_busy(self) -> bool:
        return self.tasks.busy


def open_settings_dialog(
    parent: QWidget, context: AppContext, on_saved: Callable[[ProgramSettings], None]
) -> None:
    """Open the settings window over `parent` once the current values are loaded (returns at
    once). `on_saved(new_program_settings)` runs on the UI thread after a successful save; it is
    not called when nothing changed or on Cancel. A second call while open raises the window."""
    for existing in parent.findChildren(SettingsDialog):
        if existing.isVisible():
            existing.raise_()
            existing.activateWindow()
        return
    dialog = SettingsDialog(context, on_saved, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.values_loaded.connect(dialog.show)


def encryption_text(url: str) -> str:
    """Whether the open database is encrypted at rest, and how to get an encrypted one."""
    from caseload.store import encryption
    from caseload.store.database import sqlite_file_of

    path = sqlite_file_of(url)
    if path is None:
        return (
            "A database server: protect it with the server's disk encryption and connect with "
            "TLS (sslmode=verify-full in the URL)."
        )
    if path.exists() and encryption.is_encrypted_file(path):
        return (
            "This database file is encrypted (SQLCipher); its key comes from "
            f"${encryption.KEY_ENV} or the passphrase asked for at start."
        )
    return (
        "This database file is not encrypted. Only a new file can be encrypted: "
        f"`{encryption.KEY_ENV}=… rounds demo --db sqlite:///FILE --encrypt` (see Encryption at "
        "rest in the README); keep the key off this computer's disk."
    )
