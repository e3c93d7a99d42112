"""The demo program: a realistic, invented MIH/CP caseload around Durham, NC.

`create_demo` fills an empty database (or, with `replace=True`, one whose caseload it wipes
first) with a team, a 15-day rota, clients with places, enrollments, 911/ED/overdose/fall/
discharge history, referrals, past visits and fixed appointments, all dated relative to `today`.
The same seed and `today` give the same data. Everything is written in one transaction with bulk
inserts: a cancel or an error leaves the database exactly as it was.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.demo.area import with_demo_area
from caseload.demo.clients import build_clients
from caseload.demo.history import ClientRows
from caseload.demo.roster import ROTA_DAYS, Roster, build_roster
from caseload.enums import EventKind, HousingStatus, ProgramCode, VisitStatus
from caseload.errors import UserError
from caseload.programs import ensure_default_programs
from caseload.settings import ProgramSettings, load_in, save_in
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Crew,
    CrewMember,
    Enrollment,
    Plan,
    PlanStop,
    Program,
    Referral,
    Shift,
    Staff,
    UtilizationEvent,
    Visit,
)
from caseload.users.accounts import mark_demo_in

ProgressCallback = Callable[[int, int, str], None]
Row = dict[str, Any]

MIN_CLIENTS = 10
MAX_CLIENTS = 20_000
# Child tables first: the order in which `replace` empties the caseload.
CASELOAD_TABLES: tuple[type[Any], ...] = (
    PlanStop,
    Plan,
    Visit,
    Referral,
    UtilizationEvent,
    Enrollment,
    ClientPlace,
    Client,
    CrewMember,
    Crew,
    Shift,
    Staff,
)


class DemoCancelled(Exception):  # noqa: N818 - a user's cancel is not an error
    """The caller's cancel token was set; nothing was written."""


