"""Why a late MUST visit comes after a less urgent one on its route.

The objective puts serving visits first and lateness after (`routing.objective`): a MUST visit
past its first-contact deadline may follow a HIGH or ROUTINE visit when moving it forward would
cost a visit, or would not make it any sooner. A supervisor reading the sheet sees the order
and deserves the reason, so each such stop gets a note worked out here by re-timing the route
with the visit moved just before the first less urgent one (`routing.schedule`, the same timing
the validator trusts), not taken from the solver's word.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace

from caseload.enums import Tier
from caseload.planning.build import BuiltProblem
from caseload.planning.candidates import Candidate
from routing.schedule import ScheduleError, schedule_with_breaks
from routing.solution import Route, Solution, lateness_cost, summarize


def order_notes(built: BuiltProblem, solution: Solution) -> Mapping[int, str]:
    """Job id -> why that late MUST visit is not before the less urgent visit ahead of it."""
    notes: dict[int, str] = {}
    for route in solution.routes:
        notes.update(_route_notes(built, route))
    return notes


def improve_order(built: BuiltProblem, solution: Solution, fixed: Collection[str] = ()) -> Solution:
    """The solution with every late MUST visit moved before the less urgent visit ahead of it
    wherever that is feasible and lowers the route's travel + lateness cost (what a search
    stopped early may leave). Routes holding a `fixed` candidate key (locked or done) are kept
    as they are. The same re-timing as the notes, so a note never says "could start at"
    for a plan that went through here."""
    routes = list(solution.routes)
    changed = False
    for i, route in enumerate(routes):
        keys = {built.candidate_for_job(j).key for j in route.job_ids}
        if keys & set(fixed):
            continue
        for _ in range(len(route.job_ids)):
            better = next((m.retimed for m in _forward_moves(built, route) if m.improves), None)
            if better is None:
                break
            route, changed = better, True
        routes[i] = route
    if not changed:
        return solution
    return replace(
        solution,
        routes=tuple(routes),
        summary=summarize(built.problem, routes, solution.unassigned),
        objective=None,
    )


def _movable_lower_tier(cand: Candidate) -> bool:
    # An appointment keeps its slot; only a free-timed less urgent visit could give way.
    return cand.tier is not Tier.MUST and not cand.windows


@dataclass(frozen=True, slots=True)
class _Move:
    """A late MUST visit moved just before the first free-timed less urgent visit ahead."""

    job_id: int
    before: str  # "before the 12:41 HIGH visit"
    retimed: Route | None  # None: that order breaks the shift, a break or an appointment
    start_s: int  # the visit's start after the move (its current start if infeasible)
    current_start_s: int
    improves: bool  # feasible, sooner, and cheaper for the route


def _forward_moves(built: BuiltProblem, route: Route) -> Iterator[_Move]:
    problem = built.problem
    vehicle = problem.vehicle(route.vehicle_id)
    order = list(route.job_ids)
    jobs = [s for s in route.steps if s.type == "job" and s.id is not None]
    late = {s.id: s.late_s for s in jobs}
    starts = {s.id: s.service_start_s for s in jobs}
    for position, job_id in enumerate(order):
        cand = built.candidate_for_job(job_id)
        if cand.tier is not Tier.MUST or late[job_id] <= 0:
            continue
        ahead = next(
            (k for k in range(position) if _movable_lower_tier(built.candidate_for_job(order[k]))),
            None,
        )
        if ahead is None:
            continue
        other = built.candidate_for_job(order[ahead])
        moved = [j for j in order if j != job_id]
        moved.insert(ahead, job_id)
        before = f"before the {built.at(starts[order[ahead]]):%H:%M} {other.tier.value} visit"
        try:
            retimed = schedule_with_breaks(problem, vehicle, moved)
        except ScheduleError:
            yield _Move(job_id, before, None, starts[job_id], starts[job_id], False)
            continue
        start = next(s.service_start_s for s in retimed.steps if s.id == job_id and s.type == "job")
        improves = start < starts[job_id] and _cost(built, retimed) < _cost(built, route)
        yield _Move(job_id, before, retimed, start, starts[job_id], improves)


def _route_notes(built: BuiltProblem, route: Route) -> dict[int, str]:
    notes: dict[int, str] = {}
    for move in _forward_moves(built, route):
        if move.retimed is None:
            notes[move.job_id] = (
                f"not earlier: visiting it {move.before} would leave no time for this route's "
                "other visits within the shift"
            )
        elif move.start_s >= move.current_start_s:
            notes[move.job_id] = (
                f"not earlier: visiting it {move.before} would not start it any sooner"
            )
        elif not move.improves:
            notes[move.job_id] = (
                f"not earlier: visiting it {move.before} would delay this route's other overdue "
                "visits by more than it gains"
            )
        else:
            # Sooner and cheaper: the search stopped before it found this order.
            notes[move.job_id] = (
                f"could start at {built.at(move.start_s):%H:%M} if moved {move.before} (allow "
                "the search more time)"
            )
    return notes


def _cost(built: BuiltProblem, route: Route) -> int:
    """The route's share of the last objective tier: travel plus lateness cost."""
    return route.travel_s + lateness_cost(built.problem, route)
