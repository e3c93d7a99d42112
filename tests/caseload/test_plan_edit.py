"""Manual edits to a planned day: re-timing without re-solving, pins, locks, re-plan."""

from __future__ import annotations

from datetime import date

import pytest

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.errors import UserError
from caseload.planning.edit import (
    Draft,
    keep_current,
    lock_through,
    move_stop,
    remove_stop,
    retime,
    set_pin,
)
from caseload.planning.model import DayPlan
from caseload.planning.service import plan_day
from caseload.store.database import Database
from routing import validate
from tests.caseload.plan_data import at, crew, spread, timed_plan

TODAY = date(2026, 3, 10)


def _assert_valid(plan: DayPlan) -> None:
    """Independent check of the routing solution behind the plan."""
    assert plan.basis is not None
    assert validate(plan.basis.built.problem, plan.basis.solution) == []


def _two_crews(**second_first: object) -> DayPlan:
    """Medic 1 visits c1, c2, c3; Medic 2 visits c6 (optionally with a window), c4, c5."""
    first_of_two = spread(6, **second_first)
    return timed_plan(
        [crew("Medic 1", 7, 15, staff_id=1), crew("Medic 2", 7, 15, staff_id=2)],
        {
            "Medic 1": [spread(1), spread(2), spread(3)],
            "Medic 2": [first_of_two, spread(4), spread(5)],
        },
    )


def _keys(plan: DayPlan, crew_name: str) -> list[str]:
    return [s.key for s in plan.route_for(crew_name).stops]


def test_move_pins_the_stop_and_retimes_the_routes() -> None:
    plan = _two_crews()
    draft = move_stop(Draft.of(plan), "c3", "Medic 2", 0)
    edited, problems = retime(plan, draft)
    assert problems == []
    assert _keys(edited, "Medic 1") == ["c1", "c2"]
    assert _keys(edited, "Medic 2") == ["c3", "c6", "c4", "c5"]
    moved = edited.route_for("Medic 2").stops[0]
    assert moved.pinned and edited.edits.pinned == {"c3": "Medic 2"}
    # Re-timed: the moved visit is now Medic 2's first, the old first comes one visit later.
    old_first = plan.route_for("Medic 2").stops[0]
    assert edited.route_for("Medic 2").stops[1].start > old_first.start
    back_before, back_now = plan.route_for("Medic 1").returns, edited.route_for("Medic 1").returns
    assert back_before is not None and back_now is not None and back_now < back_before
    assert edited.status == "edited"
    _assert_valid(edited)


def test_a_move_that_breaks_a_window_reports_the_visit_that_no_longer_fits() -> None:
    plan = _two_crews(windows=((at(7), at(7, 20)),))
    edited, problems = retime(plan, move_stop(Draft.of(plan), "c3", "Medic 2", 0))
    assert len(problems) >= 1
    assert problems[0].startswith("Medic 2 cannot fit Client")
    reasons = {u.candidate.key: u.reason for u in edited.unassigned}
    dropped = {k for k in ("c6", "c4", "c5") if k not in _keys(edited, "Medic 2")}
    assert dropped and all(reasons[k].startswith("Medic 2 cannot fit") for k in dropped)
    assert _keys(edited, "Medic 2")[0] == "c3"
    _assert_valid(edited)


def test_remove_then_the_visit_is_unplanned_by_hand() -> None:
    plan = _two_crews()
    edited, problems = retime(plan, remove_stop(Draft.of(plan), "c2"))
    assert problems == []
    assert _keys(edited, "Medic 1") == ["c1", "c3"]
    assert [(u.candidate.key, u.reason) for u in edited.unassigned] == [("c2", "Removed by hand.")]
    _assert_valid(edited)


def test_an_unplanned_visit_keeps_its_reason_through_other_edits() -> None:
    plan = timed_plan(
        [crew("Medic 1", 7, 15)], {"Medic 1": [spread(1), spread(2)]}, left_out=[spread(9)]
    )
    edited, _ = retime(plan, set_pin(Draft.of(plan), "c1", "Medic 1"))
    assert [(u.candidate.key, u.reason) for u in edited.unassigned] == [
        ("c9", "Left out by the test.")
    ]
    assert edited.route_for("Medic 1").stops[0].pinned
    unpinned, _ = retime(edited, set_pin(Draft.of(edited), "c1", None))
    assert not unpinned.route_for("Medic 1").stops[0].pinned


def test_lock_marks_the_prefix_and_needs_a_stop_on_that_route() -> None:
    plan = _two_crews()
    edited, _ = retime(plan, lock_through(Draft.of(plan), "Medic 1", "c2"))
    assert [s.locked for s in edited.route_for("Medic 1").stops] == [True, True, False]
    with pytest.raises(UserError, match="not on this crew's route"):
        lock_through(Draft.of(plan), "Medic 1", "c4")


def test_keep_current_prefers_every_stop_s_current_crew() -> None:
    plan = _two_crews()
    edits = keep_current(Draft.of(plan))
    assert edits.keep == {
        "c1": "Medic 1", "c2": "Medic 1", "c3": "Medic 1",
        "c6": "Medic 2", "c4": "Medic 2", "c5": "Medic 2",
    }  # fmt: skip


# --- re-planning on a demo day ----------------------------------------------------------------


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, DayPlan]:
    from caseload.store.database import open_database

    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('edit') / 'r.db'}", create=True)
    create_demo(db, local_actor(), seed=5, clients=40, today=TODAY)
    plan = plan_day(db, TODAY, local_actor(), time_limit_s=60.0, solution_limit=100)
    assert sum(1 for r in plan.routes if len(r.stops) >= 2) >= 2, "need two busy crews"
    return db, plan


def test_replan_keeps_pins_and_locked_prefix(planned: tuple[Database, DayPlan]) -> None:
    db, plan = planned
    source, target = [r.crew.name for r in plan.routes if len(r.stops) >= 2][:2]
    locked_route = plan.route_for(source)
    draft = lock_through(Draft.of(plan), source, locked_route.stops[1].key)
    moved_key = plan.route_for(target).stops[-1].key
    draft = move_stop(draft, moved_key, source, 10**6)
    assert plan.basis is not None
    replanned = plan_day(
        db,
        TODAY,
        local_actor(),
        time_limit_s=60.0,
        solution_limit=100,
        selected=sorted(c.key for c in plan.basis.built.candidates),
        edits=keep_current(draft),
    )
    new_source = [s.key for s in replanned.route_for(source).stops]
    assert new_source[:2] == [locked_route.stops[0].key, locked_route.stops[1].key]
    assert moved_key in new_source
    assert all(s.locked for s in replanned.route_for(source).stops[:2])
    _assert_valid(replanned)
