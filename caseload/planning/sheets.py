"""Crew route sheets as read models: everything a printed sheet, a CSV or a calendar needs.

`build_crew_sheets(db, plan_id, actor)` reads a stored plan and returns one `CrewSheet` per crew
with stops, in route order, each with where to find the client, why they are visited today,
safety notes and a navigation link. Times are in the program's zone.

PHI-minimised sheets (for paper that leaves the building) carry initials instead of names and
no phone, date of birth or age; the location stays (the crew must find the client) and safety
notes stay (the crew must be safe).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from caseload import audit, settings
from caseload.actor import Actor
from caseload.enums import HousingStatus, PlaceKind
from caseload.errors import NotFoundError
from caseload.priority.service import rank_caseload
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Crew,
    Plan,
    PlanStop,
    Shift,
    Staff,
    Visit,
)
from routing.geo import LatLon

MAX_REASONS = 3


@dataclass(frozen=True, slots=True)
class SheetStop:
    """One stop on a crew's route, as printed."""

    seq: int
    client_id: int
    eta: datetime | None  # arrival, program zone
    departure: datetime | None
    window_start: datetime | None  # None: any time in the shift
    window_end: datetime | None
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
    driving_estimated: bool  # True: recomputed from straight-line distance, not the solver's

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


def _place_for(client: Client) -> ClientPlace | None:
    """The place the planner routes to: primary first, then a home (as planning.candidates)."""
    places = [p for p in client.places if p.lat is not None and p.lon is not None]
    places.sort(key=lambda p: (not p.is_primary, p.kind != PlaceKind.HOME.value, p.id))
    return places[0] if places else None


def location_of(client: Client) -> tuple[LatLon | None, str]:
    """Where to find the client and how to describe it: the street address for housed clients,
    the usual place with its description otherwise."""
    place = _place_for(client)
    where = (
        LatLon(place.lat, place.lon)
        if place is not None and place.lat is not None and place.lon is not None
        else None
    )
    address = ", ".join(
        x for x in (client.address, client.city, f"{client.state} {client.zip}".strip()) if x
    )
    if client.housing_status == HousingStatus.HOUSED.value and address:
        return where, address
    if place is not None:
        label = place.label or place.kind.replace("_", " ")
        text = f"Usual place: {label}"
        if place.description:
            text += f" — {place.description}"
        return where, text
    return where, address or "No location on file"


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if moment is None else moment.astimezone(zone)


@dataclass(frozen=True, slots=True)
class _CrewHeader:
    members: tuple[str, ...]
    shift_start: datetime | None
    shift_end: datetime | None
    base_name: str
    base: LatLon | None


def _crew_headers(session: Session, on: date, names: set[str]) -> dict[str, _CrewHeader]:
    """Members, shift and base per crew name: the day's Crew rows, else a crew of one named
    after its member (the planner names a lone staff member's crew after them)."""
    shifts = {s.staff_id: s for s in session.scalars(select(Shift).where(Shift.shift_date == on))}
    crews = list(
        session.scalars(
            select(Crew).where(Crew.crew_date == on).options(selectinload(Crew.members))
        )
    )
    member_ids = {m.staff_id for c in crews for m in c.members}
    staff = {
        s.id: s
        for s in session.scalars(select(Staff).where(Staff.id.in_(set(shifts) | member_ids)))
    }
    by_crew = {c.name: [m.staff_id for m in c.members] for c in crews}
    by_name = {s.name: s.id for s in staff.values() if s.id in shifts}
    out: dict[str, _CrewHeader] = {}
    for name in names:
        ids = by_crew.get(name)
        if ids is None:
            lone = by_name.get(name.rstrip("'"))
            ids = [lone] if lone is not None else []
        member_shifts = [shifts[i] for i in ids if i in shifts]
        lead = member_shifts[0] if member_shifts else None
        base = None
        if lead is not None and lead.base_lat is not None and lead.base_lon is not None:
            base = LatLon(lead.base_lat, lead.base_lon)
        out[name] = _CrewHeader(
            members=tuple(staff[i].name for i in ids if i in staff),
            shift_start=max((s.starts_at for s in member_shifts), default=None),
            shift_end=min((s.ends_at for s in member_shifts), default=None),
            base_name=lead.base_name if lead is not None else "",
            base=base,
        )
    return out


# --- the solver's route: driving time and return to base -------------------------------------


