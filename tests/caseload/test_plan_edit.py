"""Manual edits to a planned day: re-timing without re-solving, pins, locks, re-plan."""

from __future__ import annotations

from datetime import date

import pytest

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.errors import UserError
from caseload.planning.edit import Draft, keep_current, lock_through, move_stop, remove_stop, retime
from caseload.planning.plans import DayPlan, plan_day
from caseload.store.database import Database
from routing import validate
from routing.solution import Solution, Unassigned, summarize

TODAY = date(2026, 3, 10)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, DayPlan]:
    from caseload.store.database import open_database

    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('edit') / 'r.db'}", create=True)
    create_demo(db, local_actor(), seed=5, clients=40, today=TODAY)
    plan = plan_day(db, TODAY, local_actor(), time_limit_s=1.0)
    assert sum(1 for r in plan.routes if len(r.stops) >= 2) >= 2, "need two busy crews"
    return db, plan


def _busy_routes(plan: DayPlan) -> tuple[str, str]:
    busy = [r.crew.name for r in plan.routes if len(r.stops) >= 2]
    return busy[0], busy[1]


def _check_feasible(plan: DayPlan) -> None:
    """Independent check: rebuild a routing Solution from the plan's routes and validate it."""
    assert plan.built is not None
    problem = plan.built.problem
    from routing.solution import schedule_with_breaks

    crew_ids = {c.name: i for i, c in enumerate(plan.built.crews, start=1)}
    routes = [
        schedule_with_breaks(
            problem, problem.vehicle(crew_ids[r.crew.name]), [s.client_id for s in r.stops]
        )
        for r in plan.routes
        if r.stops
    ]
    served = {s.client_id for r in plan.routes for s in r.stops}
    unassigned = [Unassigned(j.id, "x", "x") for j in problem.jobs if j.id not in served]
    solution = Solution(tuple(routes), tuple(unassigned), summarize(problem, routes, unassigned))
    assert validate(problem, solution) == []


def test_move_pins_the_stop_and_retimes_the_routes(planned: tuple[Database, DayPlan]) -> None:
    _db, plan = planned
    source, target = _busy_routes(plan)
    key = plan.route_for(source).stops[-1].key
    draft = move_stop(Draft.of(plan), key, target, 0)
    edited, problems = retime(plan, draft)
    assert draft.edits.pinned[key] == target
    moved_to = edited.route_for(target).stops
    if not problems:
        assert moved_to[0].key == key
        assert moved_to[0].pinned
        assert key not in [s.key for s in edited.route_for(source).stops]
        _check_feasible(edited)
    else:
        # The order could not be kept: the visit is reported, never silently dropped.
        assert any(u.candidate.key == key or "cannot fit" in u.reason for u in edited.unassigned)


def test_remove_then_the_visit_is_unplanned(planned: tuple[Database, DayPlan]) -> None:
    _db, plan = planned
    stop = (
        plan.routes[0].stops[0]
        if plan.routes[0].stops
        else plan.route_for(_busy_routes(plan)[0]).stops[0]
    )
    edited, _ = retime(plan, remove_stop(Draft.of(plan), stop.key))
    assert stop.key not in {s.key for r in edited.routes for s in r.stops}
    assert stop.key in {u.candidate.key for u in edited.unassigned}
    _check_feasible(edited)


def test_replan_keeps_pins_and_locked_prefix(planned: tuple[Database, DayPlan]) -> None:
    db, plan = planned
    source, target = _busy_routes(plan)
    locked_route = plan.route_for(source)
    draft = lock_through(Draft.of(plan), source, locked_route.stops[1].key)
    moved_key = plan.route_for(target).stops[-1].key
    draft = move_stop(draft, moved_key, source, 10**6)
    replanned = plan_day(
        db,
        TODAY,
        local_actor(),
        time_limit_s=1.0,
        selected=sorted(c.key for c in plan.built.candidates) if plan.built else None,
        edits=keep_current(draft),
    )
    new_source = [s.key for s in replanned.route_for(source).stops]
    assert new_source[:2] == [locked_route.stops[0].key, locked_route.stops[1].key]
    assert moved_key in new_source
    assert all(s.locked for s in replanned.route_for(source).stops[:2])
    _check_feasible(replanned)


def test_lock_needs_a_stop_on_that_route(planned: tuple[Database, DayPlan]) -> None:
    _db, plan = planned
    source, target = _busy_routes(plan)
    other = plan.route_for(target).stops[0].key
    with pytest.raises(UserError, match="not on this crew's route"):
        lock_through(Draft.of(plan), source, other)
