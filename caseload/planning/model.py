"""The plan read model: a planned day as the planner, the route sheets and the exports see it.

A `DayPlan` is self-contained: crews as they were planned, stops with aware clock times,
windows and reasons, unplanned visits with their worded reasons. A plan computed or reopened in
this session also carries its `PlanBasis` (the routing problem, solution and id map) so manual
edits can re-time it without touching the database or the routing JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from caseload.enums import Tier
from caseload.planning.build import BuiltProblem, PlanEdits
from caseload.planning.candidates import Candidate
from caseload.planning.crews import CrewInfo
from routing.geo import LatLon
from routing.solution import Solution


@dataclass(frozen=True, slots=True)
class PlannedStop:
    key: str
    client_id: int
    visit_id: int | None
    seq: int
    name: str
    tier: Tier
    purpose: str
    reasons: tuple[str, ...]
    location: LatLon | None
    location_text: str
    arrival: datetime
    start: datetime  # arrival + waiting
    departure: datetime
    waiting_s: int
    service_s: int
    window: tuple[datetime, datetime] | None  # a hard slot (appointment)
    due_by: datetime | None  # first contact due (a soft deadline)
    pinned: bool
    locked: bool
    # Why a late MUST visit follows a less urgent one ("not earlier: ..."), else "".
    order_note: str = ""

    @property
    def lateness(self) -> timedelta:
        """How long after its deadline the visit is planned to start (at the planned start,
        not at the start of the day); zero when on time or without a deadline."""
        if self.due_by is None:
            return timedelta(0)
        return max(timedelta(0), self.start - self.due_by)

    @property
    def late(self) -> bool:
        return self.lateness > timedelta(0)


def deadline_text(due: datetime, planned: datetime | None, zone: tzinfo | None = None) -> str:
    """ "due by 10:00", or "due 05:16, planned 08:40 (3 h 24 min late)"; a deadline on
    another day than the planned start carries its weekday ("due Mon 17:00, ...")."""
    due_local = due.astimezone(zone)
    planned_local = None if planned is None else planned.astimezone(zone)
    when = f"{due_local:%H:%M}"
    if planned_local is not None and due_local.date() != planned_local.date():
        when = f"{due_local:%a %H:%M}"  # "due by 05:16" at 11:48 would read as late
    if planned is None or planned_local is None or planned <= due:
        return f"due by {when}"
    return f"due {when}, planned {planned_local:%H:%M} ({_duration(planned - due)} late)"


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{mins} min"] if mins or not parts else []
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class CrewRoute:
    crew: CrewInfo
    stops: tuple[PlannedStop, ...]
    travel_s: int
    leaves_base: datetime | None
    returns: datetime | None
    break_at: datetime | None


@dataclass(frozen=True, slots=True)
class UnassignedVisit:
    candidate: Candidate
    reason: str


@dataclass(frozen=True, slots=True)
class PlanBasis:
    """What a plan was read from: the built routing problem (with its id map) and the routing
    solution. Edits re-time against it; saving serialises it once."""

    built: BuiltProblem
    solution: Solution


@dataclass(frozen=True, slots=True)
class DayPlan:
    """A planned day as the planner and the route sheets see it."""

    plan_date: date
    routes: tuple[CrewRoute, ...]
    unassigned: tuple[UnassignedVisit, ...]
    travel_s: int
    served_priority: int
    status: str  # "optimal", "feasible", "cancelled", "time limit", "no solution", ...
    computing_time_s: float
    edits: PlanEdits = field(default_factory=PlanEdits)
    plan_id: int | None = None
    version_no: int | None = None
    created_by: str = ""
    created_at: datetime | None = None
    basis: PlanBasis | None = field(default=None, compare=False, repr=False)

    @property
    def served_count(self) -> int:
        return sum(len(r.stops) for r in self.routes)

    @property
    def keys(self) -> frozenset[str]:
        """Every visit in the plan, planned or not."""
        return frozenset(s.key for r in self.routes for s in r.stops) | frozenset(
            u.candidate.key for u in self.unassigned
        )

    def route_for(self, crew_name: str) -> CrewRoute:
        return next(r for r in self.routes if r.crew.name == crew_name)


@dataclass(frozen=True, slots=True)
class PlanVersionInfo:
    plan_id: int
    plan_date: date
    version_no: int
    created_at: datetime
    created_by: str
    note: str
    served: int
    unassigned: int


def stop_deadline_text(stop: PlannedStop, zone: tzinfo | None = None) -> str:
    """The stop's deadline line with how late it is planned and, for a late MUST visit after a
    less urgent one, why ("...; not earlier: ..."); "" without a deadline."""
    if stop.due_by is None:
        return ""
    text = deadline_text(stop.due_by, stop.start, zone)
    return f"{text}; {stop.order_note}" if stop.order_note else text
