"""The settings dialog over a real SQLite store: values load in the background, OK persists both
settings groups, invalid fields are refused by name with nothing saved, Restore defaults, the
OSRM Test against an unreachable server, and the pure helpers behind the form."""

from __future__ import annotations

import dataclasses
import json
import threading
import zoneinfo
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDoubleSpinBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from caseload import settings
from caseload.errors import ConflictError
from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings
from caseload.store.models import AuditEntry
from desktop import settings_dialog
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
    program_problems,
    readable_label,
    rule_fields,
    timezone_choices,
    travel_example,
    with_mnemonic,
)
from routing.geo import LatLon
from routing.matrix import GeodesicProvider
from tests.desktop.artifacts import save_screenshot

WAIT_MS = 20_000
ZONES = frozenset(zoneinfo.available_timezones())


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error the dialog would show, instead of a modal message box."""
    shown: list[BaseException] = []
    monkeypatch.setattr(
        settings_dialog, "show_error", lambda _parent, exc, **_kw: shown.append(exc)
    )
    return shown


@pytest.fixture
def saved() -> list[ProgramSettings]:
    return []


@pytest.fixture
def dialog(
    qtbot: QtBot, context: AppContext, saved: list[ProgramSettings]
) -> Iterator[SettingsDialog]:
    widget = SettingsDialog(context, saved.append)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.values_loaded, timeout=WAIT_MS):
        pass
    widget.show()
    yield widget
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=WAIT_MS)


def audit_count(context: AppContext) -> int:
    with context.db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "settings.save")
            )
            or 0
        )


def press_ok(dialog: SettingsDialog) -> None:
    dialog.ok_button.click()


# --- loading ------------------------------------------------------------------------------------
def test_stored_values_load_into_every_tab(qtbot: QtBot, context: AppContext) -> None:
    program = dataclasses.replace(
        ProgramSettings(),
        program_name="Bull City MIH",
        timezone="America/Chicago",
        paper_size="A4",
        phi_minimised_sheets=True,
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


# --- saving -------------------------------------------------------------------------------------
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


# --- the OSRM test ------------------------------------------------------------------------------
def test_osrm_test_against_an_unreachable_server_shows_why(
    qtbot: QtBot, dialog: SettingsDialog, errors: list[BaseException]
) -> None:
    dialog.tabs.setCurrentIndex(SERVICES_TAB)
    dialog.services_tab.area.centre_edit.setText("35.994, -78.899")
    dialog.osrm_edit.setText("http://127.0.0.1:9")
    with qtbot.waitSignal(dialog.osrm_tested, timeout=WAIT_MS) as blocker:
        dialog.test_button.click()
        assert not dialog.test_button.isEnabled(), "the request runs in the background"
    message = str(blocker.args[0]) if blocker.args else ""
    assert "cannot reach the OSRM server at http://127.0.0.1:9" in message
    assert dialog.osrm_status.text() == message and dialog.osrm_status.isVisible()
    assert dialog.test_button.isEnabled() and errors == []
    QApplication.processEvents()
    status = dialog.osrm_status
    assert status.height() >= status.heightForWidth(status.width()), "message cut off"
    save_screenshot(dialog, "settings-services-osrm-error")


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers every /table request with `durations` (a class attribute set by the test)."""

    durations: ClassVar[list[list[float | None]]] = [[0, 600], [600, 0]]
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        body = json.dumps({"code": "Ok", "durations": self.durations}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return


@pytest.fixture
def fake_osrm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    # A short poll interval: shutdown() waits up to one (0.5 s by default) in every teardown.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    ("durations", "expected"),
    [
        ([[0, 600], [600, 0]], "The server works: from the map centre to a point 2.7 km away"),
        ([[0, None], [None, 0]], "found no road near the map centre"),
    ],
)
def test_osrm_test_against_a_server_shows_its_answer(
    qtbot: QtBot,
    dialog: SettingsDialog,
    fake_osrm: str,
    monkeypatch: pytest.MonkeyPatch,
    durations: list[list[float | None]],
    expected: str,
) -> None:
    monkeypatch.setattr(FakeOsrm, "durations", durations)
    monkeypatch.setattr(FakeOsrm, "paths", [])
    dialog.services_tab.area.centre_edit.setText("47.6062, -122.3321")  # not Durham: Seattle
    dialog.osrm_edit.setText(fake_osrm)
    with qtbot.waitSignal(dialog.osrm_tested, timeout=WAIT_MS):
        dialog.test_button.click()
    assert expected in dialog.osrm_status.text()
    # The drive asked for starts at the program's map centre (OSRM takes lon,lat).
    assert FakeOsrm.paths and "-122.332100,47.606200;-122.312100,47.626200" in FakeOsrm.paths[0]
    if durations[0][1] is not None:
        assert "is 10 min by road" in dialog.osrm_status.text()


def test_osrm_test_without_a_map_centre_asks_for_one_first(dialog: SettingsDialog) -> None:
    dialog.osrm_edit.setText("http://127.0.0.1:9")
    assert dialog.services_tab.area.centre_edit.text() == ""
    dialog.test_button.click()
    assert "Enter the map centre first" in dialog.osrm_status.text()
    assert not dialog.is_busy()


def test_osrm_test_refuses_a_bad_address_without_asking(dialog: SettingsDialog) -> None:
    dialog.osrm_edit.setText("localhost:5000")
    dialog.test_button.click()
    assert "is not a web address" in dialog.osrm_status.text()
    assert dialog.test_button.isEnabled() and not dialog.is_busy()


# --- the entry point and the look ----------------------------------------------------------------
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


# --- pure helpers -------------------------------------------------------------------------------
def test_default_settings_are_valid() -> None:
    assert program_problems(ProgramSettings(), ZONES) == []


