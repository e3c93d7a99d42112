"""The team: staff members with role, certifications (with expiry), languages, home station,
contracted hours and active/inactive. Add and edit with validation and audit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import Values, row_values
from caseload.enums import Certification, Skill, StaffRole
from caseload.errors import UserError
from caseload.store.database import Database
from caseload.store.models import Staff, StaffCertification
from caseload.store.versioned import row_for_update
from caseload.team.skills import CERTIFICATION_LABELS, Held, skills_on
from caseload.users.permissions import Permission, allowed, require

EXPIRY_WARNING_DAYS = 30  # a certification expiring this soon is flagged on the Team page
MAX_WEEKLY_HOURS = 80.0


@dataclass(frozen=True, slots=True)
class StaffDraft:
    """A staff member as entered (a new one, or the new values of an existing one)."""

    name: str
    role: str
    certifications: tuple[Held, ...] = ()
    languages: tuple[str, ...] = ("en",)
    home_station: str = ""
    home_lat: float | None = None
    home_lon: float | None = None
    weekly_hours: float = 40.0
    active: bool = True
    extra_skills: tuple[str, ...] = ()  # skills beyond role and certifications (older data)


@dataclass(frozen=True, slots=True)
class StaffInfo:
    id: int
    version: int
    draft: StaffDraft
    skills: frozenset[str]  # on the day asked for
    expired: tuple[Held, ...] = ()  # on that day
    expiring: tuple[Held, ...] = field(default=())  # within EXPIRY_WARNING_DAYS

    @property
    def name(self) -> str:
        return self.draft.name


def staff_problems(draft: StaffDraft) -> list[str]:
    """Why `draft` cannot be saved, one sentence each (empty: it can)."""
    problems: list[str] = []
    if not draft.name.strip():
        problems.append("A staff member needs a name.")
    elif len(draft.name.strip()) > 120:
        problems.append("A name has at most 120 characters.")
    if draft.role not in {r.value for r in StaffRole}:
        allowed = ", ".join(r.value for r in StaffRole)
        problems.append(f"Role '{draft.role}' is not one of {allowed}.")
    names = [c.name for c in draft.certifications]
    for name in names:
        if name not in {c.value for c in Certification}:
            allowed = ", ".join(c.value for c in Certification)
            problems.append(f"Certification '{name}' is not one of {allowed}.")
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"Certification '{name}' is listed twice; keep one with its expiry.")
    for skill in draft.extra_skills:
        if skill not in {s.value for s in Skill}:
            problems.append(f"Skill '{skill}' is not one of {', '.join(s.value for s in Skill)}.")
    if not 0 <= draft.weekly_hours <= MAX_WEEKLY_HOURS:
        problems.append(f"Weekly contracted hours must be from 0 to {MAX_WEEKLY_HOURS:g}.")
    if (draft.home_lat is None) != (draft.home_lon is None):
        problems.append("Give both the home station's latitude and longitude, or neither.")
    if draft.home_lat is not None and not -90 <= draft.home_lat <= 90:
        problems.append("The home station's latitude must be from -90 to 90.")
    if draft.home_lon is not None and not -180 <= draft.home_lon <= 180:
        problems.append("The home station's longitude must be from -180 to 180.")
    if len(draft.home_station) > 120:
        problems.append("A home station's name has at most 120 characters.")
    return problems


def _draft_of(staff: Staff) -> StaffDraft:
    return StaffDraft(
        name=staff.name,
        role=staff.role,
        certifications=tuple(Held(c.name, c.expires_on) for c in staff.certifications),
        languages=tuple(x for x in staff.languages.split(",") if x),
        home_station=staff.base_name,
        home_lat=staff.base_lat,
        home_lon=staff.base_lon,
        weekly_hours=staff.weekly_capacity_hours,
        active=staff.active,
        extra_skills=tuple(x for x in staff.skills.split(",") if x),
    )


def info_of(staff: Staff, on: date) -> StaffInfo:
    draft = _draft_of(staff)
    soon = on + timedelta(days=EXPIRY_WARNING_DAYS)
    return StaffInfo(
        id=staff.id,
        version=staff.version,
        draft=draft,
        skills=skills_on(on, staff.role, draft.extra_skills, draft.certifications, staff.languages),
        expired=tuple(c for c in draft.certifications if not c.valid_on(on)),
        expiring=tuple(
            c
            for c in draft.certifications
            if c.valid_on(on) and c.expires_on is not None and c.expires_on <= soon
        ),
    )


def list_staff(db: Database, actor: Actor, on: date) -> list[StaffInfo]:
    """Every staff member (active first, then by name), with skills and expiry on `on`. The
    administrator reads it too: an account is linked to a staff member."""
    if not allowed(actor, Permission.MANAGE_USERS):
        require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        rows = session.scalars(select(Staff).order_by(Staff.active.desc(), Staff.name))
        return [info_of(s, on) for s in rows]


def _check(session: Session, draft: StaffDraft, staff_id: int | None) -> None:
    problems = staff_problems(draft)
    same = session.scalar(
        select(Staff.id).where(
            func.lower(Staff.name) == draft.name.strip().lower(),
            Staff.id != (staff_id if staff_id is not None else -1),
        )
    )
    if same is not None:
        problems.append(
            f"There is already a staff member called '{draft.name.strip()}'; names must be "
            "unique (shift files refer to staff by name)."
        )
    if problems:
        raise UserError("\n".join(problems))


def apply_draft(staff: Staff, draft: StaffDraft) -> None:
    """Copy `draft` onto `staff` (certifications replaced by the draft's)."""
    staff.name = draft.name.strip()
    staff.role = draft.role
    staff.languages = ",".join(dict.fromkeys(x.strip() for x in draft.languages if x.strip()))
    staff.base_name = draft.home_station.strip()
    staff.base_lat, staff.base_lon = draft.home_lat, draft.home_lon
    staff.weekly_capacity_hours = draft.weekly_hours
    staff.active = draft.active
    staff.skills = ",".join(draft.extra_skills)
    kept = {c.name: c for c in staff.certifications}
    staff.certifications = [_cert(kept.get(held.name), held) for held in draft.certifications]


def _cert(existing: StaffCertification | None, held: Held) -> StaffCertification:
    if existing is None:
        return StaffCertification(name=held.name, expires_on=held.expires_on)
    existing.expires_on = held.expires_on
    return existing


def add_staff(db: Database, actor: Actor, draft: StaffDraft) -> int:
    """Add a staff member; returns their id. UserError (nothing saved) when invalid."""
    require(actor, Permission.MANAGE_TEAM)
    with db.session() as session:
        _check(session, draft, None)
        staff = Staff(name="", role=draft.role)
        apply_draft(staff, draft)
        session.add(staff)
        session.flush()
        audit.record(
            session,
            actor,
            "staff.add",
            "staff",
            staff.id,
            f"role={staff.role}",
            after=_audit_values(staff),
        )
        return staff.id


def update_staff(
    db: Database, actor: Actor, staff_id: int, expected_version: int, draft: StaffDraft
) -> None:
    """Save new values for a staff member loaded at `expected_version`."""
    require(actor, Permission.MANAGE_TEAM)
    with db.session() as session:
        staff = row_for_update(
            session,
            Staff,
            staff_id,
            expected_version,
            name="Staff member",
            conflict=lambda _s: (
                "Someone else changed this staff member since you opened them; nothing was "
                "saved. Reload the team and try again."
            ),
        )
        _check(session, draft, staff_id)
        before = _draft_of(staff)
        old_values = _audit_values(staff)
        apply_draft(staff, draft)
        changed = [
            f for f in StaffDraft.__dataclass_fields__ if getattr(before, f) != getattr(draft, f)
        ]
        session.flush()
        audit.record(
            session,
            actor,
            "staff.edit",
            "staff",
            staff.id,
            ",".join(changed),
            before=old_values,
            after=_audit_values(staff),
        )


def _audit_values(staff: Staff) -> Values:
    """The staff row's columns plus its certifications (a related table) as one text."""
    held = [
        f"{c.name}" + (f" to {c.expires_on}" if c.expires_on else "") for c in staff.certifications
    ]
    return row_values(staff) | {"certifications": "; ".join(held)}


def certification_text(certifications: Sequence[Held]) -> str:
    """'Community Paramedic (to 2027-06-30); Naloxone trainer'."""
    parts = []
    for c in certifications:
        label = CERTIFICATION_LABELS.get(c.name, c.name)
        parts.append(label if c.expires_on is None else f"{label} (to {c.expires_on})")
    return "; ".join(parts)
