"""Ranking the caseload from the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import settings
from caseload.actor import local_actor
from caseload.enums import Tier, VisitStatus, VisitType
from caseload.errors import NotFoundError
from caseload.priority.facts import ClientPriority
from caseload.priority.rules import PriorityRules
from caseload.priority.service import priority_for_client, rank_caseload
from caseload.programs import ensure_default_programs
from caseload.store.database import Database
from caseload.store.models import Client, Enrollment, Program, UtilizationEvent, Visit

ZONE = ZoneInfo("America/New_York")
ON = date(2026, 3, 16)
NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZONE)
ACTOR = local_actor()


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


def add_client(session: Session, external_id: str, **kw: object) -> Client:
    client = Client(
        external_id=external_id,
        first_name=external_id,
        last_name="Test",
        date_of_birth=date(1960, 5, 5),
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        **kw,
    )
    session.add(client)
    session.flush()
    return client


def program_id(session: Session, code: str) -> int:
    return session.scalars(select(Program.id).where(Program.code == code)).one()


def completed(client: Client, day: date, **kw: object) -> Visit:
    values: dict[str, object] = {"visit_type": VisitType.FOLLOW_UP.value} | kw
    return Visit(client_id=client.id, visit_date=day, status=VisitStatus.COMPLETED.value, **values)


def by_external(ranked: list[ClientPriority]) -> dict[str, ClientPriority]:
    return {p.external_id: p for p in ranked}


def labels(p: ClientPriority) -> dict[str, str]:
    return {r.code: r.label for r in p.reasons}


@pytest.fixture
def caseload(db: Database) -> Database:
    """A small caseload covering each rule, plus clients who must not be listed."""
    with db.session() as s:
        ensure_default_programs(s)
        falls = program_id(s, "fall_prevention")
        # MUST: a non-fatal overdose 41 h ago and no contact since.
        od = add_client(s, "OD")
        s.add(UtilizationEvent(client_id=od.id, kind="overdose", occurred_at=ago(hours=41)))
        # Seen since the overdose: the MUST is cleared.
        seen = add_client(s, "SEEN")
        s.add(UtilizationEvent(client_id=seen.id, kind="overdose", occurred_at=ago(hours=41)))
        s.add(completed(seen, ON - timedelta(1), completed_at=ago(hours=20)))
        # A planned (not completed) visit is not a contact.
        planned = add_client(s, "PLANNED")
        s.add(UtilizationEvent(client_id=planned.id, kind="overdose", occurred_at=ago(hours=41)))
        s.add(Visit(client_id=planned.id, visit_date=ON - timedelta(1), visit_type="follow_up"))
        # HIGH: unsheltered familiar face (3 calls in 90 days), never seen: 20 + 15 + 15.
        ff = add_client(s, "FF", housing_status="unsheltered")
        for days in (2, 40, 80):
            s.add(UtilizationEvent(client_id=ff.id, kind="call_911", occurred_at=ago(days=days)))
        # ROUTINE: fall prevention, last visit 19 days ago -> 5 days overdue (15) + 9.5.
        fp = add_client(s, "FALLS")
        # Within the program's 12 weeks (an enrolment 100 days old would have ended).
        s.add(Enrollment(client_id=fp.id, program_id=falls, enrolled_on=ON - timedelta(30)))
        s.add(completed(fp, ON - timedelta(19), program_id=falls))
        # MUST: a fixed appointment today 14:00-15:00.
        appt = add_client(s, "APPT")
        s.add(completed(appt, ON - timedelta(3)))
        s.add(
            Visit(
                client_id=appt.id,
                visit_date=ON,
                visit_type=VisitType.APPOINTMENT.value,
                is_fixed_appointment=True,
                window_start=NOW.replace(hour=14),
                window_end=NOW.replace(hour=15),
                purpose="Wound check",
            )
        )
        # Not on the caseload: inactive, or discharged on or before the day.
        for ext, kw in (
            ("INACTIVE", {"active": False}),
            ("DISCHARGED", {"discharged_on": ON}),
        ):
            gone = add_client(s, ext, **kw)
            s.add(UtilizationEvent(client_id=gone.id, kind="overdose", occurred_at=ago(hours=3)))
        # Discharge planned for later: still on the caseload today.
        add_client(s, "LEAVING", discharged_on=ON + timedelta(7))
    return db


def test_ranks_active_clients_by_tier_then_score(caseload: Database) -> None:
    ranked = rank_caseload(caseload, ON, ACTOR, now=NOW)
    assert [p.external_id for p in ranked] == [
        "OD", "PLANNED", "APPT", "FF", "FALLS", "LEAVING", "SEEN",
    ]  # fmt: skip
    tiers = {p.external_id: p.tier for p in ranked}
    assert tiers == {
        "OD": Tier.MUST, "PLANNED": Tier.MUST, "APPT": Tier.MUST, "FF": Tier.HIGH,
        "FALLS": Tier.ROUTINE, "SEEN": Tier.ROUTINE, "LEAVING": Tier.ROUTINE,
    }  # fmt: skip


def test_overdose_reason_and_deadline(caseload: Database) -> None:
    p = by_external(rank_caseload(caseload, ON, ACTOR, now=NOW))["OD"]
    assert labels(p)["overdose"] == (
        "Non-fatal overdose 41 h ago — first contact due within 72 h (31 h left)"
    )
    assert p.due_by == ago(hours=41) + timedelta(hours=72)
    assert p.due_by is not None and p.due_by.utcoffset() == timedelta(hours=-4)  # EDT
    assert p.purpose == "Post-overdose follow-up"
    assert p.score == 115  # 100 + 15 (no contact on record)


def test_completed_contact_clears_the_first_contact_deadline(caseload: Database) -> None:
    p = by_external(rank_caseload(caseload, ON, ACTOR, now=NOW))["SEEN"]
    assert (
        labels(p)["overdose"]
        == "Non-fatal overdose 41 h ago — seen since (completed visit yesterday)"
    )
    assert p.due_by is None
    assert labels(p)["last_contact"] == "Last contact yesterday (completed visit)"


def test_familiar_face_unsheltered_and_overdue_reasons(caseload: Database) -> None:
    ranked = by_external(rank_caseload(caseload, ON, ACTOR, now=NOW))
    ff = ranked["FF"]
    assert labels(ff) == {
        "familiar_face": "Familiar face — 3 calls to 911 in 90 days",
        "unsheltered": "Unsheltered",
        "last_contact": "No completed contact on record",
    }
    assert ff.score == 50
    assert ff.flags == {"familiar_face", "unsheltered"}
    falls = ranked["FALLS"]
    assert (
        labels(falls)["program:fall_prevention"]
        == "Fall prevention visit 5 days overdue (last completed visit 19 days ago)"
    )
    assert falls.score == 24.5
    assert falls.purpose == "Fall prevention visit"


def test_fixed_appointment_window(caseload: Database) -> None:
    p = by_external(rank_caseload(caseload, ON, ACTOR, now=NOW))["APPT"]
    assert p.appointment == (NOW.replace(hour=14), NOW.replace(hour=15))
    assert p.due_by == NOW.replace(hour=15)
    assert p.purpose == "Wound check"
    assert labels(p)["appointment"] == "Fixed appointment 14:00–15:00 (Wound check)"


def test_settings_stored_in_the_database_change_the_outcome(caseload: Database) -> None:
    rules = dataclasses.replace(
        PriorityRules(), first_contact_hours=24, high_tier_min_score=60, unsheltered_points=30
    )
    settings.save(caseload, rules, ACTOR)
    ranked = by_external(rank_caseload(caseload, ON, ACTOR, now=NOW))
    assert labels(ranked["OD"])["overdose"].endswith("within 24 h (17 h overdue)")
    assert ranked["OD"].due_by == ago(hours=17)
    assert ranked["FF"].score == 65 and ranked["FF"].tier is Tier.HIGH
    settings.save(caseload, dataclasses.replace(rules, high_tier_min_score=70), ACTOR)
    assert priority_for_client(caseload, ranked["FF"].client_id, ON, ACTOR, now=NOW).tier is (
        Tier.ROUTINE
    )


def test_client_ids_and_single_client(caseload: Database) -> None:
    ranked = by_external(rank_caseload(caseload, ON, ACTOR, now=NOW))
    wanted = [ranked["FF"].client_id, ranked["OD"].client_id]
    subset = rank_caseload(caseload, ON, ACTOR, client_ids=wanted, now=NOW)
    assert [p.external_id for p in subset] == ["OD", "FF"]
    assert subset[1] == ranked["FF"]
    assert (
        priority_for_client(caseload, ranked["OD"].client_id, ON, ACTOR, now=NOW) == (ranked["OD"])
    )
    with pytest.raises(NotFoundError, match="no client with id 99999"):
        priority_for_client(caseload, 99999, ON, ACTOR)


def test_discharged_client_explained_but_not_ranked(caseload: Database) -> None:
    with caseload.session() as s:
        gone = s.scalars(select(Client.id).where(Client.external_id == "INACTIVE")).one()
    assert rank_caseload(caseload, ON, ACTOR, client_ids=[gone], now=NOW) == []
    p = priority_for_client(caseload, gone, ON, ACTOR, now=NOW)
    assert (p.tier, p.reasons, p.purpose) == (Tier.ROUTINE, (), "Not on the active caseload")


def test_default_now_is_seven_in_the_morning_for_another_day(caseload: Database) -> None:
    later = ON + timedelta(days=1)  # 07:00 the next day is 62 h after the overdose
    p = by_external(rank_caseload(caseload, later, ACTOR))["OD"]
    assert labels(p)["overdose"].startswith("Non-fatal overdose 62 h ago")
    # The appointment is on ON, not on the next day.
    assert by_external(rank_caseload(caseload, later, ACTOR))["APPT"].tier is not Tier.MUST


def test_contacts_after_now_do_not_count_when_looking_back(caseload: Database) -> None:
    with caseload.session() as s:
        od = s.scalars(select(Client).where(Client.external_id == "OD")).one()
        s.add(completed(od, ON, completed_at=NOW + timedelta(hours=2)))
    assert by_external(rank_caseload(caseload, ON, ACTOR, now=NOW))["OD"].tier is Tier.MUST
    after = NOW + timedelta(hours=3)
    assert by_external(rank_caseload(caseload, ON, ACTOR, now=after))["OD"].tier is not Tier.MUST


def test_vaccine_due_and_visits_without_a_program(db: Database) -> None:
    with db.session() as s:
        ensure_default_programs(s)
        vaccine = program_id(s, "homebound_vaccine")
        chronic = program_id(s, "chronic_disease")
        recent = add_client(s, "VAX-RECENT")
        old = add_client(s, "VAX-OLD")
        for client, days in ((recent, 30), (old, 100)):
            s.add(
                Enrollment(client_id=client.id, program_id=vaccine, enrolled_on=ON - timedelta(300))
            )
            s.add(
                completed(
                    client, ON - timedelta(days), program_id=vaccine, visit_type="vaccination"
                )
            )
        # A visit recorded without a program counts for every program the client is in.
        general = add_client(s, "GENERAL")
        s.add(Enrollment(client_id=general.id, program_id=chronic, enrolled_on=ON - timedelta(60)))
        s.add(completed(general, ON - timedelta(20)))
        s.add(completed(general, ON - timedelta(3), program_id=None))
    ranked = by_external(rank_caseload(db, ON, ACTOR, now=NOW))
    assert "vaccine_due" not in labels(ranked["VAX-RECENT"])
    assert labels(ranked["VAX-OLD"])["vaccine_due"] == "Vaccine due — last vaccination 100 days ago"
    assert ranked["VAX-OLD"].purpose == "Vaccination"
    assert "program:chronic_disease" not in labels(ranked["GENERAL"])


def test_empty_database_ranks_nothing(db: Database) -> None:
    assert rank_caseload(db, ON, ACTOR) == []
