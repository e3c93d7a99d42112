"""Programs as data: a program manager adds and edits programs (name, visit cadence and
length, required skills, whether peer support may serve it, eligibility, default length of
enrolment, first-contact deadline after the triggering events). Validated and audited.

A built-in program's code stays (client files and rules refer to it); everything else may
change. Programs are never deleted: clients' enrolments refer to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.enums import EventKind, Skill
from caseload.errors import UserError
from caseload.programs import BUILTIN_CODES, ProgramInfo, ensure_default_programs, to_info
from caseload.store.database import Database
from caseload.store.models import Program
from caseload.store.versioned import row_for_update
from caseload.users.permissions import Permission, require

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
MAX_DEADLINE_HOURS = 30 * 24.0  # first-contact events are looked back 30 days at most


@dataclass(frozen=True, slots=True)
class ProgramDraft:
    """A program as entered (new, or the new values of an existing one)."""

    code: str
    name: str
    cadence_days: int
    visit_minutes: int = 45
    duration_weeks: int | None = None  # default length of enrolment; None: open-ended
    required_skills: tuple[str, ...] = ()
    peer_support_allowed: bool = False
    eligibility_note: str = ""
    first_contact_hours: float | None = None
    first_contact_events: tuple[str, ...] = ()


def draft_of(info: ProgramInfo) -> ProgramDraft:
    return ProgramDraft(
        code=info.code,
        name=info.name,
        cadence_days=info.cadence_days,
        visit_minutes=info.visit_minutes,
        duration_weeks=info.duration_weeks,
        required_skills=tuple(sorted(info.required_skills)),
        peer_support_allowed=info.peer_support_allowed,
        eligibility_note=info.eligibility_note,
        first_contact_hours=info.first_contact_hours,
        first_contact_events=tuple(sorted(info.first_contact_events)),
    )


def program_problems(draft: ProgramDraft) -> list[str]:
    """Why `draft` cannot be saved, one sentence each (empty: it can)."""
    problems = []
    if not CODE_PATTERN.fullmatch(draft.code):
        problems.append(
            "A program code is 2–40 lower-case letters, digits or '_', starting with a letter "
            "(e.g. crisis_navigation); client files list programs by code."
        )
    if not draft.name.strip() or len(draft.name.strip()) > 120:
        problems.append("A program needs a name of at most 120 characters.")
    if not 1 <= draft.cadence_days <= 365:
        problems.append("The visit cadence is from 1 to 365 days.")
    if not 5 <= draft.visit_minutes <= 480:
        problems.append("A visit lasts from 5 to 480 minutes.")
    if draft.duration_weeks is not None and not 1 <= draft.duration_weeks <= 520:
        problems.append("The default enrolment is from 1 to 520 weeks (or open-ended).")
    for skill in draft.required_skills:
        if skill not in {s.value for s in Skill}:
            problems.append(f"Skill '{skill}' is not one of {', '.join(s.value for s in Skill)}.")
    if draft.first_contact_hours is not None:
        if not 1 <= draft.first_contact_hours <= MAX_DEADLINE_HOURS:
            problems.append(
                f"The first-contact deadline is from 1 to {MAX_DEADLINE_HOURS:g} hours."
            )
        if not draft.first_contact_events:
            problems.append("A first-contact deadline needs the events that start it.")
    for event in draft.first_contact_events:
        if event not in (EventKind.OVERDOSE.value, EventKind.HOSPITAL_DISCHARGE.value):
            problems.append(
                f"Event '{event}' cannot start a first-contact deadline "
                "(overdose or hospital_discharge)."
            )
    if len(draft.eligibility_note) > 2000:
        problems.append("The eligibility note has at most 2000 characters.")
    return problems


def _check(session: Session, draft: ProgramDraft, program_id: int | None) -> None:
    problems = program_problems(draft)
    other = -1 if program_id is None else program_id
    if session.scalar(select(Program.id).where(Program.code == draft.code, Program.id != other)):
        problems.append(f"There is already a program with code '{draft.code}'.")
    same_name = select(Program.id).where(
        func.lower(Program.name) == draft.name.strip().lower(), Program.id != other
    )
    if session.scalar(same_name):
        problems.append(f"There is already a program called '{draft.name.strip()}'.")
    if problems:
        raise UserError("\n".join(problems))


def _apply(program: Program, draft: ProgramDraft) -> None:
    program.code = draft.code
    program.name = draft.name.strip()
    program.cadence_days = draft.cadence_days
    program.visit_minutes = draft.visit_minutes
    program.duration_weeks = draft.duration_weeks
    program.required_skills = ",".join(draft.required_skills)
    program.peer_support_allowed = draft.peer_support_allowed
    program.eligibility_note = draft.eligibility_note.strip()
    program.first_contact_hours = draft.first_contact_hours
    program.first_contact_events = ",".join(draft.first_contact_events)


def list_program_infos(db: Database, actor: Actor) -> list[ProgramInfo]:
    """Every program, built-in ones first, then by name."""
    require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        ensure_default_programs(session)
        rows = session.scalars(select(Program).order_by(Program.name))
        infos = [to_info(p) for p in rows]
    return sorted(infos, key=lambda p: (not p.builtin, p.name.lower()))


def add_program(db: Database, actor: Actor, draft: ProgramDraft) -> int:
    require(actor, Permission.MANAGE_PROGRAMS)
    with db.session() as session:
        _check(session, draft, None)
        program = Program(code=draft.code, name=draft.name, cadence_days=draft.cadence_days)
        _apply(program, draft)
        session.add(program)
        session.flush()
        audit.record(
            session,
            actor,
            "program.add",
            "program",
            program.id,
            program.code,
            after=row_values(program),
        )
        return program.id


def update_program(
    db: Database, actor: Actor, program_id: int, expected_version: int, draft: ProgramDraft
) -> None:
    """Save new values for a program read at `expected_version`."""
    require(actor, Permission.MANAGE_PROGRAMS)
    with db.session() as session:
        program = row_for_update(
            session,
            Program,
            program_id,
            expected_version,
            name="Program",
            conflict=lambda _p: (
                "Someone else changed this program since you opened it; nothing was saved. "
                "Reload the programs and try again."
            ),
        )
        if program.code in BUILTIN_CODES and draft.code != program.code:
            raise UserError(
                f"The code of a built-in program stays '{program.code}' (client files and "
                "rules refer to it); change its name instead."
            )
        _check(session, draft, program_id)
        before = draft_of(to_info(program))
        old_values = row_values(program)
        _apply(program, draft)
        changed = [
            f for f in ProgramDraft.__dataclass_fields__ if getattr(before, f) != getattr(draft, f)
        ]
        session.flush()
        audit.record(
            session,
            actor,
            "program.edit",
            "program",
            program.id,
            ",".join(changed),
            before=old_values,
            after=row_values(program),
        )
