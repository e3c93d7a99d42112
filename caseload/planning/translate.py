"""Read a routing solution as the plan read model: crews' routes with real clock times, and
every visit left out with a reason in the program's words.

Reasons are worded from the structured fields of `routing.Unassigned` (`code`, `vehicle_id`,
`missing_skills`, `windows`): crew and skill names come from the `IdMap` and the skill ids of
the built problem, clock times from the day's origin.
"""

from __future__ import annotations

from collections.abc import Mapping

from caseload.languages import speaker_of
from caseload.planning.build import BuiltProblem, DoneVisit, PlanEdits
from caseload.planning.model import CrewRoute, DayPlan, PlanBasis, PlannedStop, UnassignedVisit
from caseload.planning.ordering import order_notes
from routing import explain
from routing.problem import TimeWindow
from routing.solution import Route, Solution, Unassigned

SKILL_NAMES = {
    "vaccine": "vaccine administration",
    "naloxone": "naloxone",
    "peer_support": "a peer-support specialist",
    "paramedic": "a paramedic",
    "wound_care": "wound care",
    "two_person": "two or more people",
    "clinician": "a clinician (paramedic or nurse)",
}


def plan_status(solution: Solution) -> str:
    if solution.cancelled:
        return "cancelled"
    if not solution.feasible:
        return "no solution"
    if solution.optimal:
        return "optimal"
    return "time limit" if solution.time_limit_reached else "feasible"


def _windows_text(built: BuiltProblem, windows: tuple[TimeWindow, ...]) -> str:
    return ", ".join(f"{built.at(w.start_s):%H:%M}–{built.at(w.end_s):%H:%M}" for w in windows)


def _skills_text(built: BuiltProblem, skills: frozenset[int]) -> str:
    names = {i: name for name, i in built.skill_ids.items()}
    words = sorted(names.get(s, str(s)) for s in skills)
    return ", ".join(SKILL_NAMES.get(w) or speaker_of(w) or w.replace("_", " ") for w in words)


def explain_unassigned(built: BuiltProblem, item: Unassigned, *, cancelled: bool = False) -> str:
    """Why a visit was not planned, in the program's words."""
    crew = built.ids.crew_names.get(item.vehicle_id) if item.vehicle_id is not None else None
    stopped = "was cancelled" if cancelled else "stopped"
    match item.code:
        case explain.NO_SKILL if crew is not None:
            return f"Pinned to {crew}, who lacks {_skills_text(built, item.missing_skills)}."
        case explain.NO_SKILL:
            have = frozenset().union(*(v.skills for v in built.problem.vehicles))
            if item.missing_skills - have:
                needed = _skills_text(built, item.missing_skills - have)
                return f"No crew on shift has {needed}, which this visit needs."
            return (
                f"No single crew on shift has all of: {_skills_text(built, item.missing_skills)}."
            )
        case explain.NO_VEHICLE:
            return "No crew is on shift."
        case explain.PINNED if crew is not None:
            return f"Pinned to {crew}, who takes no visits."
        case explain.PINNED:
            return "Every crew able to serve it takes no visits."
        case explain.CAPACITY:
            return f"Too much to carry for {crew or 'every able crew'}."
        case explain.OUTSIDE_SHIFTS:
            window = _windows_text(built, item.windows)
            return f"Its time window ({window}) lies outside every able crew's shift."
        case explain.UNREACHABLE:
            window = (
                f" in its window ({_windows_text(built, item.windows)})" if item.windows else ""
            )
            return (
                f"No able crew can reach it{window} and finish within the shift, even as its "
                "only visit."
            )
        case explain.OUTRANKED:
            job = built.problem.job(item.job_id)
            what = "other MUST visits" if job.is_must else "more urgent visits"
            return f"Every crew able to serve it is fully booked with {what}."
        case explain.NOT_SCHEDULED if crew is not None:
            return (
                f"Would fit on {crew}'s route, but the search {stopped} before placing it "
                "(allow more time)."
            )
        case explain.NOT_SCHEDULED:
            return f"Not planned: the search {stopped} before a plan was found."
    # A code this version does not know: routing's own sentence, capitalised.
    return item.reason[:1].upper() + item.reason[1:]


