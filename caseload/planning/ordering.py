"""Why a late MUST visit comes after a less urgent one on its route.

The objective puts serving visits first and lateness after (`routing.objective`): a MUST visit
past its first-contact deadline may follow a HIGH or ROUTINE visit when moving it forward would
cost a visit, or would not make it any sooner. A supervisor reading the sheet sees the order
and deserves the reason, so each such stop gets a note worked out here by re-timing the route
with the visit moved just before the first less urgent one (`routing.schedule`, the same timing
the validator trusts), not taken from the solver's word.
"""

from __future__ import annotations

from collections.abc import Mapping

from caseload.enums import Tier
from caseload.planning.build import BuiltProblem
from caseload.planning.candidates import Candidate
from routing.schedule import ScheduleError, schedule_with_breaks
from routing.solution import Route, Solution, lateness_cost


def order_notes(built: BuiltProblem, solution: Solution) -> Mapping[int, str]:
    """Job id -> why that late MUST visit is not before the less urgent visit ahead of it."""
    notes: dict[int, str] = {}
    for route in solution.routes:
        notes.update(_route_notes(built, route))
    return notes


def _movable_lower_tier(cand: Candidate) -> bool:
    # An appointment keeps its slot; only a free-timed less urgent visit could give way.
    return cand.tier is not Tier.MUST and not cand.windows


def _route_notes(built: BuiltProblem, route: Route) -> dict[int, str]:
    problem = built.problem
    vehicle = problem.vehicle(route.vehicle_id)
    order = list(route.job_ids)
    late = {s.id: s.late_s for s in route.steps if s.type == "job" and s.id is not None}
    starts = {s.id: s.service_start_s for s in route.steps if s.type == "job" and s.id is not None}
    notes: dict[int, str] = {}
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
            notes[job_id] = (
                f"not earlier: visiting it {before} would leave no time for this route's other "
                "visits within the shift"
            )
            continue
        start = next(s.service_start_s for s in retimed.steps if s.id == job_id and s.type == "job")
        if start >= starts[job_id]:
            notes[job_id] = f"not earlier: visiting it {before} would not start it any sooner"
        elif _cost(built, retimed) >= _cost(built, route):
            notes[job_id] = (
                f"not earlier: visiting it {before} would delay this route's other overdue "
                "visits by more than it gains"
            )
        else:
            # Sooner and cheaper: the search stopped before it found this order.
            notes[job_id] = (
                f"could start at {built.at(start):%H:%M} if moved {before} (allow the search "
                "more time)"
            )
    return notes


def _cost(built: BuiltProblem, route: Route) -> int:
    """The route's share of the last objective tier: travel plus lateness cost."""
    return route.travel_s + lateness_cost(built.problem, route)