class DatabaseNotEmptyError(UserError):
    """The database already holds a caseload; the demo refuses to mix with it."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    seed: int
    today: date
    replaced: bool
    staff: int
    clinicians: int
    team_scaled: bool  # the team was grown to about one clinician per 100 clients
    active_clients: int
    discharged_clients: int
    unsheltered: int
    sheltered: int
    housed: int
    spanish_speakers: int
    familiar_faces: int
    recent_overdoses: int  # clients with a non-fatal overdose in the last 4 days
    recent_discharges: int  # clients discharged from hospital in the last 3 days
    recent_falls: int  # clients with a fall in the last 14 days
    enrollments: int
    events: int
    referrals: int
    past_visits: int
    appointments: int  # fixed appointments from today on
    appointments_today: int
    rota_days: int
    shifts: int
    crews: int

    def describe(self) -> str:
        """One paragraph for a person: what the demo contains."""
        team = (
            f"{self.staff} staff ({self.clinicians} clinicians"
            + (", grown to about one clinician per 100 clients" if self.team_scaled else "")
            + ")"
        )
        last_day = self.today + timedelta(days=self.rota_days - 1)
        return (
            f"Created a demo program around Durham, NC (seed {self.seed}, dated from "
            f"{self.today.isoformat()}): {team}; {self.active_clients} active clients "
            f"({self.unsheltered} unsheltered, {self.sheltered} in shelters, {self.housed} "
            f"housed; {self.spanish_speakers} Spanish speakers; {self.familiar_faces} familiar "
            f"faces) and {self.discharged_clients} discharged; {self.recent_overdoses} non-fatal "
            f"overdoses in the last 4 days, {self.recent_discharges} hospital discharges in the "
            f"last 3 days, {self.recent_falls} falls in the last 14 days; {self.events} "
            f"911/ED/overdose/fall/discharge events, {self.referrals} referrals, "
            f"{self.enrollments} enrollments, {self.past_visits} past visits and "
            f"{self.appointments} fixed appointments ({self.appointments_today} today); "
            f"{self.shifts} shifts in {self.crews} crews from {self.today.isoformat()} to "
            f"{last_day.isoformat()}. Everyone in it is invented."
        )


def caseload_counts(db: Database) -> tuple[int, int]:
    """(clients, staff) already in the database."""
    with db.session() as session:
        return _counts(session)


def _counts(session: Session) -> tuple[int, int]:
    clients = session.scalar(select(func.count()).select_from(Client)) or 0
    staff = session.scalar(select(func.count()).select_from(Staff)) or 0
    return clients, staff


def create_demo(
    db: Database,
    actor: Actor,
    *,
    seed: int = 7,
    clients: int = 150,
    today: date | None = None,
    replace: bool = False,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> DemoSummary:
    """Create the demo caseload (`clients` active clients) in one transaction.

    Refuses with `DatabaseNotEmptyError` when the database already has clients or staff,
    unless `replace` is set: then every client, visit, shift, crew, plan and staff member is
    deleted first (programs, settings and the address table are kept). Raises `DemoCancelled`
    when `cancel` is set; nothing is written then.
    """
    if not MIN_CLIENTS <= clients <= MAX_CLIENTS:
        raise UserError(
            f"The demo needs between {MIN_CLIENTS} and {MAX_CLIENTS} clients; got {clients}."
        )
    steps = 9

    def step(done: int, message: str) -> None:
        if cancel is not None and cancel.is_set():
            raise DemoCancelled("demo creation cancelled")
        if progress is not None:
            progress(done, steps, message)

    with db.session() as session:
        step(0, "Checking the database")
        existing_clients, existing_staff = _counts(session)
        if (existing_clients or existing_staff) and not replace:
            raise DatabaseNotEmptyError(
                f"This database already has {existing_clients} client(s) and {existing_staff} "
                "staff member(s); the demo only fills an empty database. Replace them to "
                "continue (rounds demo --replace deletes every client, visit, shift, crew, plan "
                "and staff member first), or choose another database with --db."
            )
        mark_demo_in(session, actor)  # opens without log-in; refuses real imports
        for table in CASELOAD_TABLES:
            session.execute(delete(table))
        program = load_in(session, ProgramSettings)
        if (demo_program := with_demo_area(program)) != program:  # the demo's county on maps
            save_in(session, demo_program, actor)
        zone = program.zone
        day = today if today is not None else datetime.now(zone).date()
        rng = random.Random(seed)
        step(1, "Building the team and rota")
        roster = build_roster(rng, clients, day, zone)
        step(2, "Building the caseload")
        rows, _ = build_clients(rng, roster, clients, day, zone)
        summary = summarise(seed, day, replace, roster, rows)
        _write(session, roster, rows, step)
        audit.record(
            session,
            actor,
            "demo.replace" if replace else "demo.create",
            "caseload",
            f"seed={seed}",
            json.dumps(asdict(summary), default=str),
        )
        step(steps, "Saving")
    return summary


def _insert(session: Session, model: type[Any], rows: list[Row]) -> None:
    """A Core executemany: one batched statement per table (the ORM's bulk path would split
    batches wherever a value is None, and RETURNING in parameter order is row by row on SQLite).
    Column defaults (e.g. the version counter) still apply."""
    if rows:
        session.execute(insert(model.__table__), rows)


def _resolve(
    rows: list[Row],
    staff_key: str,
    client_ids: list[int],
    staff_ids: list[int],
    program_ids: dict[str, int],
) -> list[Row]:
    """Replace the generator's placeholders with the database ids just inserted."""
    out: list[Row] = []
    for row in rows:
        resolved = {k: v for k, v in row.items() if not k.startswith("_")}
        if "_client" in row:
            resolved["client_id"] = client_ids[row["_client"]]
        if "_staff" in row:
            resolved[staff_key] = None if row["_staff"] is None else staff_ids[row["_staff"]]
        if "_program" in row:
            resolved["program_id"] = program_ids[row["_program"]]
        out.append(resolved)
    return out


