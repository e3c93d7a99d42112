"""Crew route sheets as read models: everything a printed sheet, a CSV or a calendar needs.

`build_crew_sheets(db, plan_id, actor)` reads a stored plan (the plan read model as saved: crews,
stops, clock times, windows, purposes and reasons) and returns one `CrewSheet` per crew with
stops, in route order, each with where to find the client, why they are visited today, safety
notes and a navigation link. Only what identifies and protects the client (name, age, phone,
safety notes) is read from the client's record as it is now. Times are in the program's zone.

PHI-minimised sheets (for paper that leaves the building) carry initials instead of names and
no phone, date of birth or age; the location stays (the crew must find the client) and safety
notes stay (the crew must be safe).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caseload import audit, settings
from caseload.actor import Actor
from caseload.planning.model import CrewRoute, DayPlan, PlannedStop, stop_deadline_text
from caseload.planning.versions import load_plan
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import Client
from caseload.users.permissions import Permission, require
from routing.geo import LatLon

MAX_REASONS = 3


@dataclass(frozen=True, slots=True)
class SheetStop:
    """One stop on a crew's route, as printed."""

    seq: int
    client_id: int
    eta: datetime | None  # arrival, program zone
    departure: datetime | None
    window_start: datetime | None  # a hard slot (appointment); None: any time in the shift
    window_end: datetime | None
    deadline: str  # "due by 10:00" or "due 05:16, planned 08:40 (3 h 24 min late)"; "": none
    client_name: str  # full name, or initials ("A. L.") when PHI-minimised
    age: int | None  # None when PHI-minimised or unknown
    location_text: str
    location: LatLon | None
    visit_purpose: str
    reasons: tuple[str, ...]  # top priority reasons, at most MAX_REASONS
    tier: str  # "MUST", "HIGH", "ROUTINE"; "" when the client is no longer ranked
    safety_notes: str
    phone: str  # "" when PHI-minimised
    navigation_url: str  # "" when the location is unknown


@dataclass(frozen=True, slots=True)
class CrewSheet:
    """One crew's day: the header, the stops in order, the route and the totals."""

    plan_id: int
    program_name: str
    plan_date: date
    timezone: str
    crew_name: str
    members: tuple[str, ...]
    shift_start: datetime | None
    shift_end: datetime | None
    base_name: str
    base: LatLon | None
    plan_version: int
    printed_by: str
    printed_at: datetime
    phi_minimised: bool
    stops: tuple[SheetStop, ...]
    route: tuple[LatLon, ...]  # base -> stops -> base, skipping unknown positions
    total_stops: int
    driving_s: int
    finish_at: datetime | None  # back at base (or last departure when there is no base)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def initials(first_name: str, last_name: str) -> str:
    """'Ana', 'López' -> 'A. L.'; a missing part is left out."""
    parts = [_first_letter(first_name), _first_letter(last_name)]
    return " ".join(f"{p}." for p in parts if p)


def _first_letter(name: str) -> str:
    first = next((ch for ch in name.strip() if ch.isalnum()), "")
    upper = first.upper()
    return upper if len(upper) == 1 else first  # 'ß'.upper() is 'SS': keep one letter


def age_on(date_of_birth: date, on: date) -> int:
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def navigation_url(template: str, where: LatLon) -> str:
    """Fill a `{lat}`/`{lon}` template (e.g. 'geo:{lat},{lon}'); other braces are left alone."""
    return template.replace("{lat}", f"{where.lat:.6f}").replace("{lon}", f"{where.lon:.6f}")


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if moment is None else moment.astimezone(zone)


@dataclass(frozen=True, slots=True)
class ClientDetails:
    """What a sheet reads from the client's record as it is now (not saved with the plan)."""

    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    safety_notes: str


def _client_details(db: Database, client_ids: set[int]) -> dict[int, ClientDetails]:
    with db.session() as session:
        return {
            c.id: ClientDetails(
                c.first_name, c.last_name, c.date_of_birth, c.phone.strip(), c.safety_notes.strip()
            )
            for c in session.scalars(select(Client).where(Client.id.in_(client_ids)))
        }


