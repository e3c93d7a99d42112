"""The program catalogue: the MIH/CP programs a client can be enrolled in, with visit cadence."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.enums import EventKind, ProgramCode, Skill
from caseload.outcomes.checklist import (
    DEFAULT_PROGRAM_CHECKLISTS,
    ChecklistItem,
    checklist_text,
    program_checklist,
)
from caseload.store.database import Database
from caseload.store.models import Program


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    id: int
    code: str
    name: str
    cadence_days: int
    duration_weeks: int | None
    visit_minutes: int
    required_skills: frozenset[str]
    peer_support_allowed: bool
    eligibility_note: str = ""
    first_contact_hours: float | None = None  # None: no first-contact deadline
    first_contact_events: frozenset[str] = frozenset()  # EventKind values that start it
    builtin: bool = False  # one of the catalogue programs a new database starts with
    version: int = 1  # the row version it was read at (edits check it)
    checklist: tuple[ChecklistItem, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgramDefault:
    code: ProgramCode
    name: str
    cadence_days: int
    duration_weeks: int | None
    visit_minutes: int
    required_skills: tuple[Skill, ...] = ()
    peer_support_allowed: bool = False
    eligibility_note: str = ""
    first_contact_hours: float | None = None
    first_contact_events: tuple[EventKind, ...] = ()


# Cadences from common MIH/CP practice; each is editable per agency in the database. Peer
# support may serve the social programs (overdose follow-up, familiar faces, advocacy), not the
# clinical ones (falls, vaccination, chronic disease).
DEFAULT_PROGRAMS: tuple[ProgramDefault, ...] = (
    ProgramDefault(
        ProgramCode.OVERDOSE_FOLLOWUP,
        "Post-overdose follow-up",
        7,
        4,
        45,
        (Skill.NALOXONE,),
        peer_support_allowed=True,
        eligibility_note="A non-fatal overdose in the last 30 days (EMS, ED or self-referral).",
        first_contact_hours=72.0,
        first_contact_events=(EventKind.OVERDOSE,),
    ),
    ProgramDefault(
        ProgramCode.HIGH_UTILIZER,
        "Familiar faces (high utilizer)",
        14,
        None,
        60,
        peer_support_allowed=True,
    ),
    ProgramDefault(ProgramCode.FALL_PREVENTION, "Fall prevention", 14, 12, 45),
    ProgramDefault(
        ProgramCode.HOMEBOUND_VACCINE, "Homebound vaccination", 90, None, 30, (Skill.VACCINE,)
    ),
    ProgramDefault(
        ProgramCode.CHRONIC_DISEASE,
        "Chronic disease (CHF/COPD/diabetes)",
        14,
        None,
        45,
        eligibility_note="CHF, COPD or diabetes with a recent admission or ED visit.",
        first_contact_hours=72.0,
        first_contact_events=(EventKind.HOSPITAL_DISCHARGE,),
    ),
    ProgramDefault(
        ProgramCode.COMMUNITY_ADVOCACY,
        "Community advocacy",
        30,
        None,
        30,
        peer_support_allowed=True,
    ),
)


BUILTIN_CODES = frozenset(d.code.value for d in DEFAULT_PROGRAMS)


def ensure_default_programs(session: Session) -> None:
    """Insert any catalogue program that is missing; never changes an existing one."""
    existing = set(session.scalars(select(Program.code)))
    for default in DEFAULT_PROGRAMS:
        if default.code.value not in existing:
            session.add(
                Program(
                    code=default.code.value,
                    name=default.name,
                    cadence_days=default.cadence_days,
                    duration_weeks=default.duration_weeks,
                    visit_minutes=default.visit_minutes,
                    required_skills=",".join(s.value for s in default.required_skills),
                    peer_support_allowed=default.peer_support_allowed,
                    eligibility_note=default.eligibility_note,
                    first_contact_hours=default.first_contact_hours,
                    first_contact_events=",".join(e.value for e in default.first_contact_events),
                    checklist=checklist_text(DEFAULT_PROGRAM_CHECKLISTS.get(default.code, ())),
                )
            )
    session.flush()


def to_info(program: Program) -> ProgramInfo:
    return ProgramInfo(
        id=program.id,
        code=program.code,
        name=program.name,
        cadence_days=program.cadence_days,
        duration_weeks=program.duration_weeks,
        visit_minutes=program.visit_minutes,
        required_skills=frozenset(s for s in program.required_skills.split(",") if s),
        peer_support_allowed=program.peer_support_allowed,
        eligibility_note=program.eligibility_note,
        first_contact_hours=program.first_contact_hours,
        first_contact_events=frozenset(e for e in program.first_contact_events.split(",") if e),
        builtin=program.code in BUILTIN_CODES,
        version=program.version,
        checklist=program_checklist(program.checklist),
    )


def list_programs(db: Database) -> list[ProgramInfo]:
    with db.session() as session:
        ensure_default_programs(session)
        return [to_info(p) for p in session.scalars(select(Program).order_by(Program.name))]
