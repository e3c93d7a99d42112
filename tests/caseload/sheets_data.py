"""A stored plan for route-sheet tests and the benchmark, saved through the real save path.

`make_plan_day` writes staff, shifts, crews, clients (housed and unsheltered) and visits, builds
the day's routing problem with a uniform 10-minute drive between places, times each crew's route
in a fixed order through routing's scheduler, and saves it as a version. It returns what the
tests check against: the plan id and, per crew, the stops in route order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseload.actor import Actor, Role
from caseload.enums import ConsentState, HousingStatus, PlaceKind, StaffRole, Tier, VisitType
from caseload.planning.build import PlanEdits, build_problem
from caseload.planning.candidates import Candidate, location_of
from caseload.planning.crews import crews_on_shift
from caseload.planning.model import PlannedStop
from caseload.planning.sheets import CrewSheet, SheetStop
from caseload.planning.translate import to_day_plan
from caseload.planning.versions import save_plan
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Crew,
    CrewMember,
    Shift,
    Staff,
    Visit,
)
from routing.geo import LatLon
from routing.schedule import schedule_with_breaks
from routing.solution import Solution, Unassigned, summarize

ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 11, 20)
BASE = (35.9940, -78.8986)  # a station in Durham, NC
LEG_S = 600  # every drive between two different places
REASONS = ("Follow-up due", "Unsheltered", "2 ED visits in 90 days", "Lives alone")
SCHEDULER = Actor(user_id="scheduler", role=Role.PROGRAM_MANAGER)

FIRST = ["Marisol", "Desmond", "Ingrid", "Tobias", "Yolanda", "Percival", "Zainab", "Evander"]
LAST = ["Quintero", "Okafor", "Haverford", "Lindqvist", "Abernathy", "Castellanos", "Fairbanks",
        "Muldoon"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ExpectedStop:
    seq: int
    client_id: int
    full_name: str
    initials: str
    phone: str
    date_of_birth: date
    arrival: datetime
    departure: datetime
    unsheltered: bool
    place_label: str
    address: str


@dataclass(frozen=True, slots=True)
class PlanDay:
    plan_id: int
    crews: dict[str, list[ExpectedStop]]
    members: dict[str, list[str]]


def _name(i: int) -> tuple[str, str]:
    first = FIRST[i % len(FIRST)]
    last = LAST[(i // len(FIRST) + i) % len(LAST)]
    return first, f"{last}{'' if i < 64 else i}"


def uniform_durations(locations: Sequence[LatLon]) -> NDArray[np.int64]:
    n = len(locations)
    return np.full((n, n), LEG_S, dtype=np.int64) - LEG_S * np.eye(n, dtype=np.int64)


def _candidate(client: Client, visit: Visit) -> Candidate:
    where, where_text = location_of(client)
    windows: tuple[tuple[datetime, datetime], ...] = ()
    if visit.window_start is not None and visit.window_end is not None:
        windows = ((visit.window_start, visit.window_end),)
    return Candidate(
        key=f"c{client.id}",
        client_id=client.id,
        visit_id=visit.id,
        name=f"{client.first_name} {client.last_name}",
        tier=Tier.HIGH,
        score=50.0,
        priority=80,
        purpose=visit.purpose,
        visit_type=visit.visit_type,
        reasons=REASONS,
        location=where,
        location_text=where_text,
        service_min=visit.duration_min,
        windows=windows,
        required_skills=frozenset(),
        consent=ConsentState.GIVEN,
        assigned_clinician_id=None,
        assigned_clinician="",
        due_by=None,
        selected=True,
    )


def make_plan_day(db: Database, *, crews: int = 2, stops_per_crew: int = 4) -> PlanDay:
    """A plan for DAY with `crews` crews of two and `stops_per_crew` stops each. Every third
    client is unsheltered (found at a usual place); every client has a phone and a DOB; the
    second stop of each crew has a fixed appointment window and safety notes. One more client
    is selected but left unplanned."""
    members: dict[str, list[str]] = {}
    orders: dict[str, list[Candidate]] = {}
    with db.session() as s:
        starts = datetime.combine(DAY, time(8, 0), tzinfo=ZONE)
        ends = datetime.combine(DAY, time(16, 30), tzinfo=ZONE)
        client_no = 0
        for k in range(crews):
            crew_name = f"Medic {k + 1}"
            pair = [
                Staff(name=f"Paula Medic{k + 1}", role=StaffRole.COMMUNITY_PARAMEDIC.value),
                Staff(name=f"Sam Peer{k + 1}", role=StaffRole.PEER_SUPPORT.value),
            ]
            s.add_all(pair)
            s.flush()
            for st in pair:
                s.add(
                    Shift(
                        staff_id=st.id,
                        shift_date=DAY,
                        starts_at=starts,
                        ends_at=ends,
                        base_name="Station 1 (Main St)",
                        base_lat=BASE[0],
                        base_lon=BASE[1],
                    )
                )
            crew = Crew(crew_date=DAY, name=crew_name)
            crew.members = [CrewMember(staff_id=st.id, position=i) for i, st in enumerate(pair)]
            s.add(crew)
            members[crew_name] = [st.name for st in pair]
            orders[crew_name] = []
            for j in range(stops_per_crew):
                first, last = _name(client_no)
                unsheltered = client_no % 3 == 2
                lat = BASE[0] + 0.01 * ((client_no * 7) % 11 - 5)
                lon = BASE[1] + 0.012 * ((client_no * 5) % 13 - 6)
                dob = date(1950 + client_no % 40, 1 + client_no % 12, 1 + client_no % 27)
                client = Client(
                    external_id=f"C{client_no:04d}",
                    first_name=first,
                    last_name=last,
                    date_of_birth=dob,
                    phone=f"919-555-{1000 + client_no:04d}",
                    housing_status=(
                        HousingStatus.UNSHELTERED.value
                        if unsheltered
                        else HousingStatus.HOUSED.value
                    ),
                    address="" if unsheltered else f"{100 + client_no} Elm St",
                    city="" if unsheltered else "Durham",
                    state="" if unsheltered else "NC",
                    zip="" if unsheltered else "27701",
                    safety_notes="Dog on premises; knock loudly" if j == 1 else "",
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
                label = f"Bridge camp {client_no}" if unsheltered else ""
                client.places = [
                    ClientPlace(
                        kind=PlaceKind.CAMP.value if unsheltered else PlaceKind.HOME.value,
                        label=label,
                        description="behind the library, blue tent" if unsheltered else "",
                        lat=lat,
                        lon=lon,
                        is_primary=True,
                    )
                ]
                s.add(client)
                s.flush()
                fixed = j == 1
                visit = Visit(
                    client_id=client.id,
                    visit_date=DAY,
                    visit_type=VisitType.FOLLOW_UP.value,
                    purpose=f"Follow-up visit {client_no}",
                    window_start=starts if fixed else None,
                    window_end=starts + timedelta(hours=4) if fixed else None,
                    is_fixed_appointment=fixed,
                    duration_min=30,
                )
                s.add(visit)
                s.flush()
                orders[crew_name].append(_candidate(client, visit))
                client_no += 1
        # A selected client left unplanned: never on any sheet.
        stray = Client(
            external_id="UNASSIGNED",
            first_name="Reginald",
            last_name="Unplaced",
            date_of_birth=date(1970, 1, 1),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        stray.places = [ClientPlace(kind=PlaceKind.HOME.value, lat=36.05, lon=-78.95)]
        s.add(stray)
        s.flush()
        stray_visit = Visit(
            client_id=stray.id,
            visit_date=DAY,
            visit_type=VisitType.FOLLOW_UP.value,
            purpose="Check-in",
            duration_min=30,
        )
        s.add(stray_visit)
        s.flush()
        left_out = _candidate(stray, stray_visit)
    plan_id, expected = _save(db, orders, left_out)
    return PlanDay(plan_id=plan_id, crews=expected, members=members)


def _save(
    db: Database, orders: dict[str, list[Candidate]], left_out: Candidate
) -> tuple[int, dict[str, list[ExpectedStop]]]:
    day_crews = crews_on_shift(db, DAY, SCHEDULER)
    chosen = [c for cands in orders.values() for c in cands] + [left_out]
    built = build_problem(DAY, ZONE, day_crews, chosen, uniform_durations)
    problem, ids = built.problem, built.ids
    routes = [
        schedule_with_breaks(
            problem, problem.vehicle(ids.vehicle_ids[name]), [ids.job_ids[c.key] for c in cands]
        )
        for name, cands in orders.items()
        if cands
    ]
    unassigned = [Unassigned(ids.job_ids[left_out.key], "left out for the test", "manual")]
    solution = Solution(tuple(routes), tuple(unassigned), summarize(problem, routes, unassigned))
    plan = to_day_plan(built, solution, PlanEdits(), status="feasible")
    saved = save_plan(db, SCHEDULER, plan, based_on_version=None)
    for based_on in (1, 2):  # the sheets print the third version of the day
        saved = save_plan(db, SCHEDULER, plan, based_on_version=based_on)
    assert saved.plan_id is not None
    with db.session() as s:
        query = (
            select(Client)
            .where(Client.id.in_({c.client_id for c in chosen}))
            .options(selectinload(Client.places))
        )
        names = {c.id: c for c in s.scalars(query)}
        expected = {
            route.crew.name: [_expected(stop, names[stop.client_id]) for stop in route.stops]
            for route in saved.routes
            if route.stops
        }
    return saved.plan_id, expected


def _expected(stop: PlannedStop, client: Client) -> ExpectedStop:
    unsheltered = client.housing_status == HousingStatus.UNSHELTERED.value
    return ExpectedStop(
        seq=stop.seq,
        client_id=client.id,
        full_name=f"{client.first_name} {client.last_name}",
        initials=f"{client.first_name[0]}. {client.last_name[0]}.",
        phone=client.phone,
        date_of_birth=client.date_of_birth,
        arrival=stop.start,
        departure=stop.departure,
        unsheltered=unsheltered,
        place_label=client.places[0].label,
        address=client.address,
    )


def sample_sheet(
    n_stops: int = 5, *, crew_name: str = "Medic 1", minimised: bool = False, first_client: int = 0
) -> CrewSheet:
    """A CrewSheet built in memory (no database): for exports, PDFs and the benchmark."""
    starts = datetime.combine(DAY, time(8, 0), tzinfo=ZONE)
    base = LatLon(*BASE)
    stops: list[SheetStop] = []
    for j in range(n_stops):
        i = first_client + j
        first, last = _name(i)
        where = LatLon(BASE[0] + 0.01 * ((i * 7) % 11 - 5), BASE[1] + 0.012 * ((i * 5) % 13 - 6))
        eta = starts + timedelta(minutes=20 + 12 * j)
        unsheltered = i % 3 == 2
        stops.append(
            SheetStop(
                seq=j + 1,
                client_id=1000 + i,
                eta=eta,
                departure=eta + timedelta(minutes=10),
                window_start=eta - timedelta(minutes=15) if j % 4 == 1 else None,
                window_end=eta + timedelta(minutes=45) if j % 4 == 1 else None,
                deadline="due 05:16, planned 08:40 (3 h 24 min late)" if j % 4 == 2 else "",
                client_name=f"{first[0]}. {last[0]}." if minimised else f"{first} {last}",
                age=None if minimised else 40 + i % 45,
                location_text=(
                    f"Usual place: Bridge camp {i} — behind the library, blue tent"
                    if unsheltered
                    else f"{100 + i} Elm St, Durham, NC 27701"
                ),
                location=where,
                visit_purpose="Overdose follow-up, naloxone kit"
                if i % 2
                else "Post-discharge check",
                reasons=("overdose 41 h ago", "unsheltered", "2 ED visits in 90 days")[: 1 + i % 3],
                tier=("MUST", "HIGH", "ROUTINE")[i % 3],
                safety_notes="Dog on premises; knock loudly" if j % 5 == 1 else "",
                phone="" if minimised else f"919-555-{1000 + i:04d}",
                navigation_url=f"geo:{where.lat:.6f},{where.lon:.6f}",
            )
        )
    last_dep = stops[-1].departure if stops else starts
    assert last_dep is not None
    return CrewSheet(
        plan_id=7,
        program_name="Durham County EMS — Community Paramedicine",
        plan_date=DAY,
        timezone="America/New_York",
        crew_name=crew_name,
        members=("Paula Medic", "Sam Peer"),
        shift_start=starts,
        shift_end=starts + timedelta(hours=8, minutes=30),
        base_name="Station 1 (Main St)",
        base=base,
        plan_version=3,
        printed_by="pm.jones",
        printed_at=datetime(2026, 11, 19, 22, 5, tzinfo=ZONE),
        phi_minimised=minimised,
        stops=tuple(stops),
        route=(base, *(s.location for s in stops if s.location is not None), base),
        total_stops=len(stops),
        driving_s=60 * (7 * n_stops + 5),
        finish_at=last_dep + timedelta(minutes=14),
    )
