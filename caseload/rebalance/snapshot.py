"""Read the caseload from the database into a `WorkloadSnapshot`: facts, hours and loads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from caseload.actor import Actor
from caseload.clinical import enrollment_active_on
from caseload.enums import VisitStatus
from caseload.languages import canonical_language
from caseload.priority.service import rank_caseload
from caseload.rebalance.rules import (
    CASELOAD_ROLES,
    Capabilities,
    Needs,
    split_list,
)
from caseload.rebalance.workload import (
    ClientFacts,
    ClientHours,
    ClinicianFacts,
    ClinicianLoad,
    ProgramLoad,
    RebalanceSettings,
    ShiftFacts,
    TravelKnobs,
    client_hours,
    clinician_loads,
    nearby_km,
    pair_hours,
    shift_hours_by_staff,
)
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import Client, Crew, CrewMember, Enrollment, Shift, Staff, Visit
from caseload.team.days import ensure_day_in
from caseload.team.skills import Held, skills_on
from caseload.users.permissions import Permission, require
from routing.geo import LatLon


@dataclass(frozen=True, slots=True)
class WorkloadSnapshot:
    """The caseload on `today` as the workload model sees it. Pure data; no session inside."""

    today: date
    settings: RebalanceSettings
    knobs: TravelKnobs
    acuity_source: str
    clinicians: tuple[ClinicianFacts, ...]
    clients: tuple[ClientFacts, ...]
    hours: Mapping[tuple[int, int], float] = field(repr=False)
    base_km: Mapping[tuple[int, int], float | None] = field(repr=False)
    _client_index: dict[int, ClientFacts] = field(init=False, repr=False, compare=False)
    _clinician_index: dict[int, ClinicianFacts] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_client_index", {c.client_id: c for c in self.clients})
        object.__setattr__(self, "_clinician_index", {c.clinician_id: c for c in self.clinicians})

    def clinician(self, clinician_id: int) -> ClinicianFacts:
        return self._clinician_index[clinician_id]

    def client(self, client_id: int) -> ClientFacts:
        return self._client_index[client_id]

    def breakdown(self, client_id: int, clinician_id: int) -> ClientHours:
        """How the client's hours would be made up if `clinician_id` carried them."""
        return client_hours(
            self.client(client_id), self.clinician(clinician_id), self.knobs, self.settings
        )

    def explain(self, client_id: int, clinician_id: int) -> str:
        return self.breakdown(client_id, clinician_id).explain(self.client(client_id), self.knobs)

    @property
    def assignment(self) -> dict[int, int | None]:
        return {c.client_id: c.clinician_id for c in self.clients}

    def loads(self, assignment: Mapping[int, int | None] | None = None) -> list[ClinicianLoad]:
        """Per-clinician hours for `assignment` (default: the current one)."""
        chosen = self.assignment if assignment is None else assignment
        return clinician_loads(self.clinicians, chosen, self.hours)


def _tiers(db: Database, today: date, actor: Actor) -> tuple[dict[int, str], str]:
    """Client id -> priority tier on `today` (the caseload's ranking rules)."""
    tiers = {p.client_id: str(p.tier) for p in rank_caseload(db, today, actor)}
    return tiers, f"priority tier on {today.isoformat()}"


def active_programs(client: Client, today: date) -> tuple[ProgramLoad, ...]:
    programs: list[ProgramLoad] = []
    for enrollment in sorted(client.enrollments, key=lambda e: (e.enrolled_on, e.id)):
        program = enrollment.program
        if not enrollment_active_on(
            today, enrollment.enrolled_on, enrollment.ended_on, program.duration_weeks
        ):
            continue
        if program.cadence_days <= 0:
            continue
        programs.append(
            ProgramLoad(
                code=program.code,
                name=program.name,
                cadence_days=program.cadence_days,
                visit_minutes=program.visit_minutes,
                required_skills=split_list(program.required_skills),
                peer_support_allowed=program.peer_support_allowed,
            )
        )
    return tuple(programs)


def _location(client: Client) -> LatLon | None:
    places = [p for p in client.places if p.lat is not None and p.lon is not None]
    primary = [p for p in places if p.is_primary] or places
    if not primary:
        return None
    place = primary[0]
    assert place.lat is not None and place.lon is not None
    return LatLon(place.lat, place.lon)


