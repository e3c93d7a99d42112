"""Locations to check and the pin editor, as a user works them: the list, a click on the map
places the selected client (manual, saved at once), Ctrl+Z undoes it; typed coordinates in the
client panel's Location tab."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from caseload.enums import GeocodeQuality
from caseload.locations import client_location
from desktop.caseload_page import CaseloadPage
from desktop.context import AppContext
from desktop.location_editor import parse_coordinates
from desktop.locations_model import LocationsTableModel
from desktop.locations_page import LocationsPage
from tests.desktop.artifacts import save_screenshot
from tests.desktop.seed import Seed
from tests.desktop.test_map_view import run_js, wait_js

PINS = "document.querySelectorAll('.rounds-pin').length"


def _quality(context: AppContext, client_id: int) -> GeocodeQuality:
    return client_location(context.db, client_id, context.actor).location.quality


def test_model_keeps_qts_contract(qtmodeltester: Any, context: AppContext, seed: Seed) -> None:
    from caseload.locations import locations_to_check

    model = LocationsTableModel()
    model.set_rows(locations_to_check(context.db, context.actor))
    assert model.rowCount() == len(seed.clients)  # the seed places nobody
    qtmodeltester.check(model)


def test_click_on_the_map_places_the_client_and_ctrl_z_undoes_it(
    qtbot: QtBot, context: AppContext, seed: Seed
) -> None:
    page = LocationsPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    with qtbot.waitSignal(page.map.loaded, timeout=20_000):
        page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == len(seed.clients), timeout=10_000)
    assert page.summary.text().startswith(f"{len(seed.clients)} locations to check")
    client_id = page.model.rows()[0].client_id
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.editor.current is not None, timeout=10_000)
    assert page.editor.check.text().startswith("No location")

    # The user clicks the map: the pin appears and the location is saved as placed by hand.
    run_js(qtbot, page.map, "window.roundsMap.fire('click', {latlng: L.latLng(35.99, -78.9)}); 1")
    wait_js(qtbot, page.map, PINS, 1)
    qtbot.waitUntil(lambda: _quality(context, client_id) is GeocodeQuality.MANUAL, timeout=10_000)
    qtbot.waitUntil(lambda: page.model.row_of(client_id) is None, timeout=10_000)
    qtbot.waitUntil(lambda: page.editor.quality.text() == "Placed by hand", timeout=10_000)
    assert page.editor.coordinates.text() == "35.990000, -78.900000"
    assert page.editor.placed.text().startswith(f"by {context.actor.user_id} on ")
    page.resize(1366, 700)
    save_screenshot(page, "locations_page")  # test-artifacts/, to look at
    # The pin is where the user clicked, and the map is zoomed to it.
    assert run_js(qtbot, page.map, "window.roundsPin.getLatLng().lat") == 35.99
    assert run_js(qtbot, page.map, "window.roundsMap.getZoom()") >= 15
    # Dragging the pin moves it again (Leaflet's dragend, as the map fires it).
    run_js(
        qtbot,
        page.map,
        "window.roundsPin.setLatLng([35.991, -78.901]);"
        "window.roundsPin.fire('dragend', {target: window.roundsPin}); 1",
    )
    qtbot.waitUntil(
        lambda: client_location(context.db, client_id, context.actor).location.lat == 35.991,
        timeout=10_000,
    )

    page.editor.coordinates.setFocus()
    QTest.keyClick(page.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: client_location(context.db, client_id, context.actor).location.lat == 35.99,
        timeout=10_000,
    )
    page.editor.undo()
    qtbot.waitUntil(lambda: _quality(context, client_id) is GeocodeQuality.NONE, timeout=10_000)
    qtbot.waitUntil(lambda: page.model.row_of(client_id) is not None, timeout=10_000)
    assert page.map.js_errors() == []


def test_typed_coordinates_in_the_client_panel(
    qtbot: QtBot, context: AppContext, seed: Seed
) -> None:
    page = CaseloadPage(context)
    qtbot.addWidget(page)
    page.refresh()
    client_id = next(iter(seed.clients.values()))
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    page.select_client(client_id)
    editor = page.location_editor
    qtbot.waitUntil(lambda: editor.current is not None, timeout=10_000)
    editor.coordinates.setText("36.01; -78.92")
    QTest.keyClick(editor.coordinates, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _quality(context, client_id) is GeocodeQuality.MANUAL, timeout=10_000)
    qtbot.waitUntil(lambda: editor.coordinates.text() == "36.010000, -78.920000", timeout=10_000)


def test_coordinates_are_read_latitude_first() -> None:
    assert parse_coordinates(" 35.994, -78.899 ") == (35.994, -78.899)
    assert parse_coordinates("35.994 -78.899") == (35.994, -78.899)
