"""Visit outcomes through the public services, one rule at a time: what a recorded outcome does
to the next day's list (reasons naming the outcome), corrections with their audit, and the
checks of an entry."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload import settings
from caseload.actor import local_actor
from caseload.enums import EventKind, Tier, VisitStatus
from caseload.errors import ConflictError, UserError
from caseload.outcomes.checklist import ChecklistItem
from caseload.outcomes.model import OutcomeEntry
from caseload.outcomes.service import (
    correct_outcome,
    outcome_history,
    record_outcome,
    record_unplanned,
)
from caseload.outcomes.stops import stops_for_outcomes
from caseload.planning.candidates import day_candidates
from caseload.priority.rules import PriorityRules
from caseload.priority.service import priority_for_client
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client, UtilizationEvent, Visit
from tests.caseload.outcome_program import (
    MISSION,
    OVERPASS,
    Program,
    build_program,
    plan_and_save,
)

ACTOR = local_actor()


@pytest.fixture
def program(db: Database, tmp_path: Path) -> Program:
    return build_program(db, tmp_path)


def _saved_plan_id(program: Program, n: int) -> int:
    plan = plan_and_save(program, program.day(n), selected=[program.key(e) for e in program.ids])
    assert plan.plan_id is not None
    return plan.plan_id


def _completed(program: Program, n: int, hour: int = 9) -> OutcomeEntry:
    day = program.day(n)
    return OutcomeEntry(
        VisitStatus.COMPLETED,
        started_at=program.at(day, hour),
        ended_at=program.at(day, hour, 40),
        performed_by="Medic 1",
        checklist=(ChecklistItem.NALOXONE_KIT, ChecklistItem.REFERRAL_TREATMENT),
        note="Kit left.",
    )


def _not_found(program: Program, place: int | None = None, where: str = "") -> OutcomeEntry:
    return OutcomeEntry(VisitStatus.NO_CONTACT, looked_place_id=place, looked_where=where)


def _labels(program: Program, ext: str, n: int) -> dict[str, str]:
    p = priority_for_client(program.db, program.ids[ext], program.day(n), ACTOR)
    return {r.code: r.label for r in p.reasons}


def _evening(program: Program, n: int):  # type: ignore[no-untyped-def]
    return program.at(program.day(n), 18)


def test_stops_come_in_route_sheet_order_with_the_program_checklist(program: Program) -> None:
    plan_id = _saved_plan_id(program, 1)
    stops = stops_for_outcomes(program.db, plan_id, ACTOR)
    assert [s.seq for s in stops] == list(range(1, len(stops) + 1))
    od = next(s for s in stops if s.client_id == program.ids["OD1"])
    assert ChecklistItem.NALOXONE_KIT in od.checklist  # overdose follow-up's list
    assert {p.label for p in od.places} == {OVERPASS, MISSION}
    assert od.routed_place_id == program.place_id("OD1", OVERPASS)
    fp = next(s for s in stops if s.client_id == program.ids["FP1"])
    assert ChecklistItem.FALL_RISK_ASSESSMENT in fp.checklist
    assert ChecklistItem.NALOXONE_KIT not in fp.checklist
    assert all(s.outcome is None for s in stops)


def test_a_completed_contact_meets_the_deadline_and_resets_the_cadence(program: Program) -> None:
    plan_id = _saved_plan_id(program, 1)
    od = program.ids["OD1"]
    assert priority_for_client(program.db, od, program.day(1), ACTOR).tier is Tier.MUST
    record_outcome(program.db, ACTOR, plan_id, od, _completed(program, 1), now=_evening(program, 1))
    fp = program.ids["FP1"]
    record_outcome(
        program.db, ACTOR, plan_id, fp, _completed(program, 1, 11), now=_evening(program, 1)
    )

    after = priority_for_client(program.db, od, program.day(2), ACTOR)
    assert after.tier is not Tier.MUST and after.due_by is None
    labels = {r.code: r.label for r in after.reasons}
    assert "seen since (completed visit yesterday)" in labels["overdose"]
    assert labels["last_contact"] == "Last contact yesterday (completed visit)"
    # Fall prevention: 14-day cadence from the completed visit, not from the enrolment.
    due = priority_for_client(program.db, fp, program.day(15), ACTOR)
    assert {r.code: r.label for r in due.reasons}["program:fall_prevention"] == (
        "Fall prevention visit due today (last completed visit 14 days ago)"
    )
    stops = stops_for_outcomes(program.db, plan_id, ACTOR)
    done = next(s for s in stops if s.client_id == od)
    assert done.done and done.outcome is not None
    assert done.outcome.checklist == (ChecklistItem.NALOXONE_KIT, ChecklistItem.REFERRAL_TREATMENT)


def test_not_found_keeps_the_deadline_counts_attempts_and_suggests_another_place(
    program: Program,
) -> None:
    od = program.ids["OD1"]
    overpass = program.place_id("OD1", OVERPASS)
    plan_id = _saved_plan_id(program, 1)
    record_outcome(
        program.db, ACTOR, plan_id, od, _not_found(program, overpass), now=_evening(program, 1)
    )

    day2 = priority_for_client(program.db, od, program.day(2), ACTOR)
    assert day2.tier is Tier.MUST and day2.due_by is not None  # the deadline keeps running
    labels = {r.code: r.label for r in day2.reasons}
    assert labels["not_found"] == (
        f"1 attempt, not found at {OVERPASS} (not found yesterday) — try {MISSION}"
    )
    # Planning goes to the place not tried yet.
    [cand] = [c for c in day_candidates(program.db, program.day(2), ACTOR) if c.client_id == od]
    assert cand.location_text.startswith(f"Not found last time; try {MISSION}")
    assert f". If not there: {OVERPASS}" in cand.location_text  # the place tried, second
    assert (round(cand.location.lat, 4), round(cand.location.lon, 4)) == (35.9925, -78.901)  # type: ignore[union-attr]

    plan2 = _saved_plan_id(program, 2)
    record_outcome(
        program.db,
        ACTOR,
        plan2,
        od,
        _not_found(program, where="Behind the library"),
        now=_evening(program, 2),
    )
    labels = _labels(program, "OD1", 3)
    assert labels["not_found"].startswith(
        f"2 attempts, not found at Behind the library and {OVERPASS} (not found yesterday)"
    )


def test_three_declines_in_a_row_propose_disenrolment_without_changing_anything(
    program: Program,
) -> None:
    ca = program.ids["CA1"]
    for n in (1, 2, 3):
        plan_id = _saved_plan_id(program, n)
        record_outcome(
            program.db,
            ACTOR,
            plan_id,
            ca,
            OutcomeEntry(VisitStatus.REFUSED),
            now=_evening(program, n),
        )
        labels = _labels(program, "CA1", n + 1)
        if n < 3:
            assert "propose_disenrolment" not in labels
            assert labels["declined"].startswith(
                "Declined the visit yesterday" if n == 1 else "Declined 2 visits in a row"
            )
    p = priority_for_client(program.db, ca, program.day(4), ACTOR)
    assert "propose_disenrolment" in p.flags
    assert {r.code: r.label for r in p.reasons}["propose_disenrolment"].startswith(
        "Declined 3 visits in a row (last yesterday) — consider disenrolment"
    )
    with program.db.session() as s:
        client = s.get(Client, ca)
        assert client is not None and client.active  # a proposal, not a change


def test_the_outcome_rules_numbers_are_program_settings(program: Program) -> None:
    """A program that proposes disenrolment after one decline and weighs ED transports more:
    set in the settings window's priority rules, read by the next ranking."""
    settings.save(
        program.db,
        dataclasses.replace(
            settings.load(program.db, PriorityRules),
            declines_to_propose_disenrolment=1,
            transported_points=33.0,
        ),
        ACTOR,
    )
    ca, hu = program.ids["CA1"], program.ids["HU1"]
    plan_id = _saved_plan_id(program, 1)
    record_outcome(
        program.db, ACTOR, plan_id, ca, OutcomeEntry(VisitStatus.REFUSED), now=_evening(program, 1)
    )
    day = program.day(1)
    transported = OutcomeEntry(
        VisitStatus.TRANSPORTED, started_at=program.at(day, 10), ended_at=program.at(day, 10, 30)
    )
    record_outcome(program.db, ACTOR, plan_id, hu, transported, now=_evening(program, 1))
    assert "propose_disenrolment" in _labels(program, "CA1", 2)
    p = priority_for_client(program.db, hu, program.day(2), ACTOR)
    assert {r.code: r.points for r in p.reasons}["transported"] == 33.0


