"""The settings dialog over a real SQLite store: values load in the background, OK persists both
settings groups, invalid fields are refused by name with nothing saved, Restore defaults, two
windows saving at once, the entry point and the look (tabs, mnemonics, screenshots)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLabel, QPushButton, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from caseload import settings
from caseload.errors import ConflictError
from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings
from desktop.context import AppContext
from desktop.settings_dialog import (
    PROGRAM_TAB,
    RULES_TAB,
    SERVICES_TAB,
    TAB_TITLES,
    TRAVEL_TAB,
    SettingsDialog,
    SettingsInputError,
    open_settings_dialog,
    rule_fields,
)
from tests.desktop.artifacts import save_screenshot
from tests.desktop.settings_helpers import (
    WAIT_MS,
    audit_count,
    open_loaded_dialog,
    press_ok,
    record_errors,
    wait_until_idle,
)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error the dialog would show, instead of a modal message box."""
    return record_errors(monkeypatch)


@pytest.fixture
def saved() -> list[ProgramSettings]:
    return []


@pytest.fixture
def dialog(
    qtbot: QtBot, context: AppContext, saved: list[ProgramSettings]
) -> Iterator[SettingsDialog]:
    widget = open_loaded_dialog(qtbot, context, saved.append)
    yield widget
    wait_until_idle(qtbot, widget)


# --- loading --------------------------------------------------------------------------------------
def test_stored_values_load_into_every_tab(qtbot: QtBot, context: AppContext) -> None:
    program = dataclasses.replace(
        ProgramSettings(),
        program_name="Bull City MIH",
        timezone="America/Chicago",
        paper_size="A4",
        phi_minimised_sheets=True,
        plan_approximate_locations=True,
        osrm_url="http://10.0.0.5:5000",
        circuity=1.375,
        leg_overhead_s=90,
    )
    rules = dataclasses.replace(PriorityRules(), unsheltered_points=22.25, recent_fall_days=21)
    settings.save(context.db, program, context.actor)
    settings.save(context.db, rules, context.actor)
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.values_loaded, timeout=WAIT_MS):
        assert not dialog.ok_button.isEnabled(), "OK must wait for the values"

    assert dialog.name_edit.text() == "Bull City MIH"
    assert dialog.zone_combo.currentText() == "America/Chicago"
    assert dialog.paper_combo.currentText() == "A4"
    assert dialog.phi_check.isChecked()
    assert dialog.program_tab.approximate_check.isChecked()
    assert dialog.osrm_edit.text() == "http://10.0.0.5:5000"
    assert dialog.circuity.value() == pytest.approx(1.375)
    assert dialog.overhead.value() == 90
    assert dialog.program_value() == program
    assert dialog.rules_value() == rules
    assert "≈" in dialog.travel_example.text()
    assert dialog.ok_button.isEnabled()


def test_the_time_zone_list_puts_the_americas_first(dialog: SettingsDialog) -> None:
    items = [dialog.zone_combo.itemText(i) for i in range(dialog.zone_combo.count())]
    assert items[0].startswith("America/")
    assert "Europe/Berlin" in items and "America/New_York" in items
    assert items.index("America/Yakutat") < items.index("Africa/Abidjan")


def test_every_rule_has_a_widget_of_its_type(dialog: SettingsDialog) -> None:
    expected = {int: QSpinBox, float: QDoubleSpinBox, bool: QCheckBox}
    for spec in rule_fields():
        widget = dialog.rule_widget(spec.name)
        assert isinstance(widget, expected[spec.kind]), spec.name
        assert widget.toolTip().endswith(f"Default: {getattr(PriorityRules(), spec.name)}.")
    tip = dialog.rule_widget("familiar_face_calls_days").toolTip()
    assert "911 calls" in tip and "within this many days" in tip


# --- saving ---------------------------------------------------------------------------------------
def test_ok_saves_both_groups_and_reports_the_new_program(
    qtbot: QtBot, dialog: SettingsDialog, context: AppContext, saved: list[ProgramSettings]
) -> None:
    dialog.name_edit.setText("Durham County MIH")
    dialog.zone_combo.setCurrentText("America/Denver")
    dialog.paper_combo.setCurrentText("A4")
    dialog.nav_edit.setText("https://maps.example.org/?q={lat},{lon}")
    dialog.tile_edit.setText("https://tiles.example.org/{z}/{x}/{y}.png")
    dialog.speed.setValue(42.0)
    spin = dialog.rule_widget("unsheltered_points")
    assert isinstance(spin, QDoubleSpinBox)
    spin.setValue(33.0)
    with qtbot.waitSignal(dialog.settings_saved, timeout=WAIT_MS):
        press_ok(dialog)

    program = settings.load(context.db, ProgramSettings)
    assert program.program_name == "Durham County MIH"
    assert program.timezone == "America/Denver"
    assert program.paper_size == "A4"
    assert program.navigation_url == "https://maps.example.org/?q={lat},{lon}"
    assert program.tile_url == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert program.speed_kmh == 42.0
    assert settings.load(context.db, PriorityRules).unsheltered_points == 33.0
    assert saved == [program]
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert audit_count(context) == 2


