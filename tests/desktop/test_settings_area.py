"""The map area on the settings dialog's Services tab: an outline file and the map centre are
saved with the program settings, bad input is explained or refused by name, and the plan map
draws the outline the settings hold."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from caseload import settings
from caseload.settings import ProgramSettings
from desktop.context import AppContext
from desktop.settings_dialog import SERVICES_TAB, SettingsDialog, SettingsInputError
from routing.geo import LatLon
from tests.desktop.settings_helpers import (
    WAIT_MS,
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
def dialog(qtbot: QtBot, context: AppContext) -> Iterator[SettingsDialog]:
    widget = open_loaded_dialog(qtbot, context)
    yield widget
    wait_until_idle(qtbot, widget)


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
