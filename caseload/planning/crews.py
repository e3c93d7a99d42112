"""Crews on shift for a day: who works together, when, from where, with which skills.

A crew is one or two staff (e.g. paramedic + peer-support specialist); its skills are its
members' (roles, skills and languages: `caseload.languages`) and `two_person` when two or more
work together. Crew rows for the day define the pairing; anyone on shift that day who is in no
crew works as a crew of one. Members marked out sick are left out; a crew with nobody left is
not on shift. Also the day's shifts as the crew editor loads them; its edits are saved by
`caseload.planning.crew_edits`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.enums import Skill
from caseload.store.database import Database
from caseload.store.models import Crew, CrewMember, Shift, Staff
from caseload.team.days import ROUTED_ROLES, ensure_day_in
from caseload.team.skills import Held, skills_on
from caseload.users.permissions import Permission, require
from routing.geo import LatLon


@dataclass(frozen=True, slots=True)
class CrewMemberInfo:
    staff_id: int
    name: str
    role: str
    shift_id: int
    shift_version: int


@dataclass(frozen=True, slots=True)
class CrewInfo:
    """A crew as the planner sees it. `name` is unique on the day and is the plan's crew key."""

    name: str
    crew_id: int | None  # None: a staff member on shift in no crew (a crew of one)
    members: tuple[CrewMemberInfo, ...]
    skills: frozenset[str]
    languages: frozenset[str]
    starts_at: datetime
    ends_at: datetime
    base_name: str
    base: LatLon | None
    break_earliest: datetime | None
    break_latest: datetime | None
    break_minutes: int
    vehicle: str = ""

    @property
    def member_names(self) -> str:
        return " + ".join(m.name for m in self.members)


def _split(csv: str) -> frozenset[str]:
    return frozenset(part.strip() for part in csv.split(",") if part.strip())


def _staff_skills(staff: Staff, on: date) -> frozenset[str]:
    """Role, skills list and certifications valid on `on` (`caseload.team.skills`)."""
    held = [Held(c.name, c.expires_on) for c in staff.certifications]
    return skills_on(on, staff.role, _split(staff.skills), held, staff.languages)


def _crew_from(
    name: str, crew_id: int | None, pairs: list[tuple[Staff, Shift]], vehicle: str = ""
) -> CrewInfo:
    # Working together means the overlap of the members' shifts; the first member's base.
    starts = max(shift.starts_at for _, shift in pairs)
    ends = min(shift.ends_at for _, shift in pairs)
    lead_shift = pairs[0][1]
    base = (
        LatLon(lead_shift.base_lat, lead_shift.base_lon)
        if lead_shift.base_lat is not None and lead_shift.base_lon is not None
        else None
    )
    skills: set[str] = set()
    languages: set[str] = set()
    for staff, shift in pairs:
        skills |= _staff_skills(staff, shift.shift_date)
        languages |= _split(staff.languages)
    if len(pairs) >= 2:
        skills.add(Skill.TWO_PERSON.value)  # a visit where two people must attend
    return CrewInfo(
        name=name,
        crew_id=crew_id,
        members=tuple(CrewMemberInfo(s.id, s.name, s.role, sh.id, sh.version) for s, sh in pairs),
        skills=frozenset(skills),
        languages=frozenset(languages),
        starts_at=starts,
        ends_at=ends,
        base_name=lead_shift.base_name,
        base=base,
        break_earliest=lead_shift.break_earliest,
        break_latest=lead_shift.break_latest,
        break_minutes=max(shift.break_minutes for _, shift in pairs),
        vehicle=vehicle,
    )


def crews_on_shift_in(session: Session, on: date) -> list[CrewInfo]:
    ensure_day_in(session, on)  # a day nobody set up yet: from the weekly pattern
    shifts = {
        shift.staff_id: shift
        for shift in session.scalars(
            select(Shift).where(Shift.shift_date == on, Shift.out_sick.is_(False))
        )
    }
    staff = {
        s.id: s
        for s in session.scalars(select(Staff).where(Staff.id.in_(shifts), Staff.active.is_(True)))
        if s.role in ROUTED_ROLES
    }
    crews: list[CrewInfo] = []
    placed: set[int] = set()
    members_by_crew: dict[int, list[int]] = defaultdict(list)
    crew_rows = list(session.scalars(select(Crew).where(Crew.crew_date == on).order_by(Crew.name)))
    for crew in crew_rows:
        for member in crew.members:
            members_by_crew[crew.id].append(member.staff_id)
    for crew in crew_rows:
        pairs = [
            (staff[sid], shifts[sid])
            for sid in members_by_crew[crew.id]
            if sid in staff and sid not in placed
        ]
        if not pairs or max(sh.starts_at for _, sh in pairs) >= min(sh.ends_at for _, sh in pairs):
            continue
        placed |= {s.id for s, _ in pairs}
        crews.append(_crew_from(crew.name, crew.id, pairs, crew.vehicle))
    taken = {c.name for c in crews}
    for sid in sorted(set(staff) - placed, key=lambda i: staff[i].name):
        name = staff[sid].name
        while name in taken:
            name += "'"
        taken.add(name)
        crews.append(_crew_from(name, None, [(staff[sid], shifts[sid])]))
    crews.sort(key=lambda c: (c.starts_at, c.name))
    return crews


def crews_on_shift(db: Database, on: date, actor: Actor) -> list[CrewInfo]:
    """Every crew working on `on`, sorted by start time then name."""
    require(actor, Permission.VIEW_PLAN)
    with db.session() as session:
        return crews_on_shift_in(session, on)


@dataclass(frozen=True, slots=True)
class ShiftInfo:
    """One staff member's shift on a day, for the crew editor (out-sick ones included)."""

    shift_id: int
    version: int
    staff_id: int
    staff_name: str
    role: str
    starts_at: datetime
    ends_at: datetime
    out_sick: bool
    crew_name: str


def shifts_on(db: Database, on: date, actor: Actor) -> list[ShiftInfo]:
    require(actor, Permission.VIEW_PLAN)
    with db.session() as session:
        ensure_day_in(session, on)
        crew_of = crew_names_in(session, on)
        rows = session.execute(
            select(Shift, Staff)
            .join(Staff, Staff.id == Shift.staff_id)
            .where(Shift.shift_date == on)
            .order_by(Shift.starts_at, Staff.name)
        )
        return [
            ShiftInfo(
                shift.id,
                shift.version,
                staff.id,
                staff.name,
                staff.role,
                shift.starts_at,
                shift.ends_at,
                shift.out_sick,
                crew_of.get(staff.id, ""),
            )
            for shift, staff in rows
            if staff.role in ROUTED_ROLES
        ]


def crew_names_in(session: Session, on: date) -> dict[int, str]:
    """Each staff member's crew name on `on`."""
    return dict(
        session.execute(
            select(CrewMember.staff_id, Crew.name)
            .join(Crew, Crew.id == CrewMember.crew_id)
            .where(Crew.crew_date == on)
        ).all()
    )
