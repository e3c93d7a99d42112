"""A small program built the way an agency builds its own (no demo): staff, a weekly pattern
of shifts, clients and events from CSV files through the importers (`rounds import
staff|shifts|clients|events`), so every day has its crews from the pattern.

A client's second usual place has no import yet: it is written through the ORM here. Days are
counted from the real today, because the client import enrols clients today.
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
from caseload.enums import PlaceKind
from caseload.importing.clients import import_clients
from caseload.importing.events import import_events
from caseload.importing.shifts import import_shifts
from caseload.importing.staff import import_staff
from caseload.planning.model import DayPlan
from caseload.planning.service import plan_day
from caseload.planning.versions import list_versions, save_plan
from caseload.programs import list_programs
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import Client, ClientPlace, Staff
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
    # Community paramedics (naloxone, vaccines) working every day 08:00-16:00 from Station 1,
    # each a crew of one named after them.
    staff_header = ["name", "role", "certifications", "home_station", "home_lat", "home_lon"]
    certified = "community_paramedic;naloxone_trainer;immunizer"
    people = [[n, "community_paramedic", certified, "Station 1", *map(str, BASE)] for n in staff]
    import_staff(db, actor, write_csv(folder / "staff.csv", staff_header, people))
    rota = [[n, "daily", "08:00", "16:00", "0", n] for n in staff]
    shift_header = ["staff", "days", "start", "end", "break_minutes", "crew"]
    import_shifts(db, actor, write_csv(folder / "shifts.csv", shift_header, rota))
    with db.session() as s:
        staff_ids = dict(s.execute(select(Staff.name, Staff.id)).all())
    return Program(db, zone, datetime.now(zone).date(), ids, staff_ids)


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