def _write(
    session: Session, roster: Roster, rows: ClientRows, step: Callable[[int, str], None]
) -> None:
    step(3, "Saving programs and the team")
    ensure_default_programs(session)
    program_ids = {p.code: p.id for p in session.scalars(select(Program))}
    _insert(session, Staff, roster.staff_rows)
    by_name = dict(session.execute(select(Staff.name, Staff.id)).all())
    staff_ids = [by_name[row["name"]] for row in roster.staff_rows]
    step(4, "Saving shifts and crews")
    _insert(session, Shift, _resolve(roster.shift_rows, "staff_id", [], staff_ids, {}))
    _insert(session, Crew, [crew for crew, _ in roster.crews])
    crew_ids = {
        (day, name): crew_id
        for crew_id, day, name in session.execute(select(Crew.id, Crew.crew_date, Crew.name))
    }
    members = [
        {
            "crew_id": crew_ids[crew["crew_date"], crew["name"]],
            "staff_id": staff_ids[s],
            "position": n,
        }
        for crew, staff in roster.crews
        for n, s in enumerate(staff)
    ]
    _insert(session, CrewMember, members)
    step(5, "Saving clients")
    _insert(session, Client, _resolve(rows.clients, "assigned_clinician_id", [], staff_ids, {}))
    by_external = dict(session.execute(select(Client.external_id, Client.id)).all())
    client_ids = [by_external[row["external_id"]] for row in rows.clients]
    step(6, "Saving places, enrollments and referrals")
    # The demo's referrals are history: accepted when the client was enrolled.
    accepted = [{**r, "status": "accepted"} for r in rows.referrals]
    for model, table in (
        (ClientPlace, rows.places),
        (Enrollment, rows.enrollments),
        (Referral, accepted),
    ):
        _insert(session, model, _resolve(table, "", client_ids, staff_ids, program_ids))
    step(7, "Saving 911, ED, overdose, fall and discharge events")
    _insert(
        session, UtilizationEvent, _resolve(rows.events, "", client_ids, staff_ids, program_ids)
    )
    step(8, "Saving visits and appointments")
    _insert(session, Visit, _resolve(rows.visits, "staff_id", client_ids, staff_ids, program_ids))


def summarise(
    seed: int, today: date, replaced: bool, roster: Roster, rows: ClientRows
) -> DemoSummary:
    active = [c for c in rows.clients if c["active"]]

    def clients_with(kind: EventKind, days: int) -> int:
        since = today - timedelta(days=days)
        return len(
            {
                e["_client"]
                for e in rows.events
                if e["kind"] == kind.value
                and e["occurred_at"].date() >= since
                and rows.clients[e["_client"]]["active"]
            }
        )

    housing = [c["housing_status"] for c in active]
    familiar = {
        e["_client"]
        for e in rows.enrollments
        if e["_program"] == ProgramCode.HIGH_UTILIZER.value and e["ended_on"] is None
    }
    upcoming = [v for v in rows.visits if v["is_fixed_appointment"]]
    return DemoSummary(
        seed=seed,
        today=today,
        replaced=replaced,
        staff=len(roster.team),
        clinicians=len(roster.clinician_indices),
        team_scaled=roster.scaled,
        active_clients=len(active),
        discharged_clients=len(rows.clients) - len(active),
        unsheltered=housing.count(HousingStatus.UNSHELTERED.value),
        sheltered=housing.count(HousingStatus.SHELTERED.value),
        housed=housing.count(HousingStatus.HOUSED.value),
        spanish_speakers=sum(c["language"] == "es" for c in active),
        familiar_faces=len(familiar),
        recent_overdoses=clients_with(EventKind.OVERDOSE, 4),
        recent_discharges=clients_with(EventKind.HOSPITAL_DISCHARGE, 3),
        recent_falls=clients_with(EventKind.FALL, 14),
        enrollments=len(rows.enrollments),
        events=len(rows.events),
        referrals=len(rows.referrals),
        past_visits=sum(v["status"] != VisitStatus.PLANNED.value for v in rows.visits),
        appointments=len(upcoming),
        appointments_today=sum(v["visit_date"] == today for v in upcoming),
        rota_days=ROTA_DAYS,
        shifts=len(roster.shift_rows),
        crews=len(roster.crews),
    )
