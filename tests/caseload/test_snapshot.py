"""A stored plan reads back as the identical plan, with no database (pure round trip)."""

from __future__ import annotations

import json

from caseload.planning.build import PlanEdits
from caseload.planning.edit import Draft, move_stop, retime
from caseload.planning.model import DayPlan
from caseload.planning.snapshot import plan_from_snapshot, routing_documents, snapshot_of
from routing import validate
from tests.caseload.plan_data import ZONE, at, crew, spread, timed_plan


def _round_trip(plan: DayPlan) -> DayPlan:
    problem, solution = routing_documents(plan)
    return plan_from_snapshot(
        json.dumps(snapshot_of(plan)), json.dumps(problem), json.dumps(solution)
    )


def _day() -> DayPlan:
    crews = [
        crew("Medic 1", 7, 15, staff_id=1, break_minutes=30),
        crew("Peer 2", 8, 16, frozenset({"spanish"}), staff_id=2),
    ]
    appointment = spread(3, windows=((at(9), at(11)),))
    deadline = spread(4, due_by=at(6))
    edits = PlanEdits(pinned={"c4": "Peer 2"}, locked={"Medic 1": ("c1",)})
    return timed_plan(
        crews,
        {"Medic 1": [spread(1), appointment], "Peer 2": [deadline, spread(5)]},
        left_out=[spread(9)],
        edits=edits,
    )


def test_a_plan_reads_back_identically() -> None:
    plan = _day()
    again = _round_trip(plan)
    assert again == plan
    assert again.route_for("Medic 1").crew == plan.route_for("Medic 1").crew
    assert again.route_for("Medic 1").break_at == plan.route_for("Medic 1").break_at
    assert [s.start.tzinfo for r in again.routes for s in r.stops] == [ZONE] * 4
    assert again.edits.locked == {"Medic 1": ("c1",)}
    assert again.unassigned == plan.unassigned


def test_a_plan_read_back_keeps_its_routing_basis_for_edits() -> None:
    again = _round_trip(_day())
    assert again.basis is not None
    assert validate(again.basis.built.problem, again.basis.solution) == []
    edited, problems = retime(again, move_stop(Draft.of(again), "c5", "Medic 1", 2))
    assert problems == []
    assert [s.key for s in edited.route_for("Medic 1").stops] == ["c1", "c3", "c5"]


def test_the_snapshot_is_plain_json_with_aware_times() -> None:
    document = snapshot_of(_day())
    stop = document["routes"][0]["stops"][0]
    assert stop["start"] == "2026-03-08T07:10:00-04:00"  # EDT: clocks sprang forward at 02:00
    assert document["origin"] == "2026-03-08T00:00:00-05:00"
    assert document["unassigned"] == [["c9", "Left out by the test."]]
    assert [c["name"] for c in document["crews"]] == ["Medic 1", "Peer 2"]
