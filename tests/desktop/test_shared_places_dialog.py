"""The Shared places dialog over a real store: a program manager adds a shelter (coordinates
found from its address in the agency's address table), sees what is wrong with the form before
saving, edits it, and undoes the edit; the clients linked to it follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from caseload.importing.addresses import import_address_table
from caseload.places.service import list_shared_places
from desktop import record_list_dialog as dialog_module
from desktop.context import AppContext
from desktop.shared_places_dialog import SharedPlacesDialog


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    monkeypatch.setattr(dialog_module, "show_error", lambda _p, exc, **_k: shown.append(exc))
    return shown


def open_dialog(qtbot: Any, context: AppContext) -> SharedPlacesDialog:
    dialog = SharedPlacesDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.tasks.busy)
    return dialog


def test_add_find_edit_and_undo_a_shelter(
    qtbot: Any, context: AppContext, tmp_path: Path, errors: list[BaseException]
) -> None:
    table = tmp_path / "addresses.csv"
    table.write_text(
        "address,city,state,zip,lat,lon\n1201 N Roxboro St,Durham,NC,27701,35.9961,-78.8963\n"
    )
    import_address_table(context.db, context.actor, table)
    dialog = open_dialog(qtbot, context)
    assert dialog.list.count() == 0
    assert "No shared places yet" in dialog.status_label.text()
    assert not dialog.save_button.isEnabled()

    dialog.name.setText("Urban Ministries")
    dialog.address.setText("1201 North Roxboro Street, Durham NC 27701")
    dialog.find_button.click()
    qtbot.waitUntil(lambda: dialog.coordinates.text() != "")
    assert dialog.coordinates.text() == "35.996100, -78.896300"
    dialog.hours.setText("daily 18:00-")
    assert "opening_hours" in dialog.problems_label.text()
    assert not dialog.save_button.isEnabled()
    dialog.hours.setText("daily 18:00-08:00")
    dialog.description.setPlainText("front desk, ask for Ray")
    assert dialog.problems_label.text() == ""
    with qtbot.waitSignal(dialog.loaded):
        dialog.save_button.click()
    [shelter] = list_shared_places(context.db, context.actor)
    assert (shelter.name, shelter.kind.value, shelter.opening_hours) == (
        "Urban Ministries",
        "shelter",
        "daily 18:00-08:00",
    )
    assert (shelter.lat, shelter.lon) == (35.9961, -78.8963)
    assert dialog.list.count() == 1 and not dialog.undo_button.isEnabled()

    dialog.coordinates.setText("35.9970; -78.9000")  # typed from a phone's map
    dialog.kind.setCurrentIndex(dialog.kind.findData("day_centre"))
    with qtbot.waitSignal(dialog.loaded):
        dialog.save_button.click()
    [edited] = list_shared_places(context.db, context.actor)
    assert (edited.lat, edited.lon, edited.kind.value) == (35.997, -78.9, "day_centre")
    assert dialog.status_label.text() == "Saved."

    with qtbot.waitSignal(dialog.loaded):
        dialog.undo_button.click()
    [back] = list_shared_places(context.db, context.actor)
    assert (back.lat, back.lon, back.kind.value) == (35.9961, -78.8963, "shelter")
    assert dialog.coordinates.text() == "35.996100, -78.896300"
    assert not dialog.undo_button.isEnabled()
    assert errors == []


def test_an_address_not_in_the_table_leaves_the_coordinates_to_type(
    qtbot: Any, context: AppContext
) -> None:
    dialog = open_dialog(qtbot, context)
    dialog.address.setText("12 Nowhere Lane")
    dialog.find_button.click()
    qtbot.waitUntil(lambda: "not found precisely" in dialog.status_label.text())
    assert dialog.coordinates.text() == ""
    assert "coordinates are empty" in dialog.problems_label.text()


def test_the_locations_page_opens_the_dialog(qtbot: Any, context: AppContext) -> None:
    from desktop.locations_page import LocationsPage

    page = LocationsPage(context)
    qtbot.addWidget(page)
    page.places_button.click()
    dialog = page.findChild(SharedPlacesDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.tasks.busy)
    dialog.reject()