def test_transported_to_ed_records_an_ed_visit_and_a_check_in_reason(program: Program) -> None:
    hu = program.ids["HU1"]
    plan_id = _saved_plan_id(program, 1)
    day = program.day(1)
    entry = OutcomeEntry(
        VisitStatus.TRANSPORTED, started_at=program.at(day, 10), ended_at=program.at(day, 10, 30)
    )
    info = record_outcome(program.db, ACTOR, plan_id, hu, entry, now=_evening(program, 1))
    with program.db.session() as s:
        [event] = s.scalars(select(UtilizationEvent).where(UtilizationEvent.client_id == hu))
        assert event.kind == EventKind.ED_VISIT.value
        assert event.occurred_at == program.at(day, 10, 30)
    labels = _labels(program, "HU1", 2)
    assert labels["transported"].startswith("Transported to the ED from the visit yesterday")
    # Corrected to "completed": the ED visit the outcome recorded goes with it.
    correct_outcome(
        program.db,
        ACTOR,
        info.visit_id,
        _completed(program, 1, 10),
        "Wrong row: treated on scene",
        now=_evening(program, 1),
    )
    with program.db.session() as s:
        assert (
            s.scalars(select(UtilizationEvent).where(UtilizationEvent.client_id == hu)).all() == []
        )
    assert "transported" not in _labels(program, "HU1", 2)