def _load_json(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _solver_route(
    problem: dict[str, Any], solution: dict[str, Any], crew_name: str, job_ids: list[int]
) -> dict[str, Any] | None:
    """The solution's route for this crew: the one serving exactly these jobs in this order,
    else the one whose vehicle is described by the crew's name."""
    routes = [r for r in solution.get("routes") or [] if isinstance(r, dict)]
    for route in routes:
        steps = route.get("steps") or []
        if [s.get("id") for s in steps if s.get("type") == "job"] == job_ids:
            return route
    named = {
        v.get("id")
        for v in problem.get("vehicles") or []
        if isinstance(v, dict) and v.get("description") == crew_name
    }
    return next((r for r in routes if r.get("vehicle") in named), None)


def _haversine_m(a: LatLon, b: LatLon) -> float:
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(min(1.0, h)))


def estimate_leg_s(a: LatLon, b: LatLon, program: ProgramSettings) -> int:
    """Straight-line distance x circuity at the configured speed, plus the per-leg overhead."""
    if a == b:
        return 0
    metres = _haversine_m(a, b) * program.circuity
    return round(metres / (program.speed_kmh / 3.6)) + program.leg_overhead_s


# --- the sheets -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Why:
    purpose: str
    reasons: tuple[str, ...]
    tier: str


def _priority_reasons(
    db: Database, on: date, actor: Actor, client_ids: list[int]
) -> dict[int, _Why]:
    """Tier, suggested purpose and the top reasons (most points first) per client, from the
    priority rules as they stand on the day."""
    if not client_ids:
        return {}
    return {
        p.client_id: _Why(
            purpose=p.purpose,
            reasons=tuple(r.label for r in p.reasons[:MAX_REASONS]),
            tier=p.tier.value,
        )
        for p in rank_caseload(db, on, actor, client_ids=client_ids)
    }


def build_crew_sheets(
    db: Database, plan_id: int, actor: Actor, *, phi_minimised: bool | None = None
) -> list[CrewSheet]:
    """One sheet per crew with stops in the stored plan `plan_id`, ordered by shift start then
    crew name. `phi_minimised` None: the program's default (ProgramSettings)."""
    with db.session() as session:
        program = settings.load_in(session, ProgramSettings)
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFoundError(f"Plan {plan_id} does not exist (it may have been deleted).")
        plan_date = plan.plan_date
        stops = list(
            session.scalars(
                select(PlanStop)
                .where(PlanStop.plan_id == plan_id, PlanStop.crew_name.is_not(None))
                .order_by(PlanStop.crew_name, PlanStop.seq)
            )
        )
        client_ids = sorted({s.client_id for s in stops})
    why = _priority_reasons(db, plan_date, actor, client_ids)
    with db.session() as session:
        sheets = _build(session, plan, stops, program, why, actor, phi_minimised)
        # Printing client details is a disclosure worth recording: who, which plan, which kind.
        kind = "phi-minimised" if any(s.phi_minimised for s in sheets) else "full"
        audit.record(
            session, actor, "plan.sheets", "plan", plan_id, f"{len(sheets)} crew sheet(s), {kind}"
        )
        return sheets


def _build(
    session: Session,
    plan: Plan,
    stops: list[PlanStop],
    program: ProgramSettings,
    why: dict[int, _Why],
    actor: Actor,
    phi_minimised: bool | None,
) -> list[CrewSheet]:
    minimised = program.phi_minimised_sheets if phi_minimised is None else phi_minimised
    zone = program.zone
    on = plan.plan_date
    clients = {
        c.id: c
        for c in session.scalars(
            select(Client)
            .where(Client.id.in_({s.client_id for s in stops}))
            .options(selectinload(Client.places))
        )
    }
    visits = _visits(session, on, stops)
    by_crew: dict[str, list[PlanStop]] = {}
    for stop in stops:
        assert stop.crew_name is not None
        by_crew.setdefault(stop.crew_name, []).append(stop)
    headers = _crew_headers(session, on, set(by_crew))
    problem, solution = _load_json(plan.problem_json), _load_json(plan.solution_json)
    printed_at = datetime.now(zone)
    origin = datetime.combine(on, time(0), tzinfo=zone)
    sheets: list[CrewSheet] = []
    for crew_name, crew_stops in by_crew.items():
        crew_stops.sort(key=lambda s: s.seq)
        rows = tuple(
            _sheet_stop(
                s,
                clients[s.client_id],
                visits.get(s.client_id),
                why.get(s.client_id),
                program,
                zone,
                on,
                minimised,
            )
            for s in crew_stops
        )
        header = headers[crew_name]
        route = _route_points(header.base, rows)
        solver = _solver_route(problem, solution, crew_name, [s.client_id for s in crew_stops])
        driving_s, finish_at, estimated = _totals(solver, origin, header.base, rows, program)
        sheets.append(
            CrewSheet(
                plan_id=plan.id,
                program_name=program.program_name,
                plan_date=on,
                timezone=program.timezone,
                crew_name=crew_name,
                members=header.members,
                shift_start=_aware(header.shift_start, zone),
                shift_end=_aware(header.shift_end, zone),
                base_name=header.base_name,
                base=header.base,
                plan_version=plan.version_no,
                printed_by=actor.user_id,
                printed_at=printed_at,
                phi_minimised=minimised,
                stops=rows,
                route=route,
                total_stops=len(rows),
                driving_s=driving_s,
                finish_at=finish_at,
                driving_estimated=estimated,
            )
        )
    far_future = datetime.max.replace(tzinfo=zone)
    sheets.sort(key=lambda s: (s.shift_start or far_future, s.crew_name))
    return sheets


