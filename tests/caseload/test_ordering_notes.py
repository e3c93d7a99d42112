"""A late MUST visit after a less urgent one carries the reason for that order, worked out by
re-timing the route with the visit moved forward (`caseload.planning.ordering`)."""

from __future__ import annotations

import json

from caseload.enums import Tier
from caseload.planning.build import PlanEdits
from caseload.planning.model import DayPlan, PlannedStop, stop_deadline_text
from caseload.planning.ordering import improve_order
from caseload.planning.snapshot import plan_from_snapshot, routing_documents, snapshot_of
from caseload.planning.translate import to_day_plan
from routing import validate
from tests.caseload.plan_data import ZONE, at, crew, spread, timed_plan

EARLY = at(6)  # every MUST here was due before the shift starts


def _stop(plan: DayPlan, key: str) -> PlannedStop:
    return next(s for r in plan.routes for s in r.stops if s.key == key)


def test_a_late_must_that_could_go_first_says_the_search_missed_it() -> None:
    high = spread(1, tier=Tier.HIGH)
    must = spread(2, due_by=EARLY)
    plan = timed_plan([crew("Medic 1", 8, 12)], {"Medic 1": [high, must]})
    stop = _stop(plan, must.key)
    assert stop.late
    assert stop.order_note == (
        "could start at 08:10 if moved before the 08:10 HIGH visit (allow the search more time)"
    )
    assert stop_deadline_text(stop, ZONE).endswith("; " + stop.order_note)
    assert _stop(plan, high.key).order_note == ""


def test_a_late_must_that_would_push_an_appointment_out_of_its_slot_says_so() -> None:
    high = spread(1, tier=Tier.HIGH)
    appointment = spread(3, tier=Tier.HIGH, windows=((at(9), at(9, 30)),))
    must = spread(2, due_by=EARLY)
    plan = timed_plan([crew("Medic 1", 8, 12)], {"Medic 1": [high, appointment, must]})
    stop = _stop(plan, must.key)
    assert stop.start == at(10)
    assert stop.order_note == (
        "not earlier: visiting it before the 08:10 HIGH visit would leave no time for this "
        "route's other visits within the shift"
    )


def test_musts_in_deadline_order_and_on_time_visits_carry_no_note() -> None:
    first, second = spread(1, due_by=EARLY), spread(2, due_by=EARLY)
    on_time = spread(3, due_by=at(18))
    high = spread(4, tier=Tier.HIGH)
    plan = timed_plan([crew("Medic 1", 8, 14)], {"Medic 1": [first, second, high, on_time]})
    assert [s.order_note for s in plan.routes[0].stops] == ["", "", "", ""]


def test_the_note_is_saved_with_the_plan() -> None:
    high = spread(1, tier=Tier.HIGH)
    must = spread(2, due_by=EARLY)
    plan = timed_plan([crew("Medic 1", 8, 12)], {"Medic 1": [high, must]})
    problem, solution = (json.dumps(doc) for doc in routing_documents(plan))
    reopened = plan_from_snapshot(json.dumps(snapshot_of(plan)), problem, solution)
    assert _stop(reopened, must.key).order_note == _stop(plan, must.key).order_note != ""


def test_improve_order_puts_the_late_must_first_and_the_plan_stays_valid() -> None:
    high = spread(1, tier=Tier.HIGH)
    must = spread(2, due_by=EARLY)
    plan = timed_plan([crew("Medic 1", 8, 12)], {"Medic 1": [high, must]})
    assert plan.basis is not None
    built, solution = plan.basis.built, plan.basis.solution
    better = improve_order(built, solution)
    assert validate(built.problem, better) == []
    improved = to_day_plan(built, better, PlanEdits())
    assert [s.key for s in improved.routes[0].stops] == [must.key, high.key]
    assert improved.routes[0].stops[0].order_note == ""
    assert better.summary.late_s < solution.summary.late_s


def test_improve_order_leaves_locked_routes_and_explained_orders_alone() -> None:
    high = spread(1, tier=Tier.HIGH)
    must = spread(2, due_by=EARLY)
    plan = timed_plan([crew("Medic 1", 8, 12)], {"Medic 1": [high, must]})
    assert plan.basis is not None
    built, solution = plan.basis.built, plan.basis.solution
    assert improve_order(built, solution, fixed={high.key}) is solution
    appointment = spread(3, tier=Tier.HIGH, windows=((at(9), at(9, 30)),))
    pushed = timed_plan([crew("Medic 1", 8, 12)], {"Medic 1": [high, appointment, must]})
    assert pushed.basis is not None
    assert improve_order(pushed.basis.built, pushed.basis.solution) is pushed.basis.solution
