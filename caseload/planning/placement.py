"""Where a visit moved by hand goes on a crew's route, and why it cannot go anywhere.

`cheapest_position` tries every position after the crew's locked prefix, times each order with
routing's scheduler and keeps the one that adds the least travel. `why_it_does_not_fit` finds the
binding rule by relaxing one rule at a time (the shift's end, the break, the visit's own window,
the other visits' windows) and timing again, so the words come from structured facts, never from
an error message's text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from caseload.planning.build import BuiltProblem
from routing.problem import Problem, TimeWindow, Vehicle
from routing.schedule import ScheduleError, schedule_with_breaks
from routing.solution import Route

_OPEN_END_S = 10 * 24 * 3600  # a shift end no route reaches: "the shift's end does not bind"


def cheapest_position(
    built: BuiltProblem, crew: str, order: Sequence[str], key: str, *, after: int
) -> int | None:
    """The position in `order` (crew's candidate keys, without `key`) where inserting `key`
    keeps the route feasible and adds the least travel (earliest on a tie); None if none."""
    vehicle = built.problem.vehicle(built.ids.vehicle_ids[crew])
    job = built.problem.job(built.ids.job_ids[key])
    if not job.skills <= vehicle.skills or _full(vehicle, order):
        return None
    best = _best(built.problem, vehicle, _jobs(built, order), job.id, after)
    return None if best is None else best[0]


def why_it_does_not_fit(
    built: BuiltProblem, crew: str, order: Sequence[str], key: str, *, after: int
) -> str:
    """Plain words for why `key` fits nowhere on `crew`'s route (e.g. "Medic 1's shift ends at
    15:00; this visit needs 60 min after 14:30")."""
    problem = built.problem
    vehicle = problem.vehicle(built.ids.vehicle_ids[crew])
    job = problem.job(built.ids.job_ids[key])
    cand = built.candidate_for_job(job.id)
    info = built.crew_for_vehicle(vehicle.id)
    who = f"{cand.name} cannot join {crew}'s route"
    if not job.skills <= vehicle.skills:
        missing = sorted(cand.required_skills - info.skills)
        needs = ", ".join(missing) if missing else "a skill or language"
        return f"{who}: the visit needs {needs}, which {crew} does not have."
    if _full(vehicle, order):
        return f"{who}: {crew} already has the most visits it may take ({vehicle.max_tasks})."
    jobs = _jobs(built, order)
    shift = vehicle.time_window
    if shift is not None:
        open_shift = dataclasses.replace(
            vehicle, time_window=TimeWindow(shift.start_s, _OPEN_END_S)
        )
        best = _best(problem, open_shift, jobs, job.id, after)
        now = _timed(problem, open_shift, jobs)
        if best is not None and now is not None:
            back_now = _returns(now)
            needed = _returns(best[1]) - back_now
            return (
                f"{who}: {crew}'s shift ends at {_hm(built.at(shift.end_s))}; this visit needs "
                f"{_minutes(needed)} min ({_minutes(job.service_s)} min there, the rest driving "
                f"and waiting) after {_hm(built.at(back_now))}, when the route ends now."
            )
    if vehicle.breaks and info.break_earliest is not None and info.break_latest is not None:
        no_break = dataclasses.replace(vehicle, breaks=())
        if _best(problem, no_break, jobs, job.id, after) is not None:
            return (
                f"{who}: {crew}'s {info.break_minutes} min break (between "
                f"{_hm(info.break_earliest)} and {_hm(info.break_latest)}) could not be kept."
            )
    own_free = _without_windows(problem, {job.id})
    if cand.windows and _best(own_free, vehicle, jobs, job.id, after) is not None:
        windows = " or ".join(f"{_hm(a)} and {_hm(b)}" for a, b in cand.windows)
        return f"{who}: the visit must start between {windows}, and {crew} cannot be there then."
    all_free = _without_windows(problem, {job.id, *jobs})
    if _best(all_free, vehicle, jobs, job.id, after) is not None:
        return f"{who}: the fixed times of {crew}'s other visits leave no room for it."
    return (
        f"{who}: no position keeps {crew}'s shift ({_hm(info.starts_at)}–{_hm(info.ends_at)}), "
        "its break and the visits' times together."
    )


def _jobs(built: BuiltProblem, order: Sequence[str]) -> list[int]:
    return [built.ids.job_ids[k] for k in order if k in built.ids.job_ids]


def _full(vehicle: Vehicle, order: Sequence[str]) -> bool:
    return vehicle.max_tasks is not None and len(order) >= vehicle.max_tasks


def _best(
    problem: Problem, vehicle: Vehicle, jobs: list[int], job_id: int, after: int
) -> tuple[int, Route] | None:
    best: tuple[int, Route] | None = None
    for position in range(min(after, len(jobs)), len(jobs) + 1):
        route = _timed(problem, vehicle, [*jobs[:position], job_id, *jobs[position:]])
        if route is not None and (best is None or route.travel_s < best[1].travel_s):
            best = (position, route)
    return best


def _timed(problem: Problem, vehicle: Vehicle, jobs: list[int]) -> Route | None:
    try:
        return schedule_with_breaks(problem, vehicle, jobs)
    except ScheduleError:
        return None


def _without_windows(problem: Problem, job_ids: set[int]) -> Problem:
    jobs = tuple(
        dataclasses.replace(j, time_windows=()) if j.id in job_ids else j for j in problem.jobs
    )
    return dataclasses.replace(problem, jobs=jobs)


def _returns(route: Route) -> int:
    return route.steps[-1].arrival_s


def _minutes(seconds: int) -> int:
    return round(seconds / 60)


def _hm(moment: datetime) -> str:
    return f"{moment:%H:%M}"
