"""Small, explicit caseloads for the rebalancing tests and benchmark (straight to the ORM)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from caseload.programs import ensure_default_programs
from caseload.store.database import Database
from caseload.store.models import Client, ClientPlace, Enrollment, Program, Shift, Staff, Visit

TODAY = date(2026, 3, 2)
DURHAM = (35.994, -78.899)


@dataclass(frozen=True, slots=True)
class StaffSpec:
    name: str
    lat: float
    lon: float
    role: str = "community_paramedic"
    skills: str = "paramedic,naloxone,vaccine"
    languages: str = "en"
    capacity: float = 36.0
    active: bool = True


@dataclass(frozen=True, slots=True)
class ClientSpec:
    external_id: str
    clinician: str | None  # staff name
    lat: float | None
    lon: float | None
    programs: tuple[str, ...] = ("chronic_disease",)
    language: str = "en"
    peer: bool = False
    locked: bool = False
    seen_recently: bool = False


def add_staff(db: Database, specs: list[StaffSpec]) -> dict[str, int]:
    with db.session() as session:
        rows = [
            Staff(
                name=s.name,
                role=s.role,
                skills=s.skills,
                languages=s.languages,
                base_name=f"{s.name} station",
                base_lat=s.lat,
                base_lon=s.lon,
                weekly_capacity_hours=s.capacity,
                active=s.active,
            )
            for s in specs
        ]
        session.add_all(rows)
        session.flush()
        return {r.name: r.id for r in rows}


def add_clients(db: Database, specs: list[ClientSpec], staff: dict[str, int]) -> dict[str, int]:
    created = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with db.session() as session:
        ensure_default_programs(session)
        programs = {p.code: p for p in session.query(Program)}
        rows: list[Client] = []
        for i, s in enumerate(specs):
            client = Client(
                external_id=s.external_id,
                first_name="Client",
                last_name=f"{i:04d}",
                date_of_birth=date(1960, 1, 1),
                language=s.language,
                needs_peer_support=s.peer,
                assigned_clinician_id=staff[s.clinician] if s.clinician else None,
                assignment_locked=s.locked,
                created_at=created,
            )
            if s.lat is not None and s.lon is not None:
                client.places.append(
                    ClientPlace(kind="home", lat=s.lat, lon=s.lon, is_primary=True)
                )
            for code in s.programs:
                client.enrollments.append(
                    Enrollment(program=programs[code], enrolled_on=TODAY - timedelta(days=10))
                )
            rows.append(client)
        session.add_all(rows)
        session.flush()
        for s, client in zip(specs, rows, strict=True):
            if s.seen_recently and s.clinician:
                session.add(
                    Visit(
                        client_id=client.id,
                        visit_date=TODAY - timedelta(days=3),
                        visit_type="follow_up",
                        status="completed",
                        staff_id=staff[s.clinician],
                    )
                )
        return {c.external_id: c.id for c in rows}


def add_shift(db: Database, staff_id: int, day: date, hours: float, *, sick: bool = False) -> None:
    start = datetime(day.year, day.month, day.day, 13, tzinfo=UTC)
    with db.session() as session:
        session.add(
            Shift(
                staff_id=staff_id,
                shift_date=day,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                break_minutes=0,
                out_sick=sick,
            )
        )


def random_caseload(
    db: Database, *, clients: int, clinicians: int, seed: int = 7
) -> tuple[dict[str, int], dict[str, int]]:
    """An unbalanced caseload around Durham: the first clinicians carry most clients."""
    rng = random.Random(seed)
    staff_specs = []
    for k in range(clinicians):
        lat = DURHAM[0] + rng.uniform(-0.12, 0.12)
        lon = DURHAM[1] + rng.uniform(-0.15, 0.15)
        spanish = k % 4 == 0
        staff_specs.append(
            StaffSpec(
                name=f"Clinician {k:02d}",
                lat=lat,
                lon=lon,
                role="peer_support" if k % 5 == 4 else "community_paramedic",
                skills="naloxone,vaccine" + (",spanish" if spanish else ""),
                languages="en,es" if spanish else "en",
                capacity=rng.choice([24.0, 32.0, 36.0, 40.0]),
            )
        )
    staff = add_staff(db, staff_specs)
    names = list(staff)
    codes = [
        "chronic_disease",
        "fall_prevention",
        "high_utilizer",
        "community_advocacy",
        "overdose_followup",
        "homebound_vaccine",
    ]
    client_specs = []
    for i in range(clients):
        # Skewed: clinician k gets weight 1/(k+1).
        owner = rng.choices(names, weights=[1 / (k + 1) for k in range(len(names))])[0]
        n_programs = rng.choice([1, 1, 1, 2])
        client_specs.append(
            ClientSpec(
                external_id=f"R{i:05d}",
                clinician=owner if rng.random() > 0.01 else None,
                lat=DURHAM[0] + rng.gauss(0, 0.06),
                lon=DURHAM[1] + rng.gauss(0, 0.08),
                programs=tuple(rng.sample(codes, n_programs)),
                language="es" if rng.random() < 0.08 else "en",
                peer=rng.random() < 0.05,
                locked=rng.random() < 0.05,
                seen_recently=rng.random() < 0.4,
            )
        )
    return staff, add_clients(db, client_specs, staff)
