"""Planning a day: solve, read the result as crews' routes, store versions, reopen them.

`plan_day` is long work: it takes `progress(done, total, message)` and a cancel Event and runs
in a worker thread in the app. Saving never overwrites: each save is a new version, and a save
based on an older version than the newest raises `ConflictError` (two people planning the same
day from a shared database see each other instead of silently overwriting).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from caseload import audit, settings
from caseload.actor import Actor
from caseload.enums import Tier
from caseload.errors import ConflictError, NotFoundError, UserError
from caseload.planning.build import BuiltProblem, PlanEdits, build_problem
from caseload.planning.candidates import Candidate, day_candidates, preselect
from caseload.planning.crews import CrewInfo, crews_on_shift
from caseload.planning.travel import travel_time_provider
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import Plan, PlanStop
from routing import vroom_json
from routing.explain import NO_SKILL
from routing.geo import LatLon
from routing.solution import Solution, Unassigned
from routing.solve import ProgressInfo, solve

Progress = Callable[[int, int, str], None]
SEARCH_PROCESSES = 2


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
    window: tuple[datetime, datetime] | None
    window_is_deadline: bool  # the window is "by <end>" (first contact due), not a slot
    pinned: bool
    locked: bool


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
class DayPlan:
    """A planned day as the planner and the route sheets see it."""

    plan_date: date
    routes: tuple[CrewRoute, ...]
    unassigned: tuple[UnassignedVisit, ...]
    travel_s: int
    served_priority: int
    status: str  # "optimal", "feasible", "cancelled", "time limit", "no solution"
    computing_time_s: float
    problem_json: str
    solution_json: str
    plan_id: int | None = None
    version_no: int | None = None
    created_by: str = ""
    created_at: datetime | None = None
    # The problem this plan was read from, for re-timing manual edits (not stored).
    built: BuiltProblem | None = field(default=None, compare=False, repr=False)
    edits: PlanEdits = field(default_factory=PlanEdits)

    @property
    def served_count(self) -> int:
        return sum(len(r.stops) for r in self.routes)

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


def _status(solution: Solution) -> str:
    if solution.cancelled:
        return "cancelled"
    if not solution.feasible:
        return "no solution"
    if solution.optimal:
        return "optimal"
    return "time limit" if solution.time_limit_reached else "feasible"


def read_solution(
    built: BuiltProblem,
    solution: Solution,
    edits: PlanEdits,
    *,
    status: str | None = None,
) -> DayPlan:
    """Translate a routing solution into crews' routes with real times."""
    locked_keys = {key for keys in edits.locked.values() for key in keys}
    routes: list[CrewRoute] = []
    served_priority = 0
    by_job = {c.client_id: c for c in built.candidates}
    routed_vehicles = {route.vehicle_id: route for route in solution.routes}
    for vehicle_id, crew in enumerate(built.crews, start=1):
        route = routed_vehicles.get(vehicle_id)
        stops: list[PlannedStop] = []
        break_at = leaves = returns = None
        travel_s = 0
        if route is not None:
            travel_s = route.travel_s
            for step in route.steps:
                if step.type == "start":
                    leaves = built.at(step.departure_s)
                elif step.type == "end":
                    returns = built.at(step.arrival_s)
                elif step.type == "break":
                    break_at = built.at(step.arrival_s + step.waiting_s)
                elif step.type == "job" and step.id is not None:
                    cand = by_job[step.id]
                    served_priority += cand.priority
                    stops.append(
                        PlannedStop(
                            key=cand.key,
                            client_id=cand.client_id,
                            visit_id=cand.visit_id,
                            seq=len(stops) + 1,
                            name=cand.name,
                            tier=cand.tier,
                            purpose=cand.purpose,
                            reasons=cand.reasons,
                            location=cand.location,
                            location_text=cand.location_text,
                            arrival=built.at(step.arrival_s),
                            start=built.at(step.arrival_s + step.waiting_s),
                            departure=built.at(step.departure_s),
                            waiting_s=step.waiting_s,
                            service_s=step.service_s,
                            window=cand.windows[0] if cand.windows else None,
                            window_is_deadline=cand.window_is_deadline,
                            pinned=edits.pinned.get(cand.key) == crew.name,
                            locked=cand.key in locked_keys,
                        )
                    )
        routes.append(CrewRoute(crew, tuple(stops), travel_s, leaves, returns, break_at))
    unassigned = [UnassignedVisit(c, reason) for c, reason in built.unroutable]
    unassigned += [
        UnassignedVisit(by_job[u.job_id], explain_unassigned(built, u)) for u in solution.unassigned
    ]
    unassigned.sort(key=lambda u: (u.candidate.tier.rank, -u.candidate.score))
    problem_doc = vroom_json.problem_to_vroom(built.problem)
    problem_doc["x_rounds"] = {
        "date": built.origin.date().isoformat(),
        "origin": built.origin.isoformat(),
        "crews": [c.name for c in built.crews],
        "pinned": dict(edits.pinned),
        "locked": {k: list(v) for k, v in edits.locked.items()},
        "unroutable": {c.key: reason for c, reason in built.unroutable},
    }
    return DayPlan(
        plan_date=built.origin.date(),
        routes=tuple(routes),
        unassigned=tuple(unassigned),
        travel_s=sum(r.travel_s for r in routes),
        served_priority=served_priority,
        status=status or _status(solution),
        computing_time_s=solution.computing_time_s,
        problem_json=json.dumps(problem_doc),
        solution_json=json.dumps(vroom_json.solution_to_vroom(built.problem, solution)),
        built=built,
        edits=edits,
    )


