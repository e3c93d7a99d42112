"""The one loader of the report: plain, frozen rows for the measures (no ORM outside here).

Every measure reads only these rows, so when referrals, outcomes or program deadlines gain
fields, only this loader changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caseload import settings
from caseload.priority.engine import compute_priority
from caseload.priority.rules import PriorityRules
from caseload.priority.service import default_now, load_facts
from caseload.reports.costs import UnitCosts
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    Enrollment,
    Program,
    Referral,
    Staff,
    UtilizationEvent,
    Visit,
)


@dataclass(frozen=True, slots=True)
class ClientRow:
    id: int
    date_of_birth: date
    zip: str
    housing_status: str
    clinician_id: int | None


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    client_id: int
    program: str  # program code
    enrolled_on: date
    ended_on: date | None
    end_kind: str = ""  # an EnrollmentEnd value ("graduated", "disenrolled"), "" while open
    end_reason: str = ""  # why, in the user's words (disenrolments always have one)


@dataclass(frozen=True, slots=True)
class ReferralRow:
    client_id: int
    source: str
    referred_at: datetime


@dataclass(frozen=True, slots=True)
class VisitRow:
    client_id: int
    program: str | None
    visit_date: date
    status: str
    staff_id: int | None
    completed_at: datetime | None  # set for completed visits only
    ended_at: datetime | None = None  # when the crew left (completed or transported visits)


@dataclass(frozen=True, slots=True)
class EventRow:
    client_id: int
    kind: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything a report reads. `clients` etc. are already narrowed to the program and
    clinician asked for (see `narrow`); events keep their aware times, dates use `zone`."""

    clients: Sequence[ClientRow]
    enrollments: Sequence[EnrollmentRow]
    referrals: Sequence[ReferralRow]
    visits: Sequence[VisitRow]
    events: Sequence[EventRow]
    programs: dict[str, str]  # code -> name
    staff: dict[int, str]  # id -> name (only for the clinician filter's label)
    first_contact_hours: dict[str, float]  # program code -> deadline; "" -> the default
    zone: ZoneInfo
    costs: UnitCosts
    # Each ranked client's priority tier (a Tier value) on the report's last day; clients not
    # ranked that day (inactive, discharged) are absent.
    tiers: dict[int, str] = field(default_factory=dict)

    def deadline_hours(self, program: str | None) -> float:
        return self.first_contact_hours.get(program or "", self.first_contact_hours[""])


def load_report_data(db: Database, tiers_on: date | None = None) -> ReportData:
    """All rows the measures need (one read-only unit of work); with `tiers_on`, also every
    active client's priority tier on that day (ranked as the caseload page ranks it)."""
    with db.session() as session:
        zone = settings.load_in(session, ProgramSettings).zone
        rules = settings.load_in(session, PriorityRules)
        tiers: dict[int, str] = {}
        if tiers_on is not None:
            moment = default_now(tiers_on, zone)
            tiers = {
                f.client_id: compute_priority(f, moment, tiers_on, rules).tier.value
                for f in load_facts(session, tiers_on, moment, rules)
            }
        costs = settings.load_in(session, UnitCosts)
        clients = [
            ClientRow(r.id, r.date_of_birth, r.zip or "", r.housing_status, r.clinician)
            for r in session.execute(
                select(
                    Client.id,
                    Client.date_of_birth,
                    Client.zip,
                    Client.housing_status,
                    Client.assigned_clinician_id.label("clinician"),
                )
            )
        ]
        programs = {r.code: r.name for r in session.execute(select(Program.code, Program.name))}
        enrollments = [
            EnrollmentRow(r.client_id, r.code, r.enrolled_on, r.ended_on, r.end_kind, r.end_reason)
            for r in session.execute(
                select(
                    Enrollment.client_id,
                    Program.code,
                    Enrollment.enrolled_on,
                    Enrollment.ended_on,
                    Enrollment.end_kind,
                    Enrollment.end_reason,
                ).join(Program, Program.id == Enrollment.program_id)
            )
        ]
        referrals = [
            ReferralRow(r.client_id, r.source, r.referred_at)
            for r in session.execute(
                select(Referral.client_id, Referral.source, Referral.referred_at)
            )
        ]
        visits = [
            VisitRow(
                r.client_id,
                r.code,
                r.visit_date,
                r.status,
                r.staff_id,
                r.completed_at,
                r.ended_at,
            )
            for r in session.execute(
                select(
                    Visit.client_id,
                    Program.code,
                    Visit.visit_date,
                    Visit.status,
                    Visit.staff_id,
                    Visit.completed_at,
                    Visit.ended_at,
                ).outerjoin(Program, Program.id == Visit.program_id)
            )
        ]
        events = [
            EventRow(r.client_id, r.kind, r.occurred_at)
            for r in session.execute(
                select(
                    UtilizationEvent.client_id, UtilizationEvent.kind, UtilizationEvent.occurred_at
                )
            )
        ]
        staff = {r.id: r.name for r in session.execute(select(Staff.id, Staff.name))}
    # Today every program shares the priority rules' first-contact deadline; a per-program
    # deadline column would be read here (and the "" default kept for programs without one).
    return ReportData(
        clients=clients,
        enrollments=enrollments,
        referrals=referrals,
        visits=visits,
        events=events,
        programs=programs,
        staff=staff,
        first_contact_hours={"": rules.first_contact_hours},
        zone=zone,
        costs=costs,
        tiers=tiers,
    )


def narrow(data: ReportData, program: str | None, clinician_id: int | None) -> ReportData:
    """The rows about one program's clients and/or one clinician's caseload and visits."""
    keep: set[int] = {c.id for c in data.clients}
    enrollments = list(data.enrollments)
    visits = list(data.visits)
    if program is not None:
        enrollments = [e for e in enrollments if e.program == program]
        keep &= {e.client_id for e in enrollments}
        visits = [v for v in visits if v.program in (program, None)]
    if clinician_id is not None:
        keep &= {c.id for c in data.clients if c.clinician_id == clinician_id}
        visits = [v for v in visits if v.staff_id == clinician_id]
    return ReportData(
        clients=[c for c in data.clients if c.id in keep],
        enrollments=[e for e in enrollments if e.client_id in keep],
        referrals=[r for r in data.referrals if r.client_id in keep],
        visits=[v for v in visits if v.client_id in keep],
        events=[e for e in data.events if e.client_id in keep],
        programs=data.programs,
        staff=data.staff,
        first_contact_hours=data.first_contact_hours,
        zone=data.zone,
        costs=data.costs,
        tiers={c: t for c, t in data.tiers.items() if c in keep},
    )
