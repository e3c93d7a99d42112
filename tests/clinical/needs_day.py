"""A small day built in code for the needs scenarios: staff on shift (alone or paired into
crews) and clients a few minutes apart, each client with the needs and consent the scenario
gives. Everything is written through the ORM as an import would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caseload.actor import local_actor
from caseload.enums import ConsentState, EventKind, HousingStatus, PlaceKind, ProgramCode, StaffRole
from caseload.planning.model import DayPlan
from caseload.planning.service import plan_day
from caseload.programs import ensure_default_programs
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Crew,
    CrewMember,
    Enrollment,
    Program,
    Shift,
    Staff,
    UtilizationEvent,
)
from routing import validate

ZONE_NAME = "America/New_York"  # the program's default zone
DAY = date(2026, 11, 18)  # a Wednesday
BASE = (35.9940, -78.8986)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: StaffRole = StaffRole.COMMUNITY_PARAMEDIC
    languages: str = "en"
    skills: str = ""  # comma-separated, beyond what the role gives


@dataclass(frozen=True, slots=True)
class Needs:
    peer_support: bool = False
    two_person: bool = False
    language: str = "en"
    interpreter: bool = False
    consent: ConsentState = ConsentState.GIVEN
    safety_notes: str = ""
    programs: tuple[ProgramCode, ...] = ()  # enrolled a week before the day
    overdose_hours_before_shift: float | None = None  # a non-fatal overdose, never seen since


@dataclass(frozen=True, slots=True)
class Day:
    """Crews: crew name -> members (one member: a crew of one, named after the crew)."""

    crews: dict[str, tuple[Person, ...]]
    clients: tuple[Needs, ...] = field(default=())


def write_day(db: Database, day: Day) -> list[str]:
    """Write `day`; returns the candidate keys of its clients, in order."""
    tz = ZoneInfo(ZONE_NAME)
    starts = datetime.combine(DAY, time(8, 0), tzinfo=tz)
    ends = datetime.combine(DAY, time(16, 0), tzinfo=tz)
    keys: list[str] = []
    with db.session() as s:
        ensure_default_programs(s)
        for crew_name, people in day.crews.items():
            staff = [
                Staff(name=p.name, role=p.role.value, languages=p.languages, skills=p.skills)
                for p in people
            ]
            s.add_all(staff)
            s.flush()
            for member in staff:
                s.add(
                    Shift(
                        staff_id=member.id,
                        shift_date=DAY,
                        starts_at=starts,
                        ends_at=ends,
                        base_name="Station 1",
                        base_lat=BASE[0],
                        base_lon=BASE[1],
                        break_minutes=0,
                    )
                )
            crew = Crew(crew_date=DAY, name=crew_name)
            crew.members = [CrewMember(staff_id=m.id, position=i) for i, m in enumerate(staff)]
            s.add(crew)
        for n, needs in enumerate(day.clients):
            client = Client(
                external_id=f"N{n:03d}",
                first_name=f"Client{n}",
                last_name="Scenario",
                date_of_birth=date(1960, 1, 1 + n),
                language=needs.language,
                housing_status=HousingStatus.HOUSED.value,
                address=f"{100 + n} Elm St",
                city="Durham",
                state="NC",
                zip="27701",
                safety_notes=needs.safety_notes,
                needs_peer_support=needs.peer_support,
                needs_interpreter=needs.interpreter,
                two_person_visit=needs.two_person,
                consent=needs.consent.value,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
            client.places = [
                ClientPlace(
                    kind=PlaceKind.HOME.value,
                    label="Home",
                    lat=BASE[0] + 0.004 * (n + 1),
                    lon=BASE[1] - 0.003 * (n % 3),
                    is_primary=True,
                )
            ]
            client.enrollments = [
                Enrollment(
                    program=s.scalars(select(Program).where(Program.code == code.value)).one(),
                    enrolled_on=DAY - timedelta(days=7),
                )
                for code in needs.programs
            ]
            s.add(client)
            s.flush()
            if needs.overdose_hours_before_shift is not None:
                at = starts - timedelta(hours=needs.overdose_hours_before_shift)
                s.add(
                    UtilizationEvent(
                        client_id=client.id, kind=EventKind.OVERDOSE.value, occurred_at=at
                    )
                )
            keys.append(f"c{client.id}")
    return keys


def plan(db: Database, keys: list[str]) -> DayPlan:
    """Plan the day with every client selected; the plan passes the independent validator."""
    result = plan_day(db, DAY, local_actor(), selected=keys, time_limit_s=60, solution_limit=100)
    assert result.basis is not None
    assert validate(result.basis.built.problem, result.basis.solution) == []
    return result


def crew_of(day_plan: DayPlan, key: str) -> str | None:
    """The crew whose route has `key`, None when it is not on a route."""
    return next((r.crew.name for r in day_plan.routes for s in r.stops if s.key == key), None)


def reason_for(day_plan: DayPlan, key: str) -> str:
    [reason] = [u.reason for u in day_plan.unassigned if u.candidate.key == key]
    return reason