SKILL_NAMES = {
    "spanish": "a Spanish speaker",
    "vaccine": "vaccine administration",
    "naloxone": "naloxone",
    "peer_support": "a peer-support specialist",
    "paramedic": "a paramedic",
    "wound_care": "wound care",
}


def explain_unassigned(built: BuiltProblem, item: Unassigned) -> str:
    """The routing reason in the program's words: skill and crew names instead of ids."""
    names = {i: name for name, i in built.skill_ids.items()}
    if item.code == NO_SKILL:
        job = built.problem.job(item.job_id)
        have = set().union(*(v.skills for v in built.problem.vehicles))
        missing = sorted(job.skills - have) or sorted(job.skills)
        needed = ", ".join(SKILL_NAMES.get(names[s], names[s]) for s in missing)
        if job.skills - have:
            return f"No crew on shift has {needed}, which this visit needs."
        return f"No single crew on shift has all of: {needed}."

    def crew_name(match: re.Match[str]) -> str:
        vehicle_id = int(match.group(1))
        if 1 <= vehicle_id <= len(built.crews):
            return built.crews[vehicle_id - 1].name
        return match.group(0)

    text = re.sub(r"crew (\d+)", crew_name, item.reason)
    return text[:1].upper() + text[1:]


def plan_day(
    db: Database,
    on: date,
    actor: Actor,
    *,
    selected: Sequence[str] | None = None,
    edits: PlanEdits | None = None,
    time_limit_s: float | None = None,
    crews: Sequence[CrewInfo] | None = None,
    candidates: Sequence[Candidate] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> DayPlan:
    """Plan `on` for the crews on shift. `selected` = candidate keys to visit (default: every
    MUST and as many HIGH as the crews have time for). Nothing is stored: call `save_plan`."""
    edits = edits or PlanEdits()
    program = settings.load(db, ProgramSettings)
    if crews is None:
        crews = crews_on_shift(db, on, actor)
    if candidates is None:
        candidates = day_candidates(db, on, actor)
    chosen_keys = set(selected) if selected is not None else preselect(candidates, crews)
    chosen_keys |= set(edits.pinned) | {k for keys in edits.locked.values() for k in keys}
    chosen = [c for c in candidates if c.key in chosen_keys]
    if not chosen:
        raise UserError(f"No visits are selected for {on:%a %d %b %Y}: pick at least one client.")
    limit = program.plan_time_limit_s if time_limit_s is None else time_limit_s
    if progress is not None:
        progress(0, 100, "Computing travel times…")
    provider = travel_time_provider(program)
    built = build_problem(
        on,
        program.zone,
        crews,
        chosen,
        lambda locs: provider.durations(locs, cancel=cancel),
        edits=edits,
    )

    def on_progress(info: ProgressInfo) -> None:
        if progress is not None:
            done = min(99, int(100 * info.elapsed_s / limit)) if limit > 0 else 99
            progress(
                done,
                100,
                f"{info.served_jobs} visits planned, {info.unassigned_jobs} not (yet) placed",
            )

    # Search in separate processes: both cores work, and OR-Tools (which holds the GIL between
    # callbacks) can never freeze the app's UI thread.
    workers = max(1, min(SEARCH_PROCESSES, os.cpu_count() or 1))
    solution = solve(
        built.problem, time_limit_s=limit, progress=on_progress, cancel=cancel, workers=workers
    )
    if progress is not None:
        progress(100, 100, "Done")
    return read_solution(built, solution, edits)


def _next_version(session_version: int | None) -> int:
    return (session_version or 0) + 1


def save_plan(
    db: Database, actor: Actor, plan: DayPlan, *, based_on_version: int | None, note: str = ""
) -> DayPlan:
    """Store `plan` as a new version of its day. `based_on_version` is the version the user
    started from (None for a first plan); if someone saved a newer one since, nothing is saved
    and ConflictError says who and when."""
    with db.session() as session:
        latest = session.scalars(
            select(Plan)
            .where(Plan.plan_date == plan.plan_date)
            .order_by(Plan.version_no.desc())
            .limit(1)
        ).first()
        latest_no = latest.version_no if latest is not None else None
        if latest is not None and latest_no != based_on_version:
            raise ConflictError(
                f"{latest.created_by} saved version {latest.version_no} of the plan for "
                f"{plan.plan_date:%a %d %b} at {latest.created_at.astimezone():%H:%M} while you "
                "were editing; nothing was saved. Open their version and re-apply your changes."
            )
        now = datetime.now(UTC)
        row = Plan(
            plan_date=plan.plan_date,
            version_no=_next_version(latest_no),
            created_at=now,
            created_by=actor.user_id,
            note=note,
            problem_json=plan.problem_json,
            solution_json=plan.solution_json,
        )
        for route in plan.routes:
            for stop in route.stops:
                row.stops.append(
                    PlanStop(
                        crew_name=route.crew.name,
                        seq=stop.seq,
                        client_id=stop.client_id,
                        visit_id=stop.visit_id,
                        arrival=stop.start,
                        departure=stop.departure,
                        pinned=stop.pinned,
                        locked=stop.locked,
                    )
                )
        for seq, item in enumerate(plan.unassigned, start=1):
            row.stops.append(
                PlanStop(
                    crew_name=None,
                    seq=seq,
                    client_id=item.candidate.client_id,
                    visit_id=item.candidate.visit_id,
                    unassigned_reason=item.reason,
                )
            )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "plan.save",
            "plan",
            row.id,
            f"{plan.plan_date} v{row.version_no}: {plan.served_count} stops",
            at=now,
        )
        plan_id, version_no = row.id, row.version_no
    return _with_identity(plan, plan_id, version_no, actor.user_id, now)


