"""Programs as data: validation, add and edit with audit, built-in codes kept, and the
first-contact deadline read from the client's program."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.enums import EventKind
from caseload.errors import ConflictError, UserError
from caseload.importing.clients import import_clients
from caseload.priority.engine import compute_priority
from caseload.priority.facts import ClientFacts, EnrollmentFacts
from caseload.priority.rules import PriorityRules
from caseload.priority.service import rank_caseload
from caseload.programs import DEFAULT_PROGRAMS
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client, UtilizationEvent
from caseload.team.programs import (
    ProgramDraft,
    add_program,
    draft_of,
    list_program_infos,
    program_problems,
    update_program,
)
from tests.caseload.team.helpers import ACTOR

CRISIS = ProgramDraft(
    "crisis_navigation",
    "Crisis navigation (OKC-style)",
    cadence_days=3,
    visit_minutes=60,
    duration_weeks=8,
    required_skills=("peer_support",),
    peer_support_allowed=True,
    eligibility_note="Two or more behavioural-health 911 calls in 30 days.",
    first_contact_hours=24.0,
    first_contact_events=("overdose",),
)


def test_a_new_database_starts_with_the_six_built_in_programs(db: Database) -> None:
    programs = list_program_infos(db, ACTOR)
    assert {p.code for p in programs} == {d.code.value for d in DEFAULT_PROGRAMS}
    assert all(p.builtin for p in programs)
    overdose = next(p for p in programs if p.code == "overdose_followup")
    assert overdose.first_contact_hours == 72.0
    assert overdose.first_contact_events == {"overdose"}


def test_problems_name_each_bad_field() -> None:
    bad = ProgramDraft(
        "Crisis Nav",
        "",
        cadence_days=0,
        visit_minutes=1,
        duration_weeks=0,
        required_skills=("flying",),
        first_contact_hours=2000,
        first_contact_events=("fall",),
    )
    text = "\n".join(program_problems(bad))
    for part in (
        "program code",
        "needs a name",
        "cadence",
        "5 to 480 minutes",
        "default enrolment",
        "Skill 'flying'",
        "from 1 to 720 hours",
        "Event 'fall'",
    ):
        assert part in text
    assert program_problems(CRISIS) == []
    assert "needs the events" in "\n".join(
        program_problems(replace(CRISIS, first_contact_events=()))
    )


def test_add_and_edit_a_program_with_audit(db: Database) -> None:
    program_id = add_program(db, ACTOR, CRISIS)
    info = next(p for p in list_program_infos(db, ACTOR) if p.id == program_id)
    assert draft_of(info) == CRISIS and not info.builtin
    with pytest.raises(UserError, match="already a program with code"):
        add_program(db, ACTOR, replace(CRISIS, name="Other"))
    update_program(db, ACTOR, program_id, info.version, replace(CRISIS, cadence_days=5))
    with pytest.raises(ConflictError):
        update_program(db, ACTOR, program_id, info.version, CRISIS)
    with db.session() as session:
        audits = list(session.execute(select(AuditEntry.action, AuditEntry.details)).all())
    assert [tuple(a) for a in audits] == [
        ("program.add", "crisis_navigation"),
        ("program.edit", "cadence_days"),
    ]


def test_a_built_in_program_keeps_its_code(db: Database) -> None:
    info = next(p for p in list_program_infos(db, ACTOR) if p.code == "fall_prevention")
    with pytest.raises(UserError, match="stays 'fall_prevention'"):
        update_program(db, ACTOR, info.id, info.version, replace(draft_of(info), code="falls"))
    update_program(db, ACTOR, info.id, info.version, replace(draft_of(info), name="Falls"))
    assert any(p.name == "Falls" for p in list_program_infos(db, ACTOR))


def _facts(*enrollments: EnrollmentFacts, at: datetime) -> ClientFacts:
    return ClientFacts(1, "X1", "A B", events=(("overdose", at),), enrollments=enrollments)


def test_the_first_contact_deadline_comes_from_the_clients_program() -> None:
    now = datetime(2026, 12, 8, 12, tzinfo=UTC)
    event = now - timedelta(hours=10)
    rules = PriorityRules()
    program = EnrollmentFacts(
        "crisis_navigation",
        "Crisis",
        3,
        date(2026, 12, 1),
        first_contact_hours=24.0,
        first_contact_events=frozenset({EventKind.OVERDOSE.value}),
    )
    enrolled = compute_priority(_facts(program, at=event), now, now.date(), rules)
    assert enrolled.due_by == event + timedelta(hours=24)
    assert "first contact due within 24 h (14 h left)" in enrolled.reasons[0].label
    # Not enrolled in a program started by overdoses: the program-wide setting (72 h).
    other = replace(program, first_contact_events=frozenset({"hospital_discharge"}))
    fallback = compute_priority(_facts(other, at=event), now, now.date(), rules)
    assert fallback.due_by == event + timedelta(hours=72)


def test_editing_a_programs_deadline_changes_the_ranking(db: Database, tmp_path: Path) -> None:
    clients = tmp_path / "c.csv"
    clients.write_text(
        "external_id,first_name,last_name,date_of_birth,programs\n"
        "X1,Ann,Able,1950-01-01,overdose_followup\n",
        encoding="utf-8",
    )
    import_clients(db, ACTOR, clients)
    today = date.today()
    now = datetime.now(UTC)
    with db.session() as session:
        client_id = session.scalar(select(Client.id))
        assert client_id is not None
        session.add(
            UtilizationEvent(
                client_id=client_id, kind="overdose", occurred_at=now - timedelta(hours=30)
            )
        )
    [before] = rank_caseload(db, today, ACTOR, now=now)
    assert before.due_by is not None and before.due_by - now > timedelta(hours=40)
    info = next(p for p in list_program_infos(db, ACTOR) if p.code == "overdose_followup")
    update_program(
        db, ACTOR, info.id, info.version, replace(draft_of(info), first_contact_hours=24)
    )
    [after] = rank_caseload(db, today, ACTOR, now=now)
    assert after.due_by is not None and after.due_by < now  # 6 h overdue now
    assert "due within 24 h (6 h overdue)" in after.reasons[0].label