def _done_stop(done: DoneVisit, seq: int) -> PlannedStop:
    """A visit with a recorded outcome: at its recorded times, locked in place."""
    cand = done.candidate
    return PlannedStop(
        key=cand.key,
        client_id=cand.client_id,
        visit_id=cand.visit_id,
        seq=seq,
        name=cand.name,
        tier=cand.tier,
        purpose=cand.purpose,
        reasons=cand.reasons,
        location=cand.location,
        location_text=cand.location_text,
        arrival=done.start,
        start=done.start,
        departure=max(done.end, done.start),
        waiting_s=0,
        service_s=int((max(done.end, done.start) - done.start).total_seconds()),
        window=cand.windows[0] if cand.windows else None,
        due_by=cand.due_by,
        pinned=False,
        locked=True,
    )


def _route(
    built: BuiltProblem,
    vehicle_id: int,
    route: Route | None,
    edits: PlanEdits,
    notes: Mapping[int, str],
) -> CrewRoute:
    crew = built.crew_for_vehicle(vehicle_id)
    locked_keys = {key for keys in edits.locked.values() for key in keys}
    done = [d for d in built.done if d.crew == crew.name]
    stops: list[PlannedStop] = [_done_stop(d, n) for n, d in enumerate(done, start=1)]
    break_at = leaves = returns = None
    for step in route.steps if route is not None else ():
        if step.type == "start":
            leaves = built.at(step.departure_s)
        elif step.type == "end":
            returns = built.at(step.arrival_s)
        elif step.type == "break":
            break_at = built.at(step.service_start_s)
        elif step.id is not None:
            cand = built.candidate_for_job(step.id)
            stops.append(
                PlannedStop(
                    key=cand.key,
                    client_id=cand.client_id,
                    visit_id=cand.visit_id,
                    seq=len(stops) + 1,
                    name=cand.name,
                    tier=cand.tier,
                    purpose=cand.purpose,
                    reasons=cand.reasons_at(built.at(step.service_start_s)),
                    location=cand.location,
                    location_text=cand.location_text,
                    arrival=built.at(step.arrival_s),
                    start=built.at(step.service_start_s),
                    departure=built.at(step.departure_s),
                    waiting_s=step.waiting_s,
                    service_s=step.service_s,
                    window=cand.windows[0] if cand.windows else None,
                    due_by=cand.due_by,
                    pinned=edits.pinned.get(cand.key) == crew.name,
                    locked=cand.key in locked_keys,
                    order_note=notes.get(step.id, ""),
                )
            )
    travel_s = route.travel_s if route is not None else 0
    return CrewRoute(crew, tuple(stops), travel_s, leaves, returns, break_at)


def to_day_plan(
    built: BuiltProblem,
    solution: Solution,
    edits: PlanEdits,
    *,
    status: str | None = None,
    worded: Mapping[int, str] | None = None,
) -> DayPlan:
    """Translate a routing solution into crews' routes with real times. `worded`: job id ->
    a reason already in the program's words (manual edits), used instead of the routing one."""
    worded = worded or {}
    routed = {route.vehicle_id: route for route in solution.routes}
    vehicle_ids = [built.ids.vehicle_ids[crew.name] for crew in built.crews]
    notes = order_notes(built, solution)
    routes = tuple(_route(built, v, routed.get(v), edits, notes) for v in vehicle_ids)
    unassigned = [UnassignedVisit(c, reason) for c, reason in built.unroutable]
    unassigned += [
        UnassignedVisit(
            built.candidate_for_job(u.job_id),
            worded.get(u.job_id) or explain_unassigned(built, u, cancelled=solution.cancelled),
        )
        for u in solution.unassigned
    ]
    unassigned.sort(key=lambda u: (u.candidate.tier.rank, -u.candidate.score))
    return DayPlan(
        plan_date=built.origin.date(),
        routes=routes,
        unassigned=tuple(unassigned),
        travel_s=sum(r.travel_s for r in routes),
        served_priority=sum(
            built.candidate_for_job(j).priority for r in solution.routes for j in r.job_ids
        ),
        status=status or plan_status(solution),
        computing_time_s=solution.computing_time_s,
        edits=edits,
        basis=PlanBasis(built, solution),
    )
