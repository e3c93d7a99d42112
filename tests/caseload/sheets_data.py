"""A stored plan built directly from ORM rows, for route-sheet tests and the benchmark.

`make_plan_day` writes staff, shifts, crews, clients (housed and unsheltered), visits, a Plan
with a VROOM-format solution, and its PlanStops, and returns what the tests need to check
against: the plan id and, per crew, the stops in route order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from caseload.enums import HousingStatus, PlaceKind, StaffRole, VisitType
from caseload.planning.sheets import CrewSheet, SheetStop
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Crew,
    CrewMember,
    Plan,
    PlanStop,
    Shift,
    Staff,
    Visit,
)
from routing.geo import LatLon

ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 11, 20)
BASE = (35.9940, -78.8986)  # a station in Durham, NC

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


def make_plan_day(
    db: Database, *, crews: int = 2, stops_per_crew: int = 4, with_solution: bool = True
) -> PlanDay:
    """A plan for DAY with `crews` crews of two and `stops_per_crew` stops each. Every third
    client is unsheltered (found at a usual place); every client has a phone and a DOB; the
    second stop of each crew has a fixed appointment window and safety notes."""
    expected: dict[str, list[ExpectedStop]] = {}
    members: dict[str, list[str]] = {}
    with db.session() as s:
        starts = datetime.combine(DAY, time(8, 0), tzinfo=ZONE)
        ends = datetime.combine(DAY, time(16, 30), tzinfo=ZONE)
        vehicles, routes, jobs = [], [], []
        plan = Plan(
            plan_date=DAY,
            version_no=3,
            created_at=datetime(2026, 11, 19, 22, 0, tzinfo=UTC),
            created_by="scheduler",
            problem_json="{}",
            solution_json="{}",
        )
        s.add(plan)
        s.flush()
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
            steps: list[dict[str, object]] = [{"type": "start", "arrival": 8 * 3600}]
            rows: list[ExpectedStop] = []
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
                arrival = starts + timedelta(minutes=20 + 40 * j)
                departure = arrival + timedelta(minutes=30)
                fixed = j == 1
                visit = Visit(
                    client_id=client.id,
                    visit_date=DAY,
                    visit_type=VisitType.FOLLOW_UP.value,
                    purpose=f"Follow-up visit {client_no}",
                    window_start=arrival - timedelta(minutes=15) if fixed else None,
                    window_end=arrival + timedelta(minutes=45) if fixed else None,
                    is_fixed_appointment=fixed,
                    duration_min=30,
                )
                s.add(visit)
                s.flush()
                s.add(
                    PlanStop(
                        plan_id=plan.id,
                        crew_name=crew_name,
                        seq=j + 1,
                        client_id=client.id,
                        visit_id=visit.id,
                        arrival=arrival,
                        departure=departure,
                    )
                )
                secs = int((arrival - datetime.combine(DAY, time(0), tzinfo=ZONE)).total_seconds())
                steps.append({"type": "job", "id": client.id, "arrival": secs, "service": 1800,
                              "waiting_time": 0})  # fmt: skip
                jobs.append({"id": client.id, "location": [lon, lat], "service": 1800})
                rows.append(
                    ExpectedStop(
                        seq=j + 1,
                        client_id=client.id,
                        full_name=f"{first} {last}",
                        initials=f"{first[0]}. {last[0]}.",
                        phone=client.phone,
                        date_of_birth=dob,
                        arrival=arrival,
                        departure=departure,
                        unsheltered=unsheltered,
                        place_label=label,
                        address=client.address,
                    )
                )
                client_no += 1
            last_secs = int(steps[-1]["arrival"]) + 1800  # type: ignore[call-overload]
            steps.append({"type": "end", "arrival": last_secs + 900})
            vehicles.append({"id": k + 1, "description": crew_name})
            routes.append({"vehicle": k + 1, "duration": 600 * (stops_per_crew + 1),
                           "steps": steps})  # fmt: skip
            expected[crew_name] = rows
        # An unassigned client: never on any sheet.
        stray = Client(
            external_id="UNASSIGNED",
            first_name="Reginald",
            last_name="Unplaced",
            date_of_birth=date(1970, 1, 1),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        s.add(stray)
        s.flush()
        problem = {"vehicles": vehicles, "jobs": jobs}
        solution = {"code": 0, "routes": routes} if with_solution else {}
        plan.problem_json = json.dumps(problem)
        plan.solution_json = json.dumps(solution)
        s.add(PlanStop(plan_id=plan.id, crew_name=None, seq=0, client_id=stray.id,
                       unassigned_reason="no crew with the skill"))  # fmt: skip
        plan_id = plan.id
    return PlanDay(plan_id=plan_id, crews=expected, members=members)


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
        driving_estimated=False,
    )
