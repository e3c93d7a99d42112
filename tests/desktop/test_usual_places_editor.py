"""The Location tab's usual places: link a shared place with times of day (checked as typed),
remove it, undo both; the caseload page shows the editor for the selected client."""

from __future__ import annotations

from typing import Any

import pytest

from caseload.places.service import SharedPlaceInput, save_shared_place
from caseload.places.usual import usual_places
from desktop import usual_places_editor as editor_module
from desktop.context import AppContext
from desktop.usual_places_editor import UsualPlacesEditor
from tests.caseload.test_usual_places import _client


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    monkeypatch.setattr(editor_module, "show_error", lambda _p, exc, **_k: shown.append(exc))
    return shown


def test_link_remove_and_undo(qtbot: Any, context: AppContext, errors: list[BaseException]) -> None:
    db, actor = context.db, context.actor
    client_id = _client(db)
    save_shared_place(db, actor, SharedPlaceInput("Urban Ministries", "shelter", 35.996, -78.902))
    library = save_shared_place(
        db, actor, SharedPlaceInput("Main Library", "library", 35.993, -78.899)
    )
    editor = UsualPlacesEditor(context)
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.loaded):
        editor.set_client(client_id)
    assert editor.list.count() == 0 and editor.place.count() == 2
    assert not editor.remove_button.isEnabled() and not editor.undo_button.isEnabled()

    editor.place.setCurrentIndex(editor.place.findData(library.id))
    editor.times.setText("breakfast")
    assert "Times of day" in editor.problem.text() and not editor.link_button.isEnabled()
    editor.times.setText("afternoon")
    editor.primary.setChecked(True)
    assert editor.problem.text() == "" and editor.link_button.isEnabled()
    with qtbot.waitSignal(editor.loaded):
        editor.link_button.click()
    assert [editor.list.item(i).text() for i in range(editor.list.count())] == [
        "Main Library — afternoon (primary)"
    ]
    today = context.today()
    assert [u.shared_place_id for u in usual_places(db, actor, client_id, today)] == [library.id]

    editor.list.setCurrentRow(0)
    with qtbot.waitSignal(editor.loaded):
        editor.remove_button.click()
    assert editor.list.count() == 0 and usual_places(db, actor, client_id, today) == []
    with qtbot.waitSignal(editor.loaded):
        editor.undo_button.click()  # the removal undone: back with its times and primary
    [back] = usual_places(db, actor, client_id, today)
    assert (back.times_of_day, back.is_primary) == ("afternoon", True)
    with qtbot.waitSignal(editor.loaded):
        editor.undo_button.click()  # the link undone
    assert usual_places(db, actor, client_id, today) == []
    assert not editor.undo_button.isEnabled()
    assert errors == []