def _clinicians(
    session: Session, today: date, settings: RebalanceSettings
) -> tuple[ClinicianFacts, ...]:
    staff = session.scalars(
        select(Staff)
        .where(Staff.active.is_(True), Staff.role.in_(sorted(CASELOAD_ROLES)))
        .order_by(Staff.name, Staff.id)
    ).all()
    horizon = max(settings.shift_horizon_days, 1)
    end = today + timedelta(days=horizon)
    for offset in range(horizon):  # days nobody set up yet: from the weekly patterns
        ensure_day_in(session, today + timedelta(days=offset))
    crew_of: dict[tuple[int, date], int] = {
        (staff_id, day): crew_id
        for staff_id, day, crew_id in session.execute(
            select(CrewMember.staff_id, Crew.crew_date, Crew.id)
            .join(Crew, CrewMember.crew_id == Crew.id)
            .where(Crew.crew_date >= today, Crew.crew_date < end)
        )
    }
    scheduled: set[int] = set()
    worked_shifts: list[ShiftFacts] = []
    for shift in session.scalars(
        select(Shift).where(Shift.shift_date >= today, Shift.shift_date < end)
    ):
        scheduled.add(shift.staff_id)
        if not shift.out_sick:
            worked = (shift.ends_at - shift.starts_at).total_seconds() / 3600
            crew_id = crew_of.get((shift.staff_id, shift.shift_date))
            worked_shifts.append(
                ShiftFacts(
                    shift.staff_id,
                    shift.shift_date,
                    max(worked - shift.break_minutes / 60, 0.0),
                    crew_id,
                )
            )
    shift_hours = shift_hours_by_staff(worked_shifts)
    result: list[ClinicianFacts] = []
    for person in staff:
        base = (
            LatLon(person.base_lat, person.base_lon)
            if person.base_lat is not None and person.base_lon is not None
            else None
        )
        on_shift = person.id in scheduled
        result.append(
            ClinicianFacts(
                clinician_id=person.id,
                name=person.name,
                role=person.role,
                base=base,
                base_name=person.base_name,
                # Role, skills list and certifications valid today (`caseload.team.skills`).
                skills=skills_on(
                    today,
                    person.role,
                    split_list(person.skills),
                    [Held(c.name, c.expires_on) for c in person.certifications],
                    "",
                ),
                languages=split_list(person.languages),
                shift_hours_per_week=(
                    shift_hours.get(person.id, 0.0) * 7 / horizon
                    if on_shift
                    else person.weekly_capacity_hours
                ),
                capacity_source="shifts" if on_shift else "contract",
                reserve_fraction=settings.reserve_fraction,
            )
        )
    return tuple(result)


def _recent_contacts(
    session: Session, today: date, days: int, carried: Mapping[int, int | None]
) -> set[int]:
    """Clients whose current clinician completed a visit with them in the last `days` days."""
    rows = session.execute(
        select(Visit.client_id, Visit.staff_id).where(
            Visit.status == VisitStatus.COMPLETED.value,
            Visit.visit_date >= today - timedelta(days=days),
            Visit.visit_date <= today,
            Visit.staff_id.is_not(None),
        )
    )
    return {client_id for client_id, staff_id in rows if carried.get(client_id) == staff_id}


def load_snapshot(db: Database, actor: Actor, *, today: date | None = None) -> WorkloadSnapshot:
    """The caseload's workload on `today` (default: today in the program's zone)."""
    require(actor, Permission.REBALANCE)
    with db.session() as session:
        program = load_in(session, ProgramSettings)
        settings = load_in(session, RebalanceSettings)
    day = today or datetime.now(program.zone).date()
    tiers, acuity_source = _tiers(db, day, actor)
    knobs = TravelKnobs(
        circuity=program.circuity,
        speed_kmh=program.speed_kmh,
        leg_overhead_s=program.leg_overhead_s,
        stops_per_trip=settings.stops_per_trip,
    )
    with db.session() as session:
        clinicians = _clinicians(session, day, settings)
        known = {c.clinician_id for c in clinicians}
        rows = session.scalars(
            select(Client)
            .where(Client.active.is_(True))
            .options(
                selectinload(Client.places),
                selectinload(Client.enrollments).selectinload(Enrollment.program),
            )
            .order_by(Client.id)
        ).all()
        rows = [r for r in rows if r.discharged_on is None or r.discharged_on > day]
        carried = {
            r.id: (r.assigned_clinician_id if r.assigned_clinician_id in known else None)
            for r in rows
        }
        recent = _recent_contacts(session, day, settings.recent_contact_days, carried)
        locations = [_location(r) for r in rows]
        nearby = nearby_km(locations, settings.nearby_clients)
        clients = tuple(
            ClientFacts(
                client_id=r.id,
                external_id=r.external_id,
                name=f"{r.first_name} {r.last_name}".strip(),
                version=r.version,
                location=loc,
                programs=active_programs(r, day),
                tier=tiers.get(r.id),
                nearby_km=near,
                language=canonical_language(r.language),
                needs_peer_support=r.needs_peer_support,
                locked=r.assignment_locked,
                clinician_id=carried[r.id],
                seen_recently_by_current=r.id in recent,
            )
            for r, loc, near in zip(rows, locations, nearby, strict=True)
        )
    hours, base_km = pair_hours(clients, clinicians, knobs, settings)
    return WorkloadSnapshot(
        day, settings, knobs, acuity_source, clinicians, clients, hours, base_km
    )


def needs_of(facts: ClientFacts) -> Needs:
    return Needs(
        language=facts.language,
        peer_support=facts.needs_peer_support,
        skills=facts.required_skills,
        clinical_programs=clinical_programs(facts.programs),
    )


def clinical_programs(programs: Sequence[ProgramLoad]) -> tuple[str, ...]:
    """Names of the active programs a peer-support specialist may not carry."""
    return tuple(p.name for p in programs if not p.peer_support_allowed)


def capabilities_of(clinician: ClinicianFacts) -> Capabilities:
    return Capabilities.of(clinician.role, clinician.skills, clinician.languages)
