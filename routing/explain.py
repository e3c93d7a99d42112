"""Why a visit was not served, in words a program manager understands.

Before solving, `precheck` sets aside the jobs no crew could ever serve (no crew with the
skills, windows outside every shift, too big, unreachable in its window even alone). After
solving, `explain_dropped` tells the rest apart: a job that still fits into some route was
missed by a search that stopped early; a job that fits nowhere was outranked by the visits
already planned.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

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


_NO_BOUND = 2**62


def _gaps(problem: Problem, routes: Mapping[int, Route]) -> tuple[NDArray[np.int64], ...]:
    """Every place a job could be inserted, as arrays (one entry per gap): the vehicle's
    position, the gap's position in its route, the locations before and after (-1: none) and
    time bounds that hold whatever breaks do: the earliest the crew can leave the stop before
    (earliest starts, breaks ignored) and the latest the stop after can start (latest starts
    backwards from the shift end, breaks ignored). A job whose insertion breaks these bounds
    cannot be inserted there at all, so only the remaining gaps need an exact check."""
    cols: list[list[int]] = [[], [], [], [], [], []]
    for vpos, vehicle in enumerate(problem.vehicles):
        route = routes.get(vehicle.id)
        ids = list(route.job_ids) if route is not None else []
        shift = vehicle.time_window
        jobs = [problem.job(j) for j in ids]
        locs = [
            -1 if vehicle.start_index is None else vehicle.start_index,
            *(j.location_index for j in jobs),
            -1 if vehicle.end_index is None else vehicle.end_index,
        ]
        ready = [shift.start_s if shift is not None else 0]
        for k, job in enumerate(jobs):
            arrive = ready[-1] + _travel(problem, locs[k], locs[k + 1])
            first = job.time_windows[0].start_s if job.time_windows else arrive
            ready.append(max(arrive, first) + job.service_s)
        latest = [shift.end_s if shift is not None else _NO_BOUND]
        for k in range(len(jobs) - 1, -1, -1):
            job = jobs[k]
            leave_by = latest[-1] - _travel(problem, locs[k + 1], locs[k + 2])
            last = job.time_windows[-1].end_s if job.time_windows else _NO_BOUND
            latest.append(min(last, leave_by - job.service_s))
        latest.reverse()  # latest[k]: latest start of route node k + 1 (jobs, then the end)
        for pos in range(len(vehicle.locked_jobs), len(ids) + 1):
            for col, value in zip(
                cols, (vpos, pos, locs[pos], locs[pos + 1], ready[pos], latest[pos]), strict=True
            ):
                col.append(value)
    return tuple(np.array(c, dtype=np.int64) for c in cols)


def _travel(problem: Problem, a: int, b: int) -> int:
    return 0 if a < 0 or b < 0 else int(problem.durations[a, b])


class _FitChecker:
    """Which routes could take a dropped job as they are: bounds first (vectorised over every
    gap of every route), then the exact schedule for the gaps that pass, within a deadline."""

    def __init__(self, problem: Problem, routes: Mapping[int, Route], deadline: float) -> None:
        self.problem = problem
        self.routes = routes
        self.deadline = deadline
        self.vpos, self.pos, self.prev, self.next, self.ready, self.latest = _gaps(problem, routes)
        self.vehicle_pos = {v.id: k for k, v in enumerate(problem.vehicles)}

    def candidates(self, job: Job) -> list[tuple[int, int]]:
        """(vehicle position, gap position) where the bounds allow the job, in route order."""
        able = np.zeros(len(self.problem.vehicles), dtype=bool)
        for vehicle in eligible_vehicles(self.problem, job):
            route = self.routes.get(vehicle.id)
            n = len(route.job_ids) if route is not None else 0
            if vehicle.max_tasks is not None and n >= vehicle.max_tasks:
                continue
            if vehicle.capacity is not None and (
                (route.delivery if route else 0) + job.delivery > vehicle.capacity
            ):
                continue
            able[self.vehicle_pos[vehicle.id]] = True
        mask = able[self.vpos]
        if not mask.any():
            return []
        loc = job.location_index
        durations = self.problem.durations
        to_job = np.where(self.prev < 0, 0, durations[np.maximum(self.prev, 0), loc])
        from_job = np.where(self.next < 0, 0, durations[loc, np.maximum(self.next, 0)])
        start = self.ready + to_job
        if job.time_windows:
            start = np.maximum(start, job.time_windows[0].start_s)
            mask &= start <= job.time_windows[-1].end_s
        mask &= start + job.service_s + from_job <= self.latest
        return [(int(v), int(g)) for v, g in zip(self.vpos[mask], self.pos[mask], strict=True)]

    def fits(self, job: Job) -> tuple[int | None, int | None]:
        """(a vehicle id whose route takes the job, None) or, when the deadline passed before
        every candidate was checked, (None, the first unchecked candidate's vehicle id)."""
        for vpos, pos in self.candidates(job):
            vehicle = self.problem.vehicles[vpos]
            if time.monotonic() > self.deadline:
                return None, vehicle.id
            route = self.routes.get(vehicle.id)
            ids = list(route.job_ids) if route is not None else []
            try:
                schedule_with_breaks(self.problem, vehicle, [*ids[:pos], job.id, *ids[pos:]])
            except ScheduleError:
                continue
            return vehicle.id, None
        return None, None


def _fits_somewhere(problem: Problem, job: Job, routes: Mapping[int, Route]) -> int | None:
    """A vehicle id whose route could take the job as it is, else None."""
    return _FitChecker(problem, routes, float("inf")).fits(job)[0]


def explain_dropped(
    problem: Problem,
    routes: Sequence[Route],
    dropped: Sequence[Job],
    *,
    search_found: bool,
    cancelled: bool,
    deadline: float | None = None,
) -> list[Unassigned]:
    """Reasons for jobs that passed the pre-checks but are not in `routes`. The exact checks
    stop at `deadline` (a `time.monotonic()` value); jobs not checked by then are reported as
    possibly fitting."""
    if not search_found:
        why = "the search was cancelled" if cancelled else "the search stopped"
        return [
            Unassigned(j.id, f"not planned: {why} before a plan was found", NOT_SCHEDULED)
            for j in dropped
        ]
    by_vehicle = {r.vehicle_id: r for r in routes}
    checker = _FitChecker(problem, by_vehicle, float("inf") if deadline is None else deadline)
    lowest_by_vehicle = {
        r.vehicle_id: min((problem.job(j).priority for j in r.job_ids), default=None)
        for r in routes
    }
    why = "was cancelled" if cancelled else "stopped"
    out: list[Unassigned] = []
    for job in dropped:
        fits, unchecked = checker.fits(job)
        if fits is not None:
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
        if unchecked is not None:
            out.append(
                Unassigned(
                    job.id,
                    f"not planned: the search {why} before placing it, and it may fit on crew "
                    f"{unchecked}'s route (allow more time)",
                    NOT_SCHEDULED,
                    vehicle_id=unchecked,
                )
            )
            continue
        able = {v.id for v in eligible_vehicles(problem, job)}
        lows = [p for v, p in lowest_by_vehicle.items() if v in able and p is not None]
        what = "MUST visits" if job.priority >= MUST_PRIORITY else "visits of higher priority"
        lowest = min(lows, default=None)
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
