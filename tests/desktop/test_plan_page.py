"""The program manager's day, end to end on a demo database: plan, see routes, unassigned
visits and the map, move a stop, re-plan, undo; cancel; no network request from the map."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from caseload import settings
from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.errors import UserError
from caseload.planning.edit import Draft, move_stop, move_to_crew, retime
from caseload.planning.model import DayPlan
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from desktop.context import AppContext
from desktop.plan import menus
from desktop.plan import page as page_module
from desktop.plan.models import route_entries
from desktop.plan.page import PlanPage
from routing import validate
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
    widget.ui.time_limit.setValue(60)
    widget.solution_limit = 100  # the same plan however busy the machine is
    widget.ui.date_edit.setDate(TODAY)  # triggers a load of that day
    qtbot.waitUntil(
        lambda: widget.ui.candidates.rowCount() > 0 and widget.day == TODAY, timeout=20000
    )
    yield widget
    assert widget.ui.map_view.guard.network_requests == [], "the map must stay offline"


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
    for model in (page.ui.candidates, page.ui.routes, page.ui.unassigned):
        qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_plan_shows_routes_unassigned_and_map(qtbot: QtBot, page: PlanPage) -> None:
    _plan(qtbot, page)
    plan = page.state.plan
    ui = page.ui
    assert plan is not None
    assert ui.routes.rowCount() == len(plan.routes)
    for row, route in enumerate(plan.routes):
        crew_index = ui.routes.index(row, 0)
        assert crew_index.data().startswith(f"{route.crew.name} ({route.crew.member_names})")
        assert ui.routes.rowCount(crew_index) == len(route_entries(route))  # stops + break
        if route.stops:
            first = ui.routes.index_of_key(route.stops[0].key)
            assert first.siblingAtColumn(ui.routes.CLIENT).data() == route.stops[0].name
    assert ui.unassigned.rowCount() == len(plan.unassigned)
    for row in range(ui.unassigned.rowCount()):
        assert ui.unassigned.index(row, 3).data(), "every unplanned visit says why"
    wait_js(qtbot, ui.map_view, MARKERS, _expected_markers(page))
    wait_js(qtbot, ui.map_view, ROUTES, sum(1 for r in plan.routes if r.stops))
    assert "visits planned" in ui.status.text()
    ARTIFACTS.mkdir(exist_ok=True)
    qtbot.wait(400)
    page.grab().save(str(ARTIFACTS / "plan-page.png"))


def _a_move_that_fits(plan: DayPlan) -> tuple[str, str]:
    """The last stop of some route and another crew that can take it first, as re-timing says
    (the demo day has one; which one depends on the search)."""
    busy = [r for r in plan.routes if r.stops]
    for source in busy:
        for target in busy:
            if target is source:
                continue
            key = source.stops[-1].key
            _edited, problems = retime(plan, move_stop(Draft.of(plan), key, target.crew.name, 0))
            if not problems:
                return key, target.crew.name
    raise AssertionError("no stop of this demo day can move to another crew's route")


def test_move_lock_replan_and_undo(qtbot: QtBot, page: PlanPage) -> None:
    _plan(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    key, target = _a_move_that_fits(plan)
    before = page.state
    page.move_stop(key, target, 0)
    moved = page.state.plan
    assert moved is not None and page.state is not before
    first_stop = moved.route_for(target).stops[0]
    assert first_stop.key == key and first_stop.pinned
    assert moved.edits.pinned[key] == target
    assert key not in {u.candidate.key for u in moved.unassigned}
    assert page.state.dirty
    wait_js(qtbot, page.ui.map_view, MARKERS, _expected_markers(page))

    menus.lock(page, target, key)
    locked = page.state.plan
    assert locked is not None and locked.route_for(target).stops[0].locked

    with qtbot.waitSignal(page.plan_shown, timeout=30000):
        page.replan()
    qtbot.waitUntil(lambda: not page.solving, timeout=5000)
    replanned = page.state.plan
    assert replanned is not None
    first = replanned.route_for(target).stops[0]
    assert (first.key, first.pinned, first.locked) == (key, True, True), "pin and lock kept"

    page.undo()  # undo the re-plan
    assert page.state.plan is locked
    page.undo()  # undo the lock
    assert page.state.plan is moved
    page.undo()  # undo the move
    assert page.state.plan is before.plan
    page.redo()
    assert page.state.plan is moved


def _moves_to_other_crews(plan: DayPlan) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Every (stop, other crew) of the plan, split into moves that fit and moves refused."""
    fits: list[tuple[str, str]] = []
    refused: list[tuple[str, str]] = []
    for source in plan.routes:
        for stop in source.stops:
            for target in plan.routes:
                if target is source:
                    continue
                try:
                    move_to_crew(plan, Draft.of(plan), stop.key, target.crew.name)
                except UserError:
                    refused.append((stop.key, target.crew.name))
                else:
                    fits.append((stop.key, target.crew.name))
    return fits, refused