def test_program_problems_name_each_field() -> None:
    bad = dataclasses.replace(
        ProgramSettings(),
        timezone="Mars/Olympus",
        navigation_url="https://maps.example.org/?q={lat}",
        geocoder_url="nominatim.local",
        tile_url="https://t.example.org/{z}/{x}/{y}.png",
    )
    problems = program_problems(bad, ZONES)
    assert [p.field for p in problems] == ["timezone", "navigation_url", "geocoder_url"]
    assert problems[0].message.startswith("Time zone: 'Mars/Olympus'")
    assert "{lat} and {lon}" in problems[1].message
    assert problems[2].message.startswith("Geocoder:")


def test_timezone_choices_america_first_then_sorted() -> None:
    assert timezone_choices(["UTC", "America/Lima", "Europe/Oslo", "America/Boise"]) == [
        "America/Boise",
        "America/Lima",
        "Europe/Oslo",
        "UTC",
    ]


def test_readable_labels() -> None:
    assert readable_label("first_contact_hours") == "First contact (hours)"
    assert readable_label("familiar_face_ed_visits") == "Familiar face ED visits"
    assert readable_label("overdue_points_per_day") == "Overdue (points per day)"
    assert readable_label("high_tier_min_score") == "High tier minimum score"
    assert readable_label("plan_time_limit_s") == "Plan time limit (s)"


def test_mnemonics_avoid_letters_in_use() -> None:
    used = {"p", "t"}
    assert with_mnemonic("Program name", used) == "Program &name"
    assert with_mnemonic("Time zone", used) == "Time &zone"
    assert with_mnemonic("Paper size", used) == "Paper &size"
    assert with_mnemonic("Paper", used) == "P&aper"
    assert with_mnemonic("R&D", set()) == "&R&&D"
    assert with_mnemonic("Pa", {"p", "a"}) == "Pa"
    assert used == {"p", "t", "n", "z", "s", "a"}


@given(
    circuity=st.floats(1.0, 3.0),
    speed=st.floats(5.0, 130.0),
    overhead=st.integers(0, 3600).map(lambda s: s - s % 60),
)
def test_travel_example_matches_the_offline_provider(
    circuity: float, speed: float, overhead: int
) -> None:
    """The example's minutes are what the planner's own estimate gives for ~5 km (±1 min)."""
    a = LatLon(36.0, -78.9)
    b = LatLon(36.0 + 5.0 / 110.95, -78.9)  # ~5 km due north
    seconds = GeodesicProvider(circuity, speed, overhead).durations([a, b])[0, 1]
    minutes = int(travel_example(circuity, speed, overhead).rsplit("≈ ", 1)[1].split()[0])
    assert abs(minutes - seconds / 60.0) <= 1.0


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


# --- two windows, the map area ----------------------------------------------------------------
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


def test_the_map_area_loads_an_outline_file_and_saves_it_with_the_centre(
    qtbot: QtBot, dialog: SettingsDialog, context: AppContext, tmp_path: Path
) -> None:
    area = dialog.services_tab.area
    assert area.outline_label.text() == "none" and not area.clear_button.isEnabled()
    ring = [[-122.4, 47.5], [-122.2, 47.5], [-122.2, 47.7], [-122.4, 47.7], [-122.4, 47.5]]
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [ring]}), encoding="utf-8")
    area.load_file(str(path))
    assert area.outline_label.text() == "an outline of 4 points"
    area.centre_edit.setText("47.6062, -122.3321")
    with qtbot.waitSignal(dialog.settings_saved, timeout=WAIT_MS):
        press_ok(dialog)
    stored = settings.load(context.db, ProgramSettings)
    assert stored.map_centre == LatLon(47.6062, -122.3321)
    assert stored.outline() == (
        (LatLon(47.5, -122.4), LatLon(47.5, -122.2), LatLon(47.7, -122.2), LatLon(47.7, -122.4)),
    )


def test_a_bad_outline_file_is_explained_and_keeps_the_old_outline(
    dialog: SettingsDialog, tmp_path: Path
) -> None:
    area = dialog.services_tab.area
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "Point", "coordinates": [0, 0]}), encoding="utf-8")
    area.load_file(str(path))
    assert "holds no Polygon" in area.outline_status.text()
    assert area.outline_label.text() == "none"
    assert dialog.program_value().area_outline_geojson == ""


def test_a_bad_map_centre_is_refused_by_name(
    dialog: SettingsDialog, context: AppContext, errors: list[BaseException]
) -> None:
    dialog.services_tab.area.centre_edit.setText("35.9, north")
    press_ok(dialog)
    assert len(errors) == 1 and isinstance(errors[0], SettingsInputError)
    assert [p.field for p in errors[0].problems] == ["map_centre"]
    assert dialog.tabs.currentIndex() == SERVICES_TAB
    assert settings.load(context.db, ProgramSettings) == ProgramSettings()


def test_the_plan_map_draws_the_outline_the_settings_hold(tmp_path: Path) -> None:
    """No outline setting, no outline (no Durham County for a program elsewhere); the saved
    outline otherwise."""
    from desktop.plan.map_data import plan_map_data

    assert plan_map_data(None, ProgramSettings()).outline == ()
    ring = [[-122.4, 47.5], [-122.2, 47.5], [-122.2, 47.7], [-122.4, 47.5]]
    seattle = dataclasses.replace(
        ProgramSettings(),
        area_outline_geojson=json.dumps({"type": "Polygon", "coordinates": [ring]}),
    )
    assert plan_map_data(None, seattle).outline == (
        (LatLon(47.5, -122.4), LatLon(47.5, -122.2), LatLon(47.7, -122.2)),
    )