def build_crew_sheets(
    db: Database, plan_id: int, actor: Actor, *, phi_minimised: bool | None = None
) -> list[CrewSheet]:
    """One sheet per crew with stops in the stored plan `plan_id`, ordered by shift start then
    crew name. `phi_minimised` None: the program's default (ProgramSettings)."""
    require(actor, Permission.VIEW_PLAN)
    program = settings.load(db, ProgramSettings)
    plan = load_plan(db, plan_id, actor)
    clients = _client_details(db, {s.client_id for r in plan.routes for s in r.stops})
    sheets = crew_sheets(plan, clients, program, actor, phi_minimised)
    with db.session() as session:
        # Printing client details is a disclosure worth recording: who, which plan, which kind.
        kind = "phi-minimised" if any(s.phi_minimised for s in sheets) else "full"
        audit.record(
            session, actor, "plan.sheets", "plan", plan_id, f"{len(sheets)} crew sheet(s), {kind}"
        )
    return sheets


def crew_sheets(
    plan: DayPlan,
    clients: dict[int, ClientDetails],
    program: ProgramSettings,
    actor: Actor,
    phi_minimised: bool | None,
) -> list[CrewSheet]:
    """The sheets of a saved `plan` (pure): one per crew with stops, by shift start then name."""
    require(actor, Permission.VIEW_PLAN)
    minimised = program.phi_minimised_sheets if phi_minimised is None else phi_minimised
    zone = program.zone
    printed_at = datetime.now(zone)
    sheets = [
        _sheet(plan, route, clients, program, actor, minimised, printed_at)
        for route in plan.routes
        if route.stops
    ]
    far_future = datetime.max.replace(tzinfo=zone)
    sheets.sort(key=lambda s: (s.shift_start or far_future, s.crew_name))
    return sheets


def _sheet(
    plan: DayPlan,
    route: CrewRoute,
    clients: dict[int, ClientDetails],
    program: ProgramSettings,
    actor: Actor,
    minimised: bool,
    printed_at: datetime,
) -> CrewSheet:
    zone = program.zone
    crew = route.crew
    rows = tuple(
        _sheet_stop(stop, clients.get(stop.client_id), program, plan.plan_date, minimised)
        for stop in route.stops
    )
    assert plan.plan_id is not None and plan.version_no is not None
    return CrewSheet(
        plan_id=plan.plan_id,
        program_name=program.program_name,
        plan_date=plan.plan_date,
        timezone=program.timezone,
        crew_name=crew.name,
        members=tuple(m.name for m in crew.members),
        shift_start=_aware(crew.starts_at, zone),
        shift_end=_aware(crew.ends_at, zone),
        base_name=crew.base_name,
        base=crew.base,
        plan_version=plan.version_no,
        printed_by=actor.user_id,
        printed_at=printed_at,
        phi_minimised=minimised,
        stops=rows,
        route=_route_points(crew.base, rows),
        total_stops=len(rows),
        driving_s=route.travel_s,
        # Back at base as planned; with no base the day ends at the last departure.
        finish_at=_aware(route.returns if crew.base is not None else None, zone)
        or next((s.departure for s in reversed(rows) if s.departure), None),
    )


def _sheet_stop(
    stop: PlannedStop,
    client: ClientDetails | None,
    program: ProgramSettings,
    on: date,
    minimised: bool,
) -> SheetStop:
    zone = program.zone
    window_start = window_end = None
    if stop.window is not None:
        window_start = _aware(stop.window[0], zone)
        window_end = _aware(stop.window[1], zone)
    if client is None:  # deleted since the plan was saved: the plan's own words only
        first, _, last = stop.name.partition(" ")
        name = initials(first, last) if minimised else stop.name
        age, phone, safety = None, "", ""
    else:
        name = (
            initials(client.first_name, client.last_name)
            if minimised
            else f"{client.first_name} {client.last_name}".strip()
        )
        age = None if minimised else age_on(client.date_of_birth, on)
        phone = "" if minimised else client.phone
        safety = client.safety_notes
    return SheetStop(
        seq=stop.seq,
        client_id=stop.client_id,
        eta=_aware(stop.start, zone),
        departure=_aware(stop.departure, zone),
        window_start=window_start,
        window_end=window_end,
        deadline=stop_deadline_text(stop, zone),
        client_name=name,
        age=age,
        location_text=stop.location_text,
        location=stop.location,
        visit_purpose=stop.purpose,
        reasons=stop.reasons[:MAX_REASONS],
        tier=stop.tier.value,
        safety_notes=safety,
        phone=phone,
        navigation_url=(
            navigation_url(program.navigation_url, stop.location) if stop.location else ""
        ),
    )


def _route_points(base: LatLon | None, stops: Sequence[SheetStop]) -> tuple[LatLon, ...]:
    points = [s.location for s in stops if s.location is not None]
    if base is not None:
        points = [base, *points, base]
    return tuple(points)
