"""On the demo program, every peer-support, two-person and language need is met or the visit is
unplanned with that reason; nobody who declined consent is on a route, and everyone without
consent on record is on it only as an "obtain consent" first contact."""

from __future__ import annotations

from datetime import date

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.enums import ConsentState
from caseload.planning.service import DECLINED_CONSENT, load_day, plan_day
from caseload.store.database import Database
from routing import validate

TODAY = date(2026, 3, 10)


def test_demo_day_honours_needs_and_consent(db: Database) -> None:
    actor = local_actor()
    create_demo(db, actor, seed=11, clients=150, today=TODAY)
    day = load_day(db, TODAY, actor)
    by_consent = {
        state: {c.key for c in day.candidates if c.consent is state} for state in ConsentState
    }
    declined, unrecorded = by_consent[ConsentState.DECLINED], by_consent[ConsentState.NOT_RECORDED]
    assert declined and unrecorded  # the demo has both, so the checks below bite
    selected = set(day.suggested) | declined | unrecorded
    plan = plan_day(
        db, TODAY, actor, selected=sorted(selected), time_limit_s=60, solution_limit=100
    )
    assert plan.basis is not None
    assert validate(plan.basis.built.problem, plan.basis.solution) == []
    candidates = {c.key: c for c in day.candidates}
    for route in plan.routes:
        for stop in route.stops:
            assert candidates[stop.key].required_skills <= route.crew.skills, stop.name
            assert stop.key not in declined
            assert (stop.key in unrecorded) == stop.purpose.startswith("Obtain consent — ")
    reasons = {u.candidate.key: u.reason for u in plan.unassigned}
    assert {k for k, r in reasons.items() if r == DECLINED_CONSENT} == declined
    assert any(stop.key in unrecorded for r in plan.routes for stop in r.stops)