def test_enter_is_ok_and_escape_is_cancel(
    qtbot: QtBot, dialog: SettingsDialog, context: AppContext, saved: list[ProgramSettings]
) -> None:
    dialog.name_edit.setText("Typed then Esc")
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert settings.load(context.db, ProgramSettings) == ProgramSettings()

    dialog.show()
    dialog.name_edit.setFocus()
    dialog.name_edit.setText("Typed then Enter")
    with qtbot.waitSignal(dialog.settings_saved, timeout=WAIT_MS):
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert settings.load(context.db, ProgramSettings).program_name == "Typed then Enter"
    assert [p.program_name for p in saved] == ["Typed then Enter"]


@pytest.mark.parametrize(
    ("name", "tab"),
    [
        ("zone_combo", PROGRAM_TAB),
        ("paper_combo", PROGRAM_TAB),
        ("visit_minutes", PROGRAM_TAB),
        ("circuity", TRAVEL_TAB),
        ("recent_fall_days", RULES_TAB),
    ],
)
def test_enter_in_any_field_is_ok(dialog: SettingsDialog, name: str, tab: int) -> None:
    widget = dialog.rule_widget(name) if tab == RULES_TAB else getattr(dialog, name)
    dialog.tabs.setCurrentIndex(tab)
    widget.setFocus()
    assert dialog.focusWidget() in (widget, getattr(widget, "lineEdit", lambda: None)())
    QTest.keyClick(widget, Qt.Key.Key_Return)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted and not dialog.isVisible()


def test_ok_without_changes_writes_nothing(
    dialog: SettingsDialog, context: AppContext, saved: list[ProgramSettings]
) -> None:
    press_ok(dialog)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert audit_count(context) == 0 and saved == []


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (lambda d: d.tile_edit.setText("https://tiles.example.org/{z}/{x}.png"), "tile_url", "{y}"),
        (lambda d: d.tile_edit.setText("tiles.example.org/{z}/{x}/{y}"), "tile_url", "http"),
        (lambda d: d.nav_edit.setText("geo:{lon}"), "navigation_url", "{lat}"),
        (lambda d: d.zone_combo.setCurrentText("America/Durham"), "timezone", "America/Durham"),
        (lambda d: d.osrm_edit.setText("ftp://10.0.0.5"), "osrm_url", "OSRM server"),
        (lambda d: d.name_edit.setText("  "), "program_name", "Program name"),
    ],
)
def test_invalid_input_is_refused_by_name_and_nothing_is_saved(
    qtbot: QtBot,
    dialog: SettingsDialog,
    context: AppContext,
    errors: list[BaseException],
    saved: list[ProgramSettings],
    edit: object,
    field: str,
    words: str,
) -> None:
    dialog.speed.setValue(50.0)  # a valid change that must not be saved either
    assert callable(edit)
    edit(dialog)
    press_ok(dialog)
    qtbot.wait(50)
    assert len(errors) == 1 and isinstance(errors[0], SettingsInputError)
    assert [p.field for p in errors[0].problems] == [field]
    assert words in str(errors[0])
    assert dialog.isVisible() and not dialog.is_busy()
    assert settings.load(context.db, ProgramSettings) == ProgramSettings()
    assert audit_count(context) == 0 and saved == []


def test_the_first_invalid_field_gets_the_focus(
    dialog: SettingsDialog, errors: list[BaseException]
) -> None:
    dialog.tile_edit.setText("not a url")
    press_ok(dialog)
    assert dialog.tabs.currentIndex() == SERVICES_TAB
    assert dialog.focusWidget() is dialog.tile_edit


def test_a_save_by_someone_else_meanwhile_is_a_conflict(
    qtbot: QtBot,
    dialog: SettingsDialog,
    context: AppContext,
    errors: list[BaseException],
    saved: list[ProgramSettings],
) -> None:
    other = dataclasses.replace(ProgramSettings(), program_name="Saved elsewhere")
    settings.save(context.db, other, context.actor)
    dialog.name_edit.setText("Mine")
    press_ok(dialog)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert "Someone else changed the settings" in str(errors[0])
    assert settings.load(context.db, ProgramSettings) == other
    assert saved == [] and dialog.isVisible()


def test_restore_defaults_resets_the_rules_form(
    qtbot: QtBot, context: AppContext, dialog: SettingsDialog
) -> None:
    for spec in rule_fields()[:5]:
        widget = dialog.rule_widget(spec.name)
        if isinstance(widget, QSpinBox):
            widget.setValue(widget.value() + 7)
        else:
            assert isinstance(widget, QDoubleSpinBox)
            widget.setValue(widget.value() + 7.5)
    assert dialog.rules_value() != PriorityRules()
    dialog.tabs.setCurrentIndex(RULES_TAB)
    dialog.restore_button.click()
    assert dialog.rules_value() == PriorityRules()
    assert "press OK" in dialog.status_label.text()
    press_ok(dialog)  # back to what is stored: nothing to save
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert audit_count(context) == 0


