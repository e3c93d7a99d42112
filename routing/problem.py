"""The routing problem: jobs (visits), vehicles (crews) and a travel-time matrix.

Units, stated once: every time is an integer number of seconds on one clock (the caller uses
seconds since local midnight); `durations[i][j]` is the travel time in seconds from location
index `i` to location index `j`. A time window limits the **start** of service; a crew may wait.

All types are frozen dataclasses validated on construction; an inconsistent value raises
`routing.errors.ProblemError` naming the job, vehicle or field.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from routing.errors import ProblemError
from routing.geo import LatLon

MUST_PRIORITY = 100
"""A job with this priority is dropped only when no feasible route can serve it."""


def _check_int(value: object, where: str, name: str, *, minimum: int | None = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ProblemError(f"{name} must be an integer, got {value!r}", where=where)
    if minimum is not None and value < minimum:
        raise ProblemError(f"{name} must be >= {minimum}, got {value}", where=where)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A closed interval [start_s, end_s] of seconds."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        _check_int(self.start_s, "time window", "start")
        _check_int(self.end_s, "time window", "end")
        if self.end_s < self.start_s:
            raise ProblemError(f"time window ends ({self.end_s}) before it starts ({self.start_s})")

    def contains(self, t: int) -> bool:
        return self.start_s <= t <= self.end_s


def _check_windows(windows: tuple[TimeWindow, ...], where: str) -> None:
    for tw in windows:
        if not isinstance(tw, TimeWindow):
            raise ProblemError(f"time windows must be TimeWindow values, got {tw!r}", where=where)
    for a, b in itertools.pairwise(windows):
        if b.start_s <= a.end_s:
            raise ProblemError(
                f"time windows must be sorted and disjoint; [{a.start_s}, {a.end_s}] and "
                f"[{b.start_s}, {b.end_s}] are not",
                where=where,
            )


def sorted_windows(windows: Iterable[TimeWindow]) -> tuple[TimeWindow, ...]:
    """Windows sorted by start, overlapping or touching ones merged (a convenience for callers)."""
    out: list[TimeWindow] = []
    for tw in sorted(windows, key=lambda w: (w.start_s, w.end_s)):
        if out and tw.start_s <= out[-1].end_s + 1:
            out[-1] = TimeWindow(out[-1].start_s, max(out[-1].end_s, tw.end_s))
        else:
            out.append(tw)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Break:
    """A crew break (e.g. lunch) of `service_s` seconds starting inside one of `time_windows`
    (empty = any time during the shift). It may be taken while travelling or waiting, never
    during a visit."""

    id: int
    time_windows: tuple[TimeWindow, ...]
    service_s: int
    description: str = ""

    def __post_init__(self) -> None:
        where = f"break {self.id}"
        _check_int(self.id, where, "id", minimum=None)
        object.__setattr__(self, "time_windows", tuple(self.time_windows))
        _check_windows(self.time_windows, where)
        _check_int(self.service_s, where, "service")


@dataclass(frozen=True, slots=True)
class Job:
    """A visit at `location_index`, `service_s` seconds long, starting inside one of
    `time_windows` (empty = any time), by a crew having every skill in `skills`.

    `priority` 0..100; 100 (`MUST_PRIORITY`) is dropped only when no feasible route exists.
    `pinned_vehicle`: only this crew may serve it. `preferred_vehicle`: continuity of care, any
    other crew costs `Problem.continuity_penalty_s`. `delivery`: load units taken from the
    crew's capacity.

    `soft_deadline_s`: the latest service start without penalty (a first-contact deadline); a
    later start is allowed and costs `lateness_cost_per_min` per minute late, in minutes of
    travel (one minute late weighs as much as that many minutes of driving). Hard
    `time_windows` (fixed appointments) still apply; a job may have both.
    """

    id: int
    location_index: int
    service_s: int = 0
    time_windows: tuple[TimeWindow, ...] = ()
    skills: frozenset[int] = frozenset()
    priority: int = 0
    pinned_vehicle: int | None = None
    preferred_vehicle: int | None = None
    delivery: int = 0
    description: str = ""
    soft_deadline_s: int | None = None
    lateness_cost_per_min: int = 0

    def __post_init__(self) -> None:
        where = f"job {self.id}"
        _check_int(self.id, where, "id", minimum=None)
        _check_int(self.location_index, where, "location index")
        _check_int(self.service_s, where, "service")
        object.__setattr__(self, "time_windows", tuple(self.time_windows))
        _check_windows(self.time_windows, where)
        object.__setattr__(self, "skills", frozenset(self.skills))
        for skill in self.skills:
            _check_int(skill, where, "skill", minimum=None)
        _check_int(self.priority, where, "priority")
        if self.priority > MUST_PRIORITY:
            raise ProblemError(f"priority must be 0..100, got {self.priority}", where=where)
        for name in ("pinned_vehicle", "preferred_vehicle"):
            value = getattr(self, name)
            if value is not None:
                _check_int(value, where, name.replace("_", " "), minimum=None)
        _check_int(self.delivery, where, "delivery")
        if self.soft_deadline_s is not None:
            _check_int(self.soft_deadline_s, where, "soft deadline")
        _check_int(self.lateness_cost_per_min, where, "lateness cost per minute")

    def late_s(self, service_start_s: int) -> int:
        """Seconds past the soft deadline when service starts at `service_start_s`."""
        if self.soft_deadline_s is None:
            return 0
        return max(0, service_start_s - self.soft_deadline_s)

    @property
    def is_must(self) -> bool:
        return self.priority >= MUST_PRIORITY


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A crew. `start_index`/`end_index` are location indices (None: the route starts at its
    first visit / ends at its last). `time_window` is the shift: the route leaves its start no
    earlier than its start and reaches its end no later than its end. `locked_jobs` is a route
    prefix: these job ids, in this order, come first on this crew's route."""

    id: int
    start_index: int | None
    end_index: int | None
    time_window: TimeWindow | None
    skills: frozenset[int] = frozenset()
    breaks: tuple[Break, ...] = ()
    capacity: int | None = None
    max_tasks: int | None = None
    locked_jobs: tuple[int, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        where = f"vehicle {self.id}"
        _check_int(self.id, where, "id", minimum=None)
        for name in ("start_index", "end_index", "capacity", "max_tasks"):
            value = getattr(self, name)
            if value is not None:
                _check_int(value, where, name.replace("_", " "))
        if self.time_window is not None and not isinstance(self.time_window, TimeWindow):
            raise ProblemError(
                f"time window must be a TimeWindow, got {self.time_window!r}", where=where
            )
        object.__setattr__(self, "skills", frozenset(self.skills))
        object.__setattr__(self, "breaks", tuple(self.breaks))
        object.__setattr__(self, "locked_jobs", tuple(self.locked_jobs))
        ids = [b.id for b in self.breaks]
        if len(set(ids)) != len(ids):
            raise ProblemError(f"break ids must be unique, got {ids}", where=where)
        if len(set(self.locked_jobs)) != len(self.locked_jobs):
            raise ProblemError(f"locked jobs repeat a job: {list(self.locked_jobs)}", where=where)
        if self.max_tasks is not None and len(self.locked_jobs) > self.max_tasks:
            raise ProblemError(
                f"{len(self.locked_jobs)} locked jobs exceed max tasks {self.max_tasks}",
                where=where,
            )


def _as_duration_matrix(durations: Any) -> NDArray[np.int64]:
    try:
        arr = np.array(durations)
    except (TypeError, ValueError) as exc:
        raise ProblemError(f"not a matrix of numbers ({exc})", where="durations") from exc
    if arr.size == 0:
        arr = arr.reshape(0, 0)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ProblemError(f"must be a square matrix, got shape {arr.shape}", where="durations")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ProblemError("contains a missing or infinite value", where="durations")
        if not np.all(arr == np.floor(arr)):
            raise ProblemError("must be whole seconds", where="durations")
    elif arr.dtype.kind not in "iu" and arr.size:
        raise ProblemError(f"must hold integers, got {arr.dtype}", where="durations")
    out = arr.astype(np.int64)
    if out.size and out.min() < 0:
        i, j = np.unravel_index(int(out.argmin()), out.shape)
        raise ProblemError(f"negative travel time at [{i}][{j}]", where="durations")
    out.setflags(write=False)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """A day to plan.

    `durations`: any square array-like of whole non-negative seconds; stored as a read-only
    `numpy.int64` array (compare problems by identity, not value). `locations`, when given,
    has one `LatLon` per matrix row (for maps and JSON output only; the solver uses the matrix).

    Objective, lexicographic: serve every MUST job that can be served; then maximise the
    served priority; then the number of served jobs; then minimise travel seconds plus the
    lateness cost (60 x `lateness_cost_per_min` per minute past a job's soft deadline, i.e.
    that many travel seconds per second late) plus `continuity_penalty_s` for each job served
    by a crew other than its preferred one plus `balance_cost_per_s` times the longest crew
    workload (travel + service seconds).
    """

    jobs: tuple[Job, ...]
    vehicles: tuple[Vehicle, ...]
    durations: NDArray[np.int64]
    locations: tuple[LatLon, ...] | None = None
    continuity_penalty_s: int = 0
    balance_cost_per_s: int = 0
    _job_pos: Mapping[int, int] = field(init=False, repr=False)
    _vehicle_pos: Mapping[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "jobs", tuple(self.jobs))
        object.__setattr__(self, "vehicles", tuple(self.vehicles))
        object.__setattr__(self, "durations", _as_duration_matrix(self.durations))
        n = self.durations.shape[0]
        if self.locations is not None:
            object.__setattr__(self, "locations", tuple(self.locations))
            assert self.locations is not None
            if len(self.locations) != n:
                raise ProblemError(
                    f"{len(self.locations)} locations for a {n}x{n} matrix", where="locations"
                )
        _check_int(self.continuity_penalty_s, "problem", "continuity penalty")
        _check_int(self.balance_cost_per_s, "problem", "balance cost")
        job_pos: dict[int, int] = {}
        for k, job in enumerate(self.jobs):
            if not isinstance(job, Job):
                raise ProblemError(f"expected a Job, got {job!r}", where=f"jobs[{k}]")
            if job.id in job_pos:
                raise ProblemError("duplicate job id", where=f"job {job.id}")
            job_pos[job.id] = k
            if job.location_index >= n:
                raise ProblemError(
                    f"location index {job.location_index} is outside the {n}x{n} matrix",
                    where=f"job {job.id}",
                )
        vehicle_pos: dict[int, int] = {}
        for k, vehicle in enumerate(self.vehicles):
            if not isinstance(vehicle, Vehicle):
                raise ProblemError(f"expected a Vehicle, got {vehicle!r}", where=f"vehicles[{k}]")
            if vehicle.id in vehicle_pos:
                raise ProblemError("duplicate vehicle id", where=f"vehicle {vehicle.id}")
            vehicle_pos[vehicle.id] = k
            for name in ("start_index", "end_index"):
                index = getattr(vehicle, name)
                if index is not None and index >= n:
                    raise ProblemError(
                        f"{name.replace('_', ' ')} {index} is outside the {n}x{n} matrix",
                        where=f"vehicle {vehicle.id}",
                    )
        for job in self.jobs:
            for name in ("pinned_vehicle", "preferred_vehicle"):
                vid = getattr(job, name)
                if vid is not None and vid not in vehicle_pos:
                    raise ProblemError(
                        f"{name.replace('_', ' ')} {vid} is not a vehicle of this problem",
                        where=f"job {job.id}",
                    )
        locked_on: dict[int, int] = {}
        for vehicle in self.vehicles:
            for jid in vehicle.locked_jobs:
                where = f"vehicle {vehicle.id}"
                if jid not in job_pos:
                    raise ProblemError(
                        f"locked job {jid} is not a job of this problem", where=where
                    )
                if jid in locked_on:
                    raise ProblemError(
                        f"job {jid} is locked on vehicles {locked_on[jid]} and {vehicle.id}",
                        where=where,
                    )
                locked_on[jid] = vehicle.id
                job = self.jobs[job_pos[jid]]
                if job.pinned_vehicle is not None and job.pinned_vehicle != vehicle.id:
                    raise ProblemError(
                        f"locked job {jid} is pinned to vehicle {job.pinned_vehicle}", where=where
                    )
                missing = job.skills - vehicle.skills
                if missing:
                    raise ProblemError(
                        f"locked job {jid} needs skill(s) {sorted(missing)} this crew lacks",
                        where=where,
                    )
        object.__setattr__(self, "_job_pos", job_pos)
        object.__setattr__(self, "_vehicle_pos", vehicle_pos)

    @property
    def n_locations(self) -> int:
        return int(self.durations.shape[0])

    def job(self, job_id: int) -> Job:
        """The job with this id (KeyError if none)."""
        return self.jobs[self._job_pos[job_id]]

    def vehicle(self, vehicle_id: int) -> Vehicle:
        """The vehicle with this id (KeyError if none)."""
        return self.vehicles[self._vehicle_pos[vehicle_id]]

    def has_job(self, job_id: int) -> bool:
        return job_id in self._job_pos

    def has_vehicle(self, vehicle_id: int) -> bool:
        return vehicle_id in self._vehicle_pos

    def travel_s(self, from_index: int | None, to_index: int | None) -> int:
        """Travel seconds between two location indices; 0 when either end is None."""
        if from_index is None or to_index is None:
            return 0
        return int(self.durations[from_index, to_index])
