"""Manual edits to a planned day: move, reorder, pin, lock, add, remove.

An edit changes the draft (which crew visits whom, in which order, and the pins and locks);
`retime` recomputes the times of the edited routes without re-solving, so the program manager
sees the consequence at once (a late arrival is reported, not hidden). "Re-plan" then solves
again keeping pins and locks, preferring to leave every other stop where it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from caseload.errors import UserError
from caseload.planning.build import BuiltProblem, PlanEdits
from caseload.planning.model import DayPlan
from caseload.planning.placement import cheapest_position, why_it_does_not_fit
from caseload.planning.translate import to_day_plan
from routing.schedule import ScheduleError, schedule_with_breaks
from routing.solution import Route, Solution, Unassigned, summarize


@dataclass(frozen=True, slots=True)
class Draft:
    """The editable state of a day: routes as candidate keys per crew, plus pins and locks."""

    orders: Mapping[str, tuple[str, ...]]  # crew name -> candidate keys in visiting order
    edits: PlanEdits

    @classmethod
    def of(cls, plan: DayPlan) -> Draft:
        return cls(
            orders={r.crew.name: tuple(s.key for s in r.stops) for r in plan.routes},
            edits=plan.edits,
        )

    def crew_of(self, key: str) -> str | None:
        return next((crew for crew, keys in self.orders.items() if key in keys), None)


def move_stop(draft: Draft, key: str, to_crew: str, position: int) -> Draft:
    """Move `key` to `to_crew` at `position` (0-based); it becomes pinned to that crew."""
    if to_crew not in draft.orders:
        raise UserError(f"{to_crew} is not on shift.")
    orders = {crew: tuple(k for k in keys if k != key) for crew, keys in draft.orders.items()}
    target = list(orders[to_crew])
    locked = draft.edits.locked.get(to_crew, ())
    position = max(len(locked), min(position, len(target)))
    target.insert(position, key)
    orders[to_crew] = tuple(target)
    pinned = {**draft.edits.pinned, key: to_crew}
    locked_map = {c: tuple(k for k in ks if k != key) for c, ks in draft.edits.locked.items()}
    return Draft(orders, replace(draft.edits, pinned=pinned, locked=locked_map))


def move_to_crew(plan: DayPlan, draft: Draft, key: str, to_crew: str) -> Draft:
    """Move `key` to `to_crew` at the feasible position (after its locked prefix) that adds the
    least travel. UserError, saying in plain words why, when no position fits: the visit then
    stays where it was."""
    built = _built(plan)
    if to_crew not in draft.orders:
        raise UserError(f"{to_crew} is not on shift.")
    target = tuple(k for k in draft.orders[to_crew] if k != key)
    locked = len(draft.edits.locked.get(to_crew, ()))
    position = cheapest_position(built, to_crew, target, key, after=locked)
    if position is None:
        raise UserError(why_it_does_not_fit(built, to_crew, target, key, after=locked))
    return move_stop(draft, key, to_crew, position)


def place_stop(plan: DayPlan, draft: Draft, key: str, to_crew: str, position: int) -> Draft:
    """`move_stop` at an explicit position (a drag), refused with the reason when re-timing
    would take the moved visit itself off the route; other visits that no longer fit are
    reported by `retime` as before."""
    built = _built(plan)
    moved = move_stop(draft, key, to_crew, position)
    jobs = [built.ids.job_ids[k] for k in moved.orders[to_crew] if k in built.ids.job_ids]
    vehicle = built.problem.vehicle(built.ids.vehicle_ids[to_crew])
    kept, _dropped = _fit(built, vehicle.id, jobs)
    served = kept.job_ids if kept is not None else ()
    if key in built.ids.job_ids and built.ids.job_ids[key] not in served:
        target = tuple(k for k in draft.orders[to_crew] if k != key)
        locked = len(draft.edits.locked.get(to_crew, ()))
        raise UserError(why_it_does_not_fit(built, to_crew, target, key, after=locked))
    return moved


def set_pin(draft: Draft, key: str, crew: str | None) -> Draft:
    pinned = {k: c for k, c in draft.edits.pinned.items() if k != key}
    if crew is not None:
        pinned[key] = crew
    return Draft(draft.orders, replace(draft.edits, pinned=pinned))


def lock_through(draft: Draft, crew: str, key: str | None) -> Draft:
    """Lock the route of `crew` up to and including `key` (None unlocks the whole route)."""
    locked = dict(draft.edits.locked)
    if key is None:
        locked.pop(crew, None)
    else:
        order = draft.orders[crew]
        if key not in order:
            raise UserError("That stop is not on this crew's route.")
        locked[crew] = order[: order.index(key) + 1]
    return Draft(draft.orders, replace(draft.edits, locked=locked))


def remove_stop(draft: Draft, key: str) -> Draft:
    orders = {crew: tuple(k for k in keys if k != key) for crew, keys in draft.orders.items()}
    pinned = {k: c for k, c in draft.edits.pinned.items() if k != key}
    locked = {c: tuple(k for k in ks if k != key) for c, ks in draft.edits.locked.items()}
    return Draft(orders, replace(draft.edits, pinned=pinned, locked=locked))


def keep_current(draft: Draft) -> PlanEdits:
    """The edits for a re-plan: pins and locks, and every stop preferring its current crew."""
    keep = {key: crew for crew, keys in draft.orders.items() for key in keys}
    return replace(draft.edits, keep=keep)


def retime(plan: DayPlan, draft: Draft) -> tuple[DayPlan, list[str]]:
    """Re-time `draft`'s routes on `plan`'s routing problem without solving (through routing's
    scheduler; nothing is serialised). Returns the new plan and a list of problems (e.g. "Medic
    1 cannot fit Ana L. in this order"): a stop whose order cannot be kept is left unassigned
    with that reason, never silently moved."""
    built = _built(plan)
    problem, ids = built.problem, built.ids
    routes: list[Route] = []
    unassigned: list[Unassigned] = []
    worded: dict[int, str] = {}
    problems: list[str] = []
    for crew_name, keys in draft.orders.items():
        jobs = [ids.job_ids[k] for k in keys if k in ids.job_ids]
        kept, dropped_jobs = _fit(built, ids.vehicle_ids[crew_name], jobs)
        for dropped, exc in dropped_jobs:
            cand = built.candidate_for_job(dropped)
            message = f"{crew_name} cannot fit {cand.name} in this order ({exc})."
            problems.append(message)
            unassigned.append(Unassigned(dropped, message, "manual_order"))
            worded[dropped] = message
        if kept is not None and kept.job_ids:
            routes.append(kept)
    served = {j for r in routes for j in r.job_ids}
    previous = {u.candidate.key: u.reason for u in plan.unassigned}
    for job in problem.jobs:
        if job.id not in served and job.id not in worded:
            reason = previous.get(ids.keys[job.id], "Removed by hand.")
            unassigned.append(Unassigned(job.id, reason, "manual"))
            worded[job.id] = reason
    solution = Solution(
        routes=tuple(routes),
        unassigned=tuple(unassigned),
        summary=summarize(problem, routes, unassigned),
        feasible=True,
    )
    return to_day_plan(built, solution, draft.edits, status="edited", worded=worded), problems


def _built(plan: DayPlan) -> BuiltProblem:
    if plan.basis is None:
        raise UserError("This plan version was not computed in this session; re-plan it first.")
    return plan.basis.built


def _fit(
    built: BuiltProblem, vehicle_id: int, jobs: list[int]
) -> tuple[Route | None, list[tuple[int, ScheduleError]]]:
    """Time `jobs` on the vehicle, dropping the last stop until the order can be kept (the user
    sees which visits no longer fit). Returns the route (None if empty) and the dropped jobs."""
    problem = built.problem
    vehicle = problem.vehicle(vehicle_id)
    jobs = list(jobs)
    dropped: list[tuple[int, ScheduleError]] = []
    while True:
        try:
            return schedule_with_breaks(problem, vehicle, jobs), dropped
        except ScheduleError as exc:
            if not jobs:
                return None, dropped
            dropped.append((jobs.pop(), exc))
