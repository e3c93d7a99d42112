"""Manual edits to a planned day: re-timing without re-solving, pins, locks, re-plan."""

from __future__ import annotations

import dataclasses
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
    move_to_crew,
    place_stop,
    remove_stop,
    retime,
    set_pin,
)
from caseload.planning.model import DayPlan
from caseload.planning.service import plan_day
from caseload.store.database import Database
from routing import validate
from tests.caseload.plan_data import LEG_S, at, cand, crew, spread, timed_plan

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


# --- "Move to ▸ crew": the cheapest feasible position, or refused with the reason ----------------


def _full_second_crew() -> DayPlan:
    """Medic 1 (07:00-15:00) has room; Medic 2 (07:00-09:30) is nearly full with c4, c5."""
    short = dataclasses.replace(crew("Medic 2", 7, 9, staff_id=2), ends_at=at(9, 30))
    return timed_plan(
        [crew("Medic 1", 7, 15, staff_id=1), short],
        {"Medic 1": [spread(1), spread(2), spread(3)], "Medic 2": [spread(4), spread(5)]},
    )


def test_move_to_a_full_crew_is_refused_and_nothing_is_dropped() -> None:
    plan = _full_second_crew()
    draft = Draft.of(plan)
    with pytest.raises(UserError) as refused:
        move_to_crew(plan, draft, "c2", "Medic 2")
    # Medic 2 leaves at 07:00, does two 45 min visits with 10 min legs and is back at 09:00;
    # c2 adds 45 min there and one more 10 min leg: 55 min after 09:00 ends past 09:30.
    assert str(refused.value) == (
        "Client 2 cannot join Medic 2's route: Medic 2's shift ends at 09:30; this visit needs "
        "55 min (45 min there, the rest driving and waiting) after 09:00, when the route ends now."
    )
    assert LEG_S == 600
    # The page keeps the plan as it was: the draft it would have edited is unchanged.
    assert Draft.of(plan) == draft
    assert _keys(plan, "Medic 1") == ["c1", "c2", "c3"] and plan.unassigned == ()


def test_move_to_a_crew_with_room_goes_to_the_cheapest_position() -> None:
    """c3 lives where c7 does (no drive between them): next to c7 adds no travel at all."""
    plan = timed_plan(
        [crew("Medic 1", 7, 15, staff_id=1), crew("Medic 2", 7, 15, staff_id=2)],
        {
            "Medic 1": [spread(1), spread(2), cand(3)],
            "Medic 2": [spread(4), cand(7), spread(5)],
        },
    )
    edited, problems = retime(plan, move_to_crew(plan, Draft.of(plan), "c3", "Medic 2"))
    assert problems == []
    assert _keys(edited, "Medic 2") == ["c4", "c3", "c7", "c5"]
    assert _keys(edited, "Medic 1") == ["c1", "c2"]
    assert edited.edits.pinned == {"c3": "Medic 2"} and edited.unassigned == ()
    assert edited.basis is not None and plan.basis is not None
    travel = {r.vehicle_id: r.travel_s for r in plan.basis.solution.routes}
    new_travel = {r.vehicle_id: r.travel_s for r in edited.basis.solution.routes}
    assert new_travel[2] == travel[2]  # Medic 2 drives no further
    _assert_valid(edited)


def test_move_to_keeps_the_locked_prefix_and_a_fixed_appointment() -> None:
    late = spread(5, windows=((at(9), at(9, 15)),))
    plan = timed_plan(
        [crew("Medic 1", 7, 15, staff_id=1), crew("Medic 2", 7, 15, staff_id=2)],
        {"Medic 1": [spread(1), spread(2)], "Medic 2": [spread(4), late, spread(6)]},
    )
    draft = lock_through(Draft.of(plan), "Medic 2", "c4")
    edited, problems = retime(plan, move_to_crew(plan, draft, "c2", "Medic 2"))
    assert problems == []
    # After the locked c4 (07:10-07:55) there is time for c2 before c5's 09:00 appointment.
    assert _keys(edited, "Medic 2") == ["c4", "c2", "c5", "c6"]
    _assert_valid(edited)


def test_move_to_names_a_window_the_crew_cannot_reach() -> None:
    early = spread(3, windows=((at(7), at(7, 15)),))
    plan = timed_plan(
        [crew("Medic 1", 7, 15, staff_id=1), crew("Medic 2", 7, 15, staff_id=2)],
        {"Medic 1": [early, spread(1)], "Medic 2": [spread(4), spread(5)]},
    )
    draft = lock_through(Draft.of(plan), "Medic 2", "c4")
    with pytest.raises(UserError, match=r"must start between 07:00 and 07:15, and Medic 2 cannot"):
        move_to_crew(plan, draft, "c3", "Medic 2")


def test_move_to_names_a_break_that_could_not_be_kept() -> None:
    """Medic 2 (10:00-16:00) has fixed visits at 10:10 and 12:00 and a 30 min break between
    11:00 and 12:00; c2 must start 11:00-11:10, which fits only if the break is skipped."""
    second = dataclasses.replace(
        crew("Medic 2", 10, 16, staff_id=2, break_minutes=30), break_latest=at(12)
    )
    plan = timed_plan(
        [crew("Medic 1", 7, 15, staff_id=1), second],
        {
            "Medic 1": [spread(1), spread(2, windows=((at(11), at(11, 10)),))],
            "Medic 2": [
                spread(4, windows=((at(10, 10), at(10, 15)),)),
                spread(5, windows=((at(12), at(12, 5)),)),
            ],
        },
    )
    _assert_valid(plan)
    with pytest.raises(UserError) as refused:
        move_to_crew(plan, Draft.of(plan), "c2", "Medic 2")
    assert str(refused.value) == (
        "Client 2 cannot join Medic 2's route: Medic 2's 30 min break (between 11:00 and "
        "12:00) could not be kept."
    )


def test_a_drag_that_would_drop_the_moved_visit_is_refused() -> None:
    plan = _full_second_crew()
    with pytest.raises(UserError, match=r"Medic 2's shift ends at 09:30"):
        place_stop(plan, Draft.of(plan), "c2", "Medic 2", 10**6)
    # A drag that fits behaves like move_stop.
    roomy = _two_crews()
    assert place_stop(roomy, Draft.of(roomy), "c3", "Medic 2", 1) == move_stop(
        Draft.of(roomy), "c3", "Medic 2", 1
    )


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