def test_move_to_crew_inserts_or_refuses_without_dropping(
    qtbot: QtBot, page: PlanPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    fits, refused = _moves_to_other_crews(plan)
    assert fits and refused, "the demo day has moves that fit and moves that do not"
    shown: list[BaseException] = []
    monkeypatch.setattr(page_module, "show_error", lambda _parent, exc: shown.append(exc))

    key, crew = refused[0]
    menus.move_to(page, key, crew)
    assert page.state.plan is plan, "a refused move changes nothing"
    assert len(shown) == 1 and f"{crew}'s" in str(shown[0])

    key, crew = fits[0]
    menus.move_to(page, key, crew)
    moved = page.state.plan
    assert moved is not None and moved is not plan
    assert key in [s.key for s in moved.route_for(crew).stops]
    assert {u.candidate.key for u in moved.unassigned} == {u.candidate.key for u in plan.unassigned}
    assert moved.basis is not None
    assert validate(moved.basis.built.problem, moved.basis.solution) == []


def test_cancel_leaves_the_page_usable(qtbot: QtBot, page: PlanPage) -> None:
    ui = page.ui
    page.solution_limit = None  # a search that only the 60 s limit or a cancel ends
    page.plan()
    assert page.solving
    assert not ui.plan_button.isEnabled()
    qtbot.wait(300)
    page.cancel()
    qtbot.waitUntil(lambda: not page.solving, timeout=10000)
    assert ui.plan_button.isEnabled()
    assert ui.cancel_button.isEnabled() is False
    # Stopped while computing travel times ("Planning cancelled; …") or while searching
    # ("… (cancelled: best plan so far)"): either way the page says so and did not fail.
    assert "cancel" in ui.status.text().lower()
    assert "failed" not in ui.status.text().lower()


def test_save_and_reopen_version(qtbot: QtBot, page: PlanPage) -> None:
    _plan(qtbot, page)
    shown = page.state.plan
    page.save_plan()
    qtbot.waitUntil(lambda: page.state.based_on_version == 1, timeout=10000)
    assert not page.state.dirty
    assert not page.ui.save_button.isEnabled()
    assert page.ui.versions_combo.count() == 2
    assert "v1" in page.ui.versions_combo.itemText(1)
    saved = page.state.plan
    assert saved is not None and saved.version_no == 1 and saved == replace(
        shown, plan_id=saved.plan_id, version_no=1, created_by=saved.created_by,
        created_at=saved.created_at,
    )  # fmt: skip

    page.ui.versions_combo.activated.emit(1)  # reopen it from the list
    qtbot.waitUntil(lambda: "Opened version 1" in page.ui.status.text(), timeout=10000)
    reopened = page.state.plan
    assert reopened is not None and reopened is not saved
    assert reopened == saved
    assert page.state.selected == reopened.keys and not page.state.dirty
