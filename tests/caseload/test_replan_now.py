"""Re-plan during the day: an urgent visit at 11:00 is planned with the rest of the day from
each crew's last recorded stop and the time now; done stops stay first, at their recorded times,
and survive saving and reopening."""

from __future__ import annotations

from pathlib import Path

from caseload.actor import local_actor
from caseload.enums import EventKind, Tier, VisitStatus
from caseload.importing.clients import import_clients
from caseload.outcomes.model import OutcomeEntry
from caseload.outcomes.service import record_outcome
from caseload.planning.replan import replan_from_now
from caseload.planning.versions import load_plan, save_plan
from caseload.store.database import Database
from caseload.store.models import Client, UtilizationEvent
from routing import validate
from tests.caseload.outcome_program import (
    CLIENT_HEADER,
    build_program,
    plan_and_save,
    write_csv,
)

ACTOR = local_actor()


def test_replan_at_eleven_keeps_done_stops_and_takes_the_urgent_visit(
    db: Database, tmp_path: Path
) -> None:
    program = build_program(db, tmp_path, staff=("Medic 1", "Medic 2"))
    day = program.day(1)
    plan = plan_and_save(program, day, selected=[program.key(e) for e in program.ids])
    assert plan.plan_id is not None
    # The morning: each crew's first stop is done, recorded with real times.
    done: dict[str, tuple[str, int]] = {}
    for n, route in enumerate(r for r in plan.routes if r.stops):
        first = route.stops[0]
        start, end = program.at(day, 9 + n, 5), program.at(day, 9 + n, 50)
        entry = OutcomeEntry(VisitStatus.COMPLETED, started_at=start, ended_at=end)
        record_outcome(db, ACTOR, plan.plan_id, first.client_id, entry, now=program.at(day, 11))
        done[route.crew.name] = (first.key, 9 + n)
    assert done
    # A later visit is called off by the program: nobody goes, it is not planned again.
    later = [s for r in plan.routes for s in r.stops[1:]]
    assert later, "the plan has a second stop on some route"
    cancelled = later[0]
    record_outcome(
        db, ACTOR, plan.plan_id, cancelled.client_id, OutcomeEntry(VisitStatus.CANCELLED),
        now=program.at(day, 10, 50),
    )  # fmt: skip
    # 10:40: a new referral overdoses; written like an event import would (it is "tomorrow").
    urgent = [["NEW1", "Nia", "Ewe", "1990-03-03", "", "Durham", "NC", "27701", "36.0050",
               "-78.8990", "unsheltered", "", "given"]]  # fmt: skip
    import_clients(db, ACTOR, write_csv(tmp_path / "new.csv", CLIENT_HEADER, urgent))
    with db.session() as s:
        new_id = next(c.id for c in s.query(Client).filter(Client.external_id == "NEW1"))
        s.add(
            UtilizationEvent(
                client_id=new_id, kind=EventKind.OVERDOSE.value, occurred_at=program.at(day, 10, 40)
            )
        )

    now = program.at(day, 11)
    again = replan_from_now(db, ACTOR, plan, now=now, time_limit_s=30, solution_limit=50)

    assert again.basis is not None
    assert validate(again.basis.built.problem, again.basis.solution) == []
    routed = {s.key: (r.crew.name, s) for r in again.routes for s in r.stops}
    assert routed[f"c{new_id}"][1].tier is Tier.MUST
    for route in again.routes:
        if route.crew.name in done:
            key, hour = done[route.crew.name]
            head = route.stops[0]
            assert (head.key, head.locked) == (key, True)
            assert (head.start, head.departure) == (
                program.at(day, hour, 5),
                program.at(day, hour, 50),
            )
            # The crew goes on from that stop, not from the station.
            vehicle = again.basis.built.problem.vehicle(
                again.basis.built.ids.vehicle_ids[route.crew.name]
            )
            assert again.basis.built.problem.locations[vehicle.start_index] == head.location  # type: ignore[index]
            rest = route.stops[1:]
        else:
            rest = list(route.stops)
        assert all(s.start >= now for s in rest), "nothing new is planned in the past"
    # Nothing is lost: every client of the morning's plan is done, routed or listed unplanned.
    assert plan.keys <= again.keys
    assert cancelled.key not in routed
    [reason] = [u.reason for u in again.unassigned if u.candidate.key == cancelled.key]
    assert reason == "Cancelled by program (outcome recorded)."

    saved = save_plan(db, ACTOR, again, based_on_version=plan.version_no, note="re-plan 11:00")
    assert saved.plan_id is not None
    reopened = load_plan(db, saved.plan_id, ACTOR)
    assert [[(s.key, s.start, s.locked) for s in r.stops] for r in reopened.routes] == [
        [(s.key, s.start, s.locked) for s in r.stops] for r in again.routes
    ]