def _visits(session: Session, on: date, stops: list[PlanStop]) -> dict[int, Visit]:
    """The visit behind each stop by client: the stop's own, else the client's visit that day."""
    ids = {s.visit_id for s in stops if s.visit_id is not None}
    found = {v.id: v for v in session.scalars(select(Visit).where(Visit.id.in_(ids)))}
    out = {s.client_id: found[s.visit_id] for s in stops if s.visit_id in found}
    missing = {s.client_id for s in stops} - set(out)
    if missing:
        for visit in session.scalars(
            select(Visit)
            .where(Visit.client_id.in_(missing), Visit.visit_date == on)
            .order_by(Visit.id)
        ):
            out.setdefault(visit.client_id, visit)
    return out


def _sheet_stop(
    stop: PlanStop,
    client: Client,
    visit: Visit | None,
    why: _Why | None,
    program: ProgramSettings,
    zone: ZoneInfo,
    on: date,
    minimised: bool,
) -> SheetStop:
    where, where_text = location_of(client)
    purpose = (visit.purpose if visit is not None else "") or (why.purpose if why else "")
    if not purpose and visit is not None:
        purpose = visit.visit_type.replace("_", " ").capitalize()
    return SheetStop(
        seq=stop.seq,
        client_id=client.id,
        eta=_aware(stop.arrival, zone),
        departure=_aware(stop.departure, zone),
        window_start=_aware(visit.window_start, zone) if visit is not None else None,
        window_end=_aware(visit.window_end, zone) if visit is not None else None,
        client_name=(
            initials(client.first_name, client.last_name)
            if minimised
            else f"{client.first_name} {client.last_name}".strip()
        ),
        age=None if minimised else age_on(client.date_of_birth, on),
        location_text=where_text,
        location=where,
        visit_purpose=purpose,
        reasons=why.reasons[:MAX_REASONS] if why is not None else (),
        tier=why.tier if why is not None else "",
        safety_notes=client.safety_notes.strip(),
        phone="" if minimised else client.phone.strip(),
        navigation_url=navigation_url(program.navigation_url, where) if where else "",
    )


def _route_points(base: LatLon | None, stops: Sequence[SheetStop]) -> tuple[LatLon, ...]:
    points = [s.location for s in stops if s.location is not None]
    if base is not None:
        points = [base, *points, base]
    return tuple(points)


def _totals(
    solver: dict[str, Any] | None,
    origin: datetime,
    base: LatLon | None,
    stops: Sequence[SheetStop],
    program: ProgramSettings,
) -> tuple[int, datetime | None, bool]:
    """(driving seconds, back-at-base time, estimated?) from the solver's route when it is
    stored, else estimated from straight-line distances."""
    last_departure = next((s.departure for s in reversed(stops) if s.departure), None)
    if solver is not None and isinstance(solver.get("duration"), int | float):
        end = next((s for s in solver.get("steps") or [] if s.get("type") == "end"), None)
        finish = last_departure
        if end is not None and isinstance(end.get("arrival"), int | float):
            finish = (origin + timedelta(seconds=int(end["arrival"]))).astimezone(origin.tzinfo)
        return int(solver["duration"]), finish, False
    points = _route_points(base, stops)
    driving = sum(estimate_leg_s(a, b, program) for a, b in itertools.pairwise(points))
    finish = last_departure
    last = next((s.location for s in reversed(stops) if s.location is not None), None)
    if finish is not None and base is not None and last is not None:
        finish = finish + timedelta(seconds=estimate_leg_s(last, base, program))
    return driving, finish, True