def _with_identity(
    plan: DayPlan, plan_id: int, version_no: int, created_by: str, created_at: datetime
) -> DayPlan:
    return replace(
        plan, plan_id=plan_id, version_no=version_no, created_by=created_by, created_at=created_at
    )


def list_versions(db: Database, on: date, actor: Actor) -> list[PlanVersionInfo]:
    """Every saved version of the plan for `on`, newest first."""
    with db.session() as session:
        served: dict[int, int] = {}
        unassigned: dict[int, int] = {}
        for plan_id, is_unassigned, count in session.execute(
            select(PlanStop.plan_id, PlanStop.crew_name.is_(None), func.count())
            .join(Plan, Plan.id == PlanStop.plan_id)
            .where(Plan.plan_date == on)
            .group_by(PlanStop.plan_id, PlanStop.crew_name.is_(None))
        ):
            (unassigned if is_unassigned else served)[plan_id] = count
        return [
            PlanVersionInfo(
                p.id,
                p.plan_date,
                p.version_no,
                p.created_at,
                p.created_by,
                p.note,
                served.get(p.id, 0),
                unassigned.get(p.id, 0),
            )
            for p in session.scalars(
                select(Plan).where(Plan.plan_date == on).order_by(Plan.version_no.desc())
            )
        ]


def load_plan(db: Database, plan_id: int, actor: Actor) -> DayPlan:
    """Reopen a stored version exactly as it was saved (crews and clients as of today)."""
    with db.session() as session:
        row = session.get(Plan, plan_id)
        if row is None:
            raise NotFoundError(f"Plan {plan_id} does not exist.")
        plan_date, version_no = row.plan_date, row.version_no
        created_by, created_at = row.created_by, row.created_at
        problem_doc = json.loads(row.problem_json)
        solution_doc = json.loads(row.solution_json)
    meta = problem_doc.get("x_rounds", {})
    edits = PlanEdits(
        pinned=dict(meta.get("pinned", {})),
        locked={k: tuple(v) for k, v in meta.get("locked", {}).items()},
    )
    program = settings.load(db, ProgramSettings)
    crews_by_name = {c.name: c for c in crews_on_shift(db, plan_date, actor)}
    missing = [name for name in meta.get("crews", []) if name not in crews_by_name]
    if missing:
        raise UserError(
            f"Version {version_no} of {plan_date} used crews no longer on shift: "
            f"{', '.join(missing)}. Re-plan the day instead."
        )
    crews = [crews_by_name[name] for name in meta.get("crews", [])]
    candidates = {c.client_id: c for c in day_candidates(db, plan_date, actor)}
    problem = vroom_json.problem_from_vroom(problem_doc)
    chosen = [candidates[j.id] for j in problem.jobs if j.id in candidates]
    unroutable_keys = meta.get("unroutable", {})
    extra = [c for c in candidates.values() if c.key in unroutable_keys]
    built = build_problem(
        plan_date,
        program.zone,
        crews,
        chosen + extra,
        lambda _locs: problem.durations,
        edits=edits,
    )
    solution = vroom_json.solution_from_vroom(built.problem, solution_doc)
    plan = read_solution(built, solution, edits, status="saved")
    return _with_identity(plan, plan_id, version_no, created_by, created_at)
