"""Why a visit was not served, in words a program manager understands.

Before solving, `precheck` sets aside the jobs no crew could ever serve (no crew with the
skills, windows outside every shift, too big, unreachable in its window even alone). After
solving, `explain_dropped` tells the rest apart: a job that still fits into some route was
missed by a search that stopped early; a job that fits nowhere was outranked by the visits
already planned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from routing.errors import ProblemError
from routing.problem import MUST_PRIORITY, Job, Problem, Vehicle
from routing.schedule import ScheduleError, schedule_with_breaks
from routing.solution import Route, Unassigned

NO_VEHICLE = "no_vehicle"
NO_SKILL = "no_skill"
PINNED = "pinned_vehicle"
CAPACITY = "capacity"
OUTSIDE_SHIFTS = "outside_shifts"
UNREACHABLE = "unreachable"
OUTRANKED = "outranked"
NOT_SCHEDULED = "not_scheduled"


def _hhmm(t: int) -> str:
    sign = "-" if t < 0 else ""
    t = abs(t)
    days, rest = divmod(t, 86_400)
    text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
    return f"{sign}{text}" + (f" (+{days}d)" if days else "")


def _windows_text(job: Job) -> str:
    return ", ".join(f"{_hhmm(w.start_s)}-{_hhmm(w.end_s)}" for w in job.time_windows)


def eligible_vehicles(problem: Problem, job: Job) -> list[Vehicle]:
    """Crews that may serve the job: skills, pin, capacity and max tasks allow it."""
    return [
        v
        for v in problem.vehicles
        if job.skills <= v.skills
        and (job.pinned_vehicle is None or v.id == job.pinned_vehicle)
        and (v.capacity is None or job.delivery <= v.capacity)
        and (v.max_tasks is None or v.max_tasks > 0)
    ]


def _ineligible_reason(problem: Problem, job: Job) -> Unassigned:
    if not problem.vehicles:
        return Unassigned(job.id, "no crew is on shift", NO_VEHICLE)
    if job.pinned_vehicle is not None:
        pinned = problem.vehicle(job.pinned_vehicle)
        missing = sorted(job.skills - pinned.skills)
        if missing:
            return Unassigned(
                job.id,
                f"it is pinned to crew {pinned.id}, which lacks skill(s) {missing}",
                NO_SKILL,
                vehicle_id=pinned.id,
                missing_skills=frozenset(missing),
            )
        if pinned.capacity is not None and job.delivery > pinned.capacity:
            return Unassigned(
                job.id,
                f"its load ({job.delivery}) exceeds the capacity of its pinned crew "
                f"{pinned.id} ({pinned.capacity})",
                CAPACITY,
                vehicle_id=pinned.id,
            )
        return Unassigned(
            job.id, f"its pinned crew {pinned.id} takes no visits", PINNED, vehicle_id=pinned.id
        )
    skilled = [v for v in problem.vehicles if job.skills <= v.skills]
    if not skilled:
        have = set().union(*(v.skills for v in problem.vehicles))
        missing = sorted(job.skills - have)
        if missing:
            return Unassigned(
                job.id,
                f"no crew on shift has skill(s) {missing}",
                NO_SKILL,
                missing_skills=frozenset(missing),
            )
        return Unassigned(
            job.id,
            f"no single crew has all of the skills {sorted(job.skills)}",
            NO_SKILL,
            missing_skills=job.skills,
        )
    if all(v.capacity is not None and job.delivery > v.capacity for v in skilled):
        return Unassigned(
            job.id, f"its load ({job.delivery}) exceeds every able crew's capacity", CAPACITY
        )
    return Unassigned(job.id, "every able crew takes no visits (max tasks 0)", PINNED)


def _overlaps_shift(job: Job, vehicle: Vehicle) -> bool:
    shift = vehicle.time_window
    if shift is None or not job.time_windows:
        return True
    return any(w.start_s <= shift.end_s and w.end_s >= shift.start_s for w in job.time_windows)


def _fits_alone(problem: Problem, job: Job, vehicle: Vehicle) -> bool:
    try:
        schedule_with_breaks(problem, vehicle, [job.id])
    except ScheduleError:
        return False
    return True


def precheck(problem: Problem) -> tuple[list[Job], list[Unassigned]]:
    """Split the jobs into those worth modelling and those no crew could ever serve.

    Raises ProblemError when a locked job is among the latter (the lock cannot be kept)."""
    keep: list[Job] = []
    out: list[Unassigned] = []
    locked = {jid: v.id for v in problem.vehicles for jid in v.locked_jobs}
    for job in problem.jobs:
        reason = _precheck_job(problem, job)
        if reason is None:
            keep.append(job)
        elif job.id in locked:
            raise ProblemError(
                f"locked job {job.id} cannot be served: {reason.reason}",
                where=f"vehicle {locked[job.id]}",
            )
        else:
            out.append(reason)
    return keep, out


def _signature(vehicle: Vehicle) -> tuple[object, ...]:
    return (vehicle.start_index, vehicle.end_index, vehicle.time_window, vehicle.breaks)


def _precheck_job(problem: Problem, job: Job) -> Unassigned | None:
    eligible = eligible_vehicles(problem, job)
    if not eligible:
        return _ineligible_reason(problem, job)
    in_shift = [v for v in eligible if _overlaps_shift(job, v)]
    if not in_shift:
        return Unassigned(
            job.id,
            f"its time window(s) {_windows_text(job)} lie outside every able crew's shift",
            OUTSIDE_SHIFTS,
            windows=job.time_windows,
        )
    seen: set[tuple[object, ...]] = set()
    for vehicle in in_shift:
        sig = _signature(vehicle)
        if sig in seen:
            continue
        seen.add(sig)
        if _fits_alone(problem, job, vehicle):
            return None
    windows = f" in its window(s) {_windows_text(job)}" if job.time_windows else ""
    return Unassigned(
        job.id,
        f"no able crew can reach it{windows} and finish within its shift, even as its only visit",
        UNREACHABLE,
        windows=job.time_windows,
    )


def _fits_somewhere(problem: Problem, job: Job, routes: Mapping[int, Route]) -> int | None:
    """A vehicle id whose route could take the job as it is, else None."""
    for vehicle in eligible_vehicles(problem, job):
        route = routes.get(vehicle.id)
        ids = list(route.job_ids) if route is not None else []
        if vehicle.max_tasks is not None and len(ids) >= vehicle.max_tasks:
            continue
        if vehicle.capacity is not None and (
            (route.delivery if route else 0) + job.delivery > vehicle.capacity
        ):
            continue
        for pos in range(len(vehicle.locked_jobs), len(ids) + 1):
            try:
                schedule_with_breaks(problem, vehicle, [*ids[:pos], job.id, *ids[pos:]])
            except ScheduleError:
                continue
            return vehicle.id
    return None


def explain_dropped(
    problem: Problem,
    routes: Sequence[Route],
    dropped: Sequence[Job],
    *,
    search_found: bool,
    cancelled: bool,
) -> list[Unassigned]:
    """Reasons for jobs that passed the pre-checks but are not in `routes`."""
    if not search_found:
        why = "the search was cancelled" if cancelled else "the search stopped"
        return [
            Unassigned(j.id, f"not planned: {why} before a plan was found", NOT_SCHEDULED)
            for j in dropped
        ]
    by_vehicle = {r.vehicle_id: r for r in routes}
    out: list[Unassigned] = []
    for job in dropped:
        fits = _fits_somewhere(problem, job, by_vehicle)
        if fits is not None:
            why = "was cancelled" if cancelled else "stopped"
            out.append(
                Unassigned(
                    job.id,
                    f"not planned, though it would fit on crew {fits}'s route: the search {why} "
                    "before placing it (allow more time)",
                    NOT_SCHEDULED,
                    vehicle_id=fits,
                )
            )
            continue
        able = {v.id for v in eligible_vehicles(problem, job)}
        planned = [problem.job(j) for r in routes if r.vehicle_id in able for j in r.job_ids]
        what = "MUST visits" if job.priority >= MUST_PRIORITY else "visits of higher priority"
        lowest = min((j.priority for j in planned), default=None)
        detail = f" (lowest priority planned there: {lowest})" if lowest is not None else ""
        out.append(
            Unassigned(
                job.id,
                f"outranked: every crew that could serve it is fully booked; making room would "
                f"drop {what} or more visits{detail}",
                OUTRANKED,
            )
        )
    return out
