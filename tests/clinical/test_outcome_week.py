"""A working week on a program built without the demo (importers and public services only,
staff on shift as the team imports would write them): each morning the day is planned and
saved, each evening outcomes are recorded (in the app's service or imported from a crew's
spreadsheet), and the next morning's list and plan change exactly as the outcome rules say:
not found keeps the deadline and sends the crew to a usual place not tried; a completed
contact meets it; declines in a row propose disenrolment; an ED transport is recorded; a new
referral (imported and accepted) leads the list; a paramedic's sick day (imported into the
shifts) leaves one crew. Nothing recorded is lost."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from caseload.actor import local_actor
from caseload.enums import EventKind, Tier, VisitStatus
from caseload.importing.clients import import_clients
from caseload.importing.referrals import import_referrals
from caseload.importing.shifts import import_shifts
from caseload.importing.visits import VISIT_COLUMNS, import_visits
from caseload.outcomes.model import OutcomeEntry
from caseload.outcomes.service import outcome_history, record_outcome
from caseload.planning.candidates import day_candidates
from caseload.planning.model import DayPlan
from caseload.planning.versions import list_versions
from caseload.priority.facts import ClientPriority
from caseload.priority.service import rank_caseload
from caseload.store.database import Database
from caseload.store.models import Client, Plan, UtilizationEvent, Visit
from tests.caseload.outcome_program import (
    CLIENT_HEADER,
    MISSION,
    OVERPASS,
    Program,
    build_program,
    plan_and_save,
    write_csv,
)

ACTOR = local_actor()
HEADER = list(VISIT_COLUMNS)


def _morning(program: Program, n: int) -> tuple[dict[str, ClientPriority], DayPlan]:
    """Rank day n and plan every active client; returns priorities by external id."""
    day = program.day(n)
    ranked = rank_caseload(program.db, day, ACTOR)
    keys = [c.key for c in day_candidates(program.db, day, ACTOR)]
    plan = plan_and_save(program, day, selected=keys)
    return {p.external_id: p for p in ranked}, plan


def _labels(p: ClientPriority) -> dict[str, str]:
    return {r.code: r.label for r in p.reasons}


def _record(program: Program, plan: DayPlan, ext: str, entry: OutcomeEntry, n: int) -> None:
    assert plan.plan_id is not None
    record_outcome(
        program.db, ACTOR, plan.plan_id, program.ids[ext], entry,
        now=program.at(program.day(n), 19),
    )  # fmt: skip


def _import(program: Program, folder: Path, n: int, rows: list[dict[str, str]]) -> None:
    day = program.day(n).isoformat()
    table = [[{"visit_date": day, **r}.get(c, "") for c in HEADER] for r in rows]
    path = write_csv(folder / f"visits-day{n}.csv", HEADER, table)
    import_visits(program.db, ACTOR, path, now=program.at(program.day(n), 20))


def _stop_location(plan: DayPlan, key: str) -> tuple[float, float] | None:
    for route in plan.routes:
        for stop in route.stops:
            if stop.key == key and stop.location is not None:
                return round(stop.location.lat, 4), round(stop.location.lon, 4)
    return None


def test_a_week_of_outcomes_drives_each_next_morning(db: Database, tmp_path: Path) -> None:
    program = build_program(db, tmp_path, staff=("Medic 1", "Medic 2"))
    od, fp = program.key("OD1"), program.key("FP1")

    # --- Day 1 -----------------------------------------------------------------------------
    prio, plan1 = _morning(program, 1)
    assert prio["OD1"].tier is Tier.MUST
    deadline = prio["OD1"].due_by
    assert _stop_location(plan1, od) == (36.0, -78.895)  # the overpass, its primary place
    overpass = program.place_id("OD1", OVERPASS)
    _record(
        program, plan1, "OD1", OutcomeEntry(VisitStatus.NO_CONTACT, looked_place_id=overpass), 1
    )
    _record(program, plan1, "CA1", OutcomeEntry(VisitStatus.REFUSED), 1)
    _import(program, tmp_path, 1, [
        {"external_id": "FP1", "outcome": "completed", "started_at": "09:00", "ended_at": "09:45",
         "checklist": "vitals;fall_risk_assessment"},
        {"external_id": "HU1", "outcome": "completed", "started_at": "10:30", "ended_at": "11:20"},
    ])  # fmt: skip

    # --- Day 2: not found keeps the deadline and tries the other place ----------------------
    prio, plan2 = _morning(program, 2)
    assert prio["OD1"].tier is Tier.MUST and prio["OD1"].due_by == deadline
    assert _labels(prio["OD1"])["not_found"] == (
        f"1 attempt, not found at {OVERPASS} (not found yesterday) — try {MISSION}"
    )
    assert _stop_location(plan2, od) == (35.9925, -78.901)  # the Rescue Mission this time
    assert _labels(prio["CA1"])["declined"] == "Declined the visit yesterday"
    assert _labels(prio["FP1"])["last_contact"] == "Last contact yesterday (completed visit)"
    _import(program, tmp_path, 2, [
        {"external_id": "OD1", "outcome": "completed", "started_at": "08:40", "ended_at": "09:10",
         "checklist": "naloxone_kit;referral_treatment", "note": "Found at the mission."},
        {"external_id": "CA1", "outcome": "declined"},
        {"external_id": "HU1", "outcome": "transported", "started_at": "13:00",
         "ended_at": "13:30"},
    ])  # fmt: skip
    # A new referral in the evening: the EMS crew's overdose call; the client is registered
    # (with where they stay) and the referral is imported and accepted into the program.
    new = [["NEW1", "Nia", "Ewe", "1990-03-03", "", "Durham", "NC", "27701", "36.0050",
            "-78.8990", "unsheltered", "overdose_followup", "given"]]  # fmt: skip
    import_clients(db, ACTOR, write_csv(tmp_path / "new.csv", CLIENT_HEADER, new))
    program.ids["NEW1"] = _client_id(db, "NEW1")
    evening = program.at(program.day(2), 20)
    referral = [["EMS crew", evening.isoformat(timespec="minutes"), "Non-fatal overdose",
                 "overdose", (evening - timedelta(minutes=30)).isoformat(timespec="minutes"),
                 "NEW1", "overdose_followup"]]  # fmt: skip
    referral_header = [
        "source", "received_at", "reason", "event_kind", "event_at", "external_id", "program"
    ]  # fmt: skip
    import_referrals(
        db, ACTOR, write_csv(tmp_path / "referrals.csv", referral_header, referral),
        accept=True, now=program.at(program.day(2), 21),
    )  # fmt: skip
    # Wednesday morning: Medic 2 calls in sick (an exception in the shifts file).
    sick = [["Medic 2", program.day(3).isoformat(), "sick"]]
    import_shifts(db, ACTOR, write_csv(tmp_path / "sick.csv", ["staff", "date", "kind"], sick))

    # --- Day 3: the deadline is met, the referral leads, one crew ----------------------------
    prio, plan3 = _morning(program, 3)
    assert prio["OD1"].tier is not Tier.MUST and prio["OD1"].due_by is None
    assert "seen since (completed visit yesterday)" in _labels(prio["OD1"])["overdose"]
    assert "not_found" not in _labels(prio["OD1"])  # the completed contact clears the attempts
    ranked = rank_caseload(db, program.day(3), ACTOR)
    assert ranked[0].external_id == "NEW1" and ranked[0].tier is Tier.MUST
    assert [r.crew.name for r in plan3.routes] == ["Medic 1"]
    assert any(s.key == program.key("NEW1") for s in plan3.routes[0].stops)
    assert _labels(prio["HU1"])["transported"].startswith(
        "Transported to the ED from the visit yesterday"
    )
    with db.session() as s:
        kinds = s.scalars(
            select(UtilizationEvent.kind).where(UtilizationEvent.client_id == program.ids["HU1"])
        ).all()
    assert kinds == [EventKind.ED_VISIT.value]
    assert _labels(prio["CA1"])["declined"].startswith("Declined 2 visits in a row")
    _record(program, plan3, "CA1", OutcomeEntry(VisitStatus.REFUSED), 3)
    day3 = program.day(3)
    _record(program, plan3, "NEW1", OutcomeEntry(
        VisitStatus.COMPLETED, started_at=program.at(day3, 9), ended_at=program.at(day3, 9, 30),
    ), 3)  # fmt: skip
    _record(program, plan3, "FP1",
            OutcomeEntry(VisitStatus.RESCHEDULED, rescheduled_to=program.day(5)), 3)  # fmt: skip

    # --- Day 4: three declines propose disenrolment; the referral is seen --------------------
    prio, plan4 = _morning(program, 4)
    assert "propose_disenrolment" in prio["CA1"].flags
    assert prio["NEW1"].tier is not Tier.MUST
    assert len(plan4.routes) == 2  # Medic 2 is back

    # --- Day 5: the rescheduled visit is on, at least HIGH ----------------------------------
    prio, plan5 = _morning(program, 5)
    assert prio["FP1"].tier in (Tier.MUST, Tier.HIGH)
    assert _labels(prio["FP1"])["rescheduled"] == "Visit rescheduled to today from " + (
        f"{program.day(3):%a %d %b}"
    )
    assert any(s.key == fp for r in plan5.routes for s in r.stops)

    # --- Nothing is lost ----------------------------------------------------------------------
    recorded = {
        ext: [(o.visit_date, o.status) for o in outcome_history(db, program.ids[ext], ACTOR)]
        for ext in ("OD1", "CA1", "HU1", "FP1", "NEW1")
    }
    d = program.day
    assert recorded == {
        "OD1": [(d(2), VisitStatus.COMPLETED), (d(1), VisitStatus.NO_CONTACT)],
        "CA1": [(d(n), VisitStatus.REFUSED) for n in (3, 2, 1)],
        "HU1": [(d(2), VisitStatus.TRANSPORTED), (d(1), VisitStatus.COMPLETED)],
        "FP1": [(d(3), VisitStatus.RESCHEDULED), (d(1), VisitStatus.COMPLETED)],
        "NEW1": [(d(3), VisitStatus.COMPLETED)],
    }  # fmt: skip
    for n in range(1, 6):
        assert [v.version_no for v in list_versions(db, d(n), ACTOR)] == [1]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 5
        booked = s.scalars(select(Visit).where(Visit.visit_date == d(5))).one()
        assert booked.status == VisitStatus.PLANNED.value


def _client_id(db: Database, external_id: str) -> int:
    with db.session() as s:
        return s.scalars(select(Client.id).where(Client.external_id == external_id)).one()
