"""A small, known caseload and rota for tests, seeded through the ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from caseload import settings
from caseload.enums import EventKind, HousingStatus, ProgramCode, StaffRole, VisitStatus
from caseload.programs import ensure_default_programs
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    Crew,
    CrewMember,
    Enrollment,
    Program,
    Shift,
    Staff,
    UtilizationEvent,
    Visit,
)


@dataclass(frozen=True, slots=True)
class Seed:
    day: date
    clients: dict[str, int]  # full name -> client id
    staff: dict[str, int]  # name -> staff id
    shifts: dict[str, int]  # staff name -> shift id on `day`


STAFF = (
    ("Ana Reyes", StaffRole.COMMUNITY_PARAMEDIC, (8, 16)),
    ("Ben Okoro", StaffRole.COMMUNITY_PARAMEDIC, (8, 16)),
    ("Cleo Park", StaffRole.PEER_SUPPORT, (10, 18)),
    ("Dee Walsh", StaffRole.NURSE, (12, 20)),
    ("Max Hale", StaffRole.PROGRAM_MANAGER, (9, 17)),
)
# first, last, housing, program, clinician, days since last completed visit (None: never)
CLIENTS = (
    (
        "Rosa",
        "Alvarez",
        HousingStatus.UNSHELTERED,
        ProgramCode.OVERDOSE_FOLLOWUP,
        "Ana Reyes",
        None,
    ),
    ("Sam", "Brooks", HousingStatus.HOUSED, ProgramCode.FALL_PREVENTION, "Ben Okoro", 60),
    ("Tina", "Chen", HousingStatus.SHELTERED, ProgramCode.HIGH_UTILIZER, "Ana Reyes", 3),
    ("Uma", "Diaz", HousingStatus.HOUSED, ProgramCode.HOMEBOUND_VACCINE, "Ana Reyes", 1),
    ("Vic", "Evans", HousingStatus.HOUSED, ProgramCode.CHRONIC_DISEASE, None, 2),
    ("Walt", "Fox", HousingStatus.HOUSED, ProgramCode.COMMUNITY_ADVOCACY, "Ben Okoro", 1),
)


def seed_caseload(db: Database) -> Seed:
    """Six clients (one MUST after an overdose yesterday, one overdue), five staff, and a day's
    rota: Ana + Cleo as 'Medic 1', Ben and Dee alone, the manager not routed."""
    zone = settings.load(db, ProgramSettings).zone
    day = datetime.now(zone).date()
    now = datetime.now(UTC)
    with db.session() as session:
        ensure_default_programs(session)
        session.flush()
        programs = {p.code: p.id for p in session.scalars(select(Program))}
        staff: dict[str, Staff] = {}
        shifts: dict[str, Shift] = {}
        for name, role, (start, end) in STAFF:
            member = Staff(name=name, role=role.value)
            session.add(member)
            session.flush()
            staff[name] = member
            shift = Shift(
                staff_id=member.id,
                shift_date=day,
                starts_at=datetime.combine(day, time(start), tzinfo=zone),
                ends_at=datetime.combine(day, time(end), tzinfo=zone),
            )
            session.add(shift)
            shifts[name] = shift
        crew = Crew(crew_date=day, name="Medic 1")
        crew.members = [
            CrewMember(staff_id=staff["Ana Reyes"].id, position=0),
            CrewMember(staff_id=staff["Cleo Park"].id, position=1),
        ]
        session.add(crew)
        clients: dict[str, Client] = {}
        for i, (first, last, housing, program, clinician, seen) in enumerate(CLIENTS, 1):
            client = Client(
                external_id=f"T-{i:03d}",
                first_name=first,
                last_name=last,
                date_of_birth=date(1970 + i, 1 + i, 10),
                housing_status=housing.value,
                address=f"{100 + i} Main St",
                city="Durham",
                zip="27701",
                safety_notes="Dog on property" if first == "Sam" else "",
                assigned_clinician_id=staff[clinician].id if clinician else None,
                created_at=now - timedelta(days=200),
            )
            # 70 days ago: inside the 12-week fall-prevention program (an enrolment past its
            # program's length is not active, for ranking and the caseload table alike).
            client.enrollments = [
                Enrollment(program_id=programs[program.value], enrolled_on=day - timedelta(70))
            ]
            session.add(client)
            session.flush()
            clients[f"{first} {last}"] = client
            if seen is not None:
                session.add(
                    Visit(
                        client_id=client.id,
                        visit_date=day - timedelta(days=seen),
                        visit_type="follow_up",
                        status=VisitStatus.COMPLETED.value,
                        staff_id=staff["Ana Reyes"].id,
                    )
                )
        session.add(
            UtilizationEvent(
                client_id=clients["Rosa Alvarez"].id,
                kind=EventKind.OVERDOSE.value,
                occurred_at=now - timedelta(hours=20),
                source="EMS",
            )
        )
        for hours in (30, 200, 400, 700, 900):
            session.add(
                UtilizationEvent(
                    client_id=clients["Tina Chen"].id,
                    kind=EventKind.CALL_911.value,
                    occurred_at=now - timedelta(hours=hours),
                )
            )
        session.flush()
        return Seed(
            day=day,
            clients={name: c.id for name, c in clients.items()},
            staff={name: s.id for name, s in staff.items()},
            shifts={name: s.id for name, s in shifts.items()},
        )
