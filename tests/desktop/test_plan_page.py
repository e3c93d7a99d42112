"""The program manager's day, end to end on a demo database: plan, see routes, unassigned
visits and the map, move a stop, re-plan, undo; cancel; no network request from the map."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from caseload import settings
from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from desktop.context import AppContext
from desktop.plan_page import PlanPage
from tests.desktop.test_map_view import MARKERS, ROUTES, wait_js

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TODAY = date(2026, 3, 10)


@pytest.fixture
def page(qtbot: QtBot, sqlite_db: Database) -> Iterator[PlanPage]:
    create_demo(sqlite_db, local_actor(), seed=5, clients=40, today=TODAY)
    context = AppContext(sqlite_db, local_actor(), settings.load(sqlite_db, ProgramSettings))
    widget = PlanPage(context)
    qtbot.addWidget(widget)
    widget.resize(1366, 740)
    widget.show()
    widget.time_limit.setValue(1)
    widget.date_edit.setDate(TODAY)  # triggers a load of that day
    qtbot.waitUntil(lambda: widget.candidates.rowCount() > 0 and widget.day == TODAY, timeout=20000)
    yield widget
    assert widget.map_view.guard.network_requests == [], "the map must stay offline"


def _plan(qtbot: QtBot, page: PlanPage) -> None:
    with qtbot.waitSignal(page.plan_shown, timeout=30000):
        page.plan()
    qtbot.waitUntil(lambda: not page.solving, timeout=5000)


def _expected_markers(page: PlanPage) -> int:
    plan = page.state.plan
    assert plan is not None
    stops = sum(len(r.stops) for r in plan.routes)
    unplanned = sum(1 for u in plan.unassigned if u.candidate.location is not None)
    bases = len({r.crew.base for r in plan.routes if r.crew.base is not None})
    return stops + unplanned + bases


def test_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester: object, page: PlanPage) -> None:
    _plan(qtbot, page)
    for model in (page.candidates, page.routes, page.unassigned):
        qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_plan_shows_routes_unassigned_and_map(qtbot: QtBot, page: PlanPage) -> None:
    _plan(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    assert page.routes.rowCount() == len(plan.routes)
    for row, route in enumerate(plan.routes):
        crew_index = page.routes.index(row, 0)
        assert crew_index.data() == route.crew.name
        assert page.routes.rowCount(crew_index) == len(route.stops)
        if route.stops:
            first = page.routes.index(0, 4, crew_index)
            assert first.data() == route.stops[0].name
    assert page.unassigned.rowCount() == len(plan.unassigned)
    for row in range(page.unassigned.rowCount()):
        assert page.unassigned.index(row, 3).data(), "every unplanned visit says why"
    wait_js(qtbot, page.map_view, MARKERS, _expected_markers(page))
    wait_js(qtbot, page.map_view, ROUTES, sum(1 for r in plan.routes if r.stops))
    assert "visits planned" in page.status.text()
    ARTIFACTS.mkdir(exist_ok=True)
    qtbot.wait(400)
    page.grab().save(str(ARTIFACTS / "plan-page.png"))


def test_move_replan_and_undo(qtbot: QtBot, page: PlanPage) -> None:
    _plan(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    busy = [r for r in plan.routes if r.stops]
    assert len(busy) >= 2
    source, target = busy[0], busy[1]
    key = source.stops[-1].key
    before = page.state
    page.move_stop(key, target.crew.name, 0)
    moved = page.state.plan
    assert moved is not None and page.state is not before
    in_target = [s.key for s in moved.route_for(target.crew.name).stops]
    unplanned = {u.candidate.key for u in moved.unassigned}
    assert key in in_target or key in unplanned  # never silently lost
    assert moved.edits.pinned[key] == target.crew.name
    wait_js(qtbot, page.map_view, MARKERS, _expected_markers(page))

    with qtbot.waitSignal(page.plan_shown, timeout=30000):
        page.replan()
    qtbot.waitUntil(lambda: not page.solving, timeout=5000)
    replanned = page.state.plan
    assert replanned is not None
    served_by = {s.key: r.crew.name for r in replanned.routes for s in r.stops}
    assert served_by.get(key, target.crew.name) == target.crew.name, "pin kept"

    page.undo()  # undo the re-plan
    assert page.state.plan is moved
    page.undo()  # undo the move
    assert page.state.plan is before.plan
    page.redo()
    assert page.state.plan is moved


def test_cancel_leaves_the_page_usable(qtbot: QtBot, page: PlanPage) -> None:
    page.time_limit.setValue(60)
    page.plan()
    assert page.solving
    assert not page.plan_button.isEnabled()
    qtbot.wait(300)
    page.cancel()
    qtbot.waitUntil(lambda: not page.solving, timeout=10000)
    assert page.plan_button.isEnabled()
    assert page.cancel_button.isEnabled() is False
    # A cancelled search still returns its best plan so far, or leaves the previous state.
    assert "cancel" in page.status.text().lower() or page.state.plan is not None


def test_save_and_reopen_version(qtbot: QtBot, page: PlanPage) -> None:
    _plan(qtbot, page)
    page.save_plan()
    qtbot.waitUntil(lambda: page.state.based_on_version == 1, timeout=10000)
    assert not page.state.dirty
    assert page.versions_combo.count() == 2
    assert "v1" in page.versions_combo.itemText(1)