def test_a_correction_is_audited_with_who_why_and_the_old_value(program: Program) -> None:
    od = program.ids["OD1"]
    plan_id = _saved_plan_id(program, 1)
    first = record_outcome(
        program.db,
        ACTOR,
        plan_id,
        od,
        _not_found(program, where="Under the bridge"),
        now=_evening(program, 1),
    )
    with pytest.raises(ConflictError):  # recorded once; a second entry must be a correction
        record_outcome(
            program.db, ACTOR, plan_id, od, _completed(program, 1), now=_evening(program, 1)
        )
    with pytest.raises(UserError, match="Why"):
        correct_outcome(program.db, ACTOR, first.visit_id, _completed(program, 1), "  ")
    fixed = correct_outcome(
        program.db,
        ACTOR,
        first.visit_id,
        _completed(program, 1),
        "Found him at 9 after all",
        now=_evening(program, 1),
    )
    assert fixed.status is VisitStatus.COMPLETED and fixed.visit_id == first.visit_id
    with program.db.session() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "visit.outcome.correct")
        ).one()
        assert entry.actor == ACTOR.user_id
        assert "was: status=no_contact" in entry.details
        assert "now: status=completed" in entry.details
        assert "why: Found him at 9 after all" in entry.details
        assert "Under the bridge" not in entry.details  # free text stays out of the log
    assert [o.status for o in outcome_history(program.db, od, ACTOR)] == [VisitStatus.COMPLETED]
    assert _labels(program, "OD1", 2).get("not_found") is None


def test_rescheduled_books_the_new_day_and_ranks_it_high(program: Program) -> None:
    fp = program.ids["FP1"]
    plan_id = _saved_plan_id(program, 1)
    entry = OutcomeEntry(VisitStatus.RESCHEDULED, rescheduled_to=program.day(3))
    record_outcome(program.db, ACTOR, plan_id, fp, entry, now=_evening(program, 1))
    with program.db.session() as s:
        booked = s.scalars(
            select(Visit).where(Visit.client_id == fp, Visit.visit_date == program.day(3))
        ).one()
        assert booked.status == VisitStatus.PLANNED.value and booked.rescheduled_from_id is not None
    p = priority_for_client(program.db, fp, program.day(3), ACTOR)
    assert p.tier in (Tier.MUST, Tier.HIGH)
    label = {r.code: r.label for r in p.reasons}["rescheduled"]
    assert label.startswith("Visit rescheduled to today from ")
    [cand] = [c for c in day_candidates(program.db, program.day(3), ACTOR) if c.client_id == fp]
    assert cand.visit_id == booked.id


def test_an_unplanned_contact_counts_like_a_visit(program: Program) -> None:
    od = program.ids["OD1"]
    info = record_unplanned(
        program.db, ACTOR, od, program.day(1), _completed(program, 1, 15), now=_evening(program, 1)
    )
    assert info.unplanned
    assert priority_for_client(program.db, od, program.day(2), ACTOR).tier is not Tier.MUST
    with pytest.raises(UserError, match="unplanned contact"):
        record_unplanned(program.db, ACTOR, od, program.day(1), _not_found(program, where="x"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": VisitStatus.COMPLETED, "started_at": None}, "needs its start and end"),
        (
            {"status": VisitStatus.NO_CONTACT, "started_at": None, "ended_at": None},
            "Where we looked",
        ),
        ({"ended_at_hour": 8}, "End time 08:00: expected a time after the start"),
        ({"status": VisitStatus.REFUSED}, "Checklist: nothing can be ticked"),
        ({"status": VisitStatus.RESCHEDULED, "checklist": ()}, "Rescheduled to"),
        ({"day_offset": 1}, "Start time: got"),
    ],
)
def test_bad_entries_are_refused_with_the_field_named(
    program: Program, change: dict[str, object], message: str
) -> None:
    change = dict(change)  # the parameter is shared by both database backends
    day = program.day(1)
    start_day = program.day(1 + int(change.pop("day_offset", 0)))  # type: ignore[call-overload]
    values: dict[str, object] = {
        "status": VisitStatus.COMPLETED,
        "started_at": program.at(start_day, 9),
        "ended_at": program.at(day, int(change.pop("ended_at_hour", 10))),  # type: ignore[call-overload]
        "checklist": (ChecklistItem.VITALS,),
    }
    values.update(change)
    plan_id = _saved_plan_id(program, 1)
    with pytest.raises(UserError, match=message):
        record_outcome(
            program.db,
            ACTOR,
            plan_id,
            program.ids["FP1"],
            OutcomeEntry(**values),  # type: ignore[arg-type]
            now=program.at(program.day(3), 9),
        )
    with program.db.session() as s:
        assert s.scalars(select(Visit).where(Visit.status != "planned")).all() == []
