"""A small program built the way an agency builds its own (no demo): clients and events from
CSV files through the importers, then staff on shift.

Staff, shifts and a client's second usual place have no public service on this branch yet (the
team branch adds `rounds import staff|shifts`): they are written through the ORM here, as those
imports would write them. Days are counted from the real today, because the client import
enrols clients today and the event import refuses times in the future.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caseload import settings
from caseload.actor import local_actor
from caseload.enums import PlaceKind, StaffRole
from caseload.importing.clients import import_clients
from caseload.importing.events import import_events
from caseload.planning.model import DayPlan
from caseload.planning.service import plan_day
from caseload.planning.versions import list_versions, save_plan
from caseload.programs import list_programs
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import Client, ClientPlace, Shift, Staff
from routing import validate

BASE = (35.9940, -78.8986)
OVERPASS = "Alston Ave overpass"
MISSION = "Durham Rescue Mission"

CLIENT_HEADER = [
    "external_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "address",
    "city",
    "state",
    "zip",
    "lat",
    "lon",
    "housing_status",
    "programs",
    "consent",
]
CLIENTS = [
    # An overdose yesterday: first contact due within 72 h. Unsheltered, two usual places.
    ["OD1", "Olu", "Dare", "1985-04-02", "", "Durham", "NC", "27701", "36.0000", "-78.8950",
     "unsheltered", "overdose_followup", "given"],
    ["FP1", "Fay", "Pine", "1941-09-12", "12 Elm St", "Durham", "NC", "27701", "36.0030",
     "-78.9020", "housed", "fall_prevention", "given"],
    ["HU1", "Hal", "Udo", "1958-01-30", "40 Oak Ave", "Durham", "NC", "27703", "35.9900",
     "-78.8900", "housed", "high_utilizer", "given"],
    ["CA1", "Cal", "Ames", "1970-06-05", "9 Main St", "Durham", "NC", "27701", "35.9970",
     "-78.9050", "housed", "community_advocacy", "given"],
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Program:
    db: Database
    zone: ZoneInfo
    today: date  # the real today: clients were enrolled on it
    ids: dict[str, int]  # external id -> client id
    staff: dict[str, int]  # staff name -> id

    def day(self, n: int) -> date:
        """Day n of the simulation (day 1 is tomorrow)."""
        return self.today + timedelta(days=n)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def key(self, external_id: str) -> str:
        return f"c{self.ids[external_id]}"

    def place_id(self, external_id: str, label: str) -> int:
        with self.db.session() as s:
            return s.scalars(
                select(ClientPlace.id).where(
                    ClientPlace.client_id == self.ids[external_id], ClientPlace.label == label
                )
            ).one()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def build_program(db: Database, folder: Path, staff: tuple[str, ...] = ("Medic 1",)) -> Program:
    actor = local_actor()
    list_programs(db)  # the default programs, as `rounds init` makes them
    zone = settings.load(db, ProgramSettings).zone
    import_clients(db, actor, write_csv(folder / "clients.csv", CLIENT_HEADER, CLIENTS))
    yesterday = datetime.now(zone) - timedelta(hours=20)
    events = [["OD1", "overdose", yesterday.isoformat(timespec="minutes")]]
    import_events(
        db, actor, write_csv(folder / "events.csv", ["external_id", "kind", "occurred_at"], events)
    )
    with db.session() as s:
        ids = dict(s.execute(select(Client.external_id, Client.id)).all())
        od = s.get(Client, ids["OD1"])
        assert od is not None
        od.places[0].label = OVERPASS
        od.places.append(
            ClientPlace(kind=PlaceKind.SHELTER.value, label=MISSION, lat=35.9925, lon=-78.9010)
        )
        people = [
            Staff(name=name, role=StaffRole.COMMUNITY_PARAMEDIC.value, skills="naloxone,vaccine")
            for name in staff
        ]
        s.add_all(people)
        s.flush()
        staff_ids = {p.name: p.id for p in people}
    return Program(db, zone, datetime.now(zone).date(), ids, staff_ids)


def put_on_shift(program: Program, on: date, names: tuple[str, ...] | None = None) -> None:
    """Everyone named works 08:00-16:00 from the station on `on` (a crew of one each)."""
    with program.db.session() as s:
        for name in names or tuple(program.staff):
            s.add(
                Shift(
                    staff_id=program.staff[name],
                    shift_date=on,
                    starts_at=program.at(on, 8),
                    ends_at=program.at(on, 16),
                    base_name="Station 1",
                    base_lat=BASE[0],
                    base_lon=BASE[1],
                    break_minutes=0,
                )
            )


def plan_and_save(program: Program, on: date, **kwargs: object) -> DayPlan:
    """Plan `on` (valid by the independent validator) and save it as a new version."""
    actor = local_actor()
    plan = plan_day(program.db, on, actor, time_limit_s=30, solution_limit=50, **kwargs)  # type: ignore[arg-type]
    assert plan.basis is not None
    assert validate(plan.basis.built.problem, plan.basis.solution) == []
    versions = list_versions(program.db, on, actor)
    return save_plan(
        program.db, actor, plan, based_on_version=versions[0].version_no if versions else None
    )


def stop_of(plan: DayPlan, key: str) -> tuple[str, int] | None:
    """(crew, position) of `key` on the plan, None when it is not routed."""
    for route in plan.routes:
        for n, stop in enumerate(route.stops):
            if stop.key == key:
                return route.crew.name, n
    return None