def test_restore_defaults_after_stored_rules(qtbot: QtBot, context: AppContext) -> None:
    changed = dataclasses.replace(PriorityRules(), high_tier_min_score=55.0, recent_fall_days=3)
    settings.save(context.db, changed, context.actor)
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.values_loaded, timeout=WAIT_MS):
        pass
    assert dialog.rules_value() == changed
    dialog.restore_button.click()
    with qtbot.waitSignal(dialog.settings_saved, timeout=WAIT_MS):
        press_ok(dialog)
    assert settings.load(context.db, PriorityRules) == PriorityRules()


# --- two windows ----------------------------------------------------------------------------------
def test_two_windows_saving_the_second_gets_a_conflict_and_saves_nothing(
    qtbot: QtBot, context: AppContext, errors: list[BaseException]
) -> None:
    """Two people open Settings; the first to press OK wins, the second is told (by the
    settings service's version check) and nothing of theirs is written."""
    first, second = SettingsDialog(context), SettingsDialog(context)
    for window in (first, second):
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda w=window: w._loaded is not None, timeout=WAIT_MS)
    first.name_edit.setText("First")
    with qtbot.waitSignal(first.settings_saved, timeout=WAIT_MS):
        press_ok(first)
    second.name_edit.setText("Second")
    second.speed.setValue(50.0)
    press_ok(second)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert isinstance(errors[0], ConflictError)
    stored = settings.load(context.db, ProgramSettings)
    assert stored.program_name == "First" and stored.speed_kmh == ProgramSettings().speed_kmh
    assert second.status_label.text() == "Not saved." and not second.is_busy()


# --- the entry point and the look -----------------------------------------------------------------
def test_open_settings_dialog_shows_once_loaded_and_only_once(
    qtbot: QtBot, context: AppContext, saved: list[ProgramSettings]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    open_settings_dialog(parent, context, saved.append)
    open_settings_dialog(parent, context, saved.append)
    dialogs = parent.findChildren(SettingsDialog)
    assert len(dialogs) == 1
    qtbot.waitUntil(dialogs[0].isVisible, timeout=WAIT_MS)
    dialogs[0].name_edit.setText("Opened from the menu")
    with qtbot.waitSignal(dialogs[0].settings_saved, timeout=WAIT_MS):
        press_ok(dialogs[0])
    assert [p.program_name for p in saved] == ["Opened from the menu"]


def test_screenshots_of_every_tab_at_laptop_size(dialog: SettingsDialog) -> None:
    """Saved to test-artifacts/ to look at; every tab fits 1366x768 without being cut off."""
    assert dialog.width() <= 1366 and dialog.height() <= 700
    for index, name in enumerate(("program", "services", "travel", "rules")):
        dialog.tabs.setCurrentIndex(index)
        save_screenshot(dialog, f"settings-{name}")
        page = dialog.tabs.currentWidget()
        assert page.minimumSizeHint().height() <= page.height(), name
    assert not dialog.rules_area.verticalScrollBar().isVisible(), "every rule fits at once"
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("Leave empty to keep patient data on this machine" in t for t in labels)


def test_mnemonics_are_unique_on_each_tab(dialog: SettingsDialog) -> None:
    """Alt+letter reaches one field per tab, never clashing with the tabs' own letters."""
    tab_letters = {t.split("&")[1][0].lower() for t in TAB_TITLES}
    for index in range(dialog.tabs.count()):
        page = dialog.tabs.widget(index)
        assert page is not None
        texts = [w.text() for w in page.findChildren(QLabel) if w.buddy() is not None]
        texts += [b.text() for b in page.findChildren(QPushButton)]
        letters = [t.replace("&&", "").split("&")[1][0].lower() for t in texts if "&" in t]
        assert len(letters) == len(set(letters)), letters
        assert not tab_letters & set(letters)
        assert letters, f"tab {index} has no mnemonics"


def test_the_lock_time_is_a_setting_beside_the_encryption_state(
    qtbot: QtBot, context: AppContext, saved: list[ProgramSettings]
) -> None:
    """Auto-lock's idle time (default 15 min) is edited with the program's settings; the tab
    says whether the database file is encrypted and how to get an encrypted one."""
    dialog = open_loaded_dialog(qtbot, context, saved.append)
    assert dialog.program_tab.lock_minutes.value() == 15
    text = dialog.program_tab.encryption_label.text()
    assert "not encrypted" in text and "--encrypt" in text and "ROUNDS_DB_KEY" in text
    dialog.program_tab.lock_minutes.setValue(5)
    assert dialog.program_value().auto_lock_minutes == 5.0
    untouched = dataclasses.replace(ProgramSettings(), auto_lock_minutes=0.5)
    dialog.program_tab.set_values(untouched)
    assert dialog.program_tab.edited(untouched).auto_lock_minutes == 0.5  # a finer value kept
    wait_until_idle(qtbot, dialog)
