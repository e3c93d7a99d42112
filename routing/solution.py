"""The solution: routes of timed steps, unassigned jobs with reasons, a summary and flags.

Also the one scheduler that turns a route order into times (`schedule_route`): the solver,
the explainer and the JSON reader use it. The validator deliberately has its own.

Schedule semantics (what a `Step` means):
- `arrival_s` is when the crew is ready at the step's location (after travel and any break
  taken on the way); service starts at `arrival_s + waiting_s` and ends at `departure_s`.
- A break step sits between two stops; it starts as early as its window allows after the crew
  leaves the previous stop, possibly part-way through the drive (then its `location_index` is
  None) or while waiting at the next stop. Its `waiting_s` is the wait for its window to open.
- Routes leave as early as the shift allows, then the start is delayed by the wait at the first
  visit (if no break comes first), so crews do not idle at their first door.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from routing.problem import MUST_PRIORITY, Break, Problem, TimeWindow, Vehicle

StepType = Literal["start", "job", "break", "end"]


@dataclass(frozen=True, slots=True)
class Step:
    type: StepType
    id: int | None
    location_index: int | None
    arrival_s: int
    waiting_s: int
    service_s: int
    departure_s: int

    @property
    def service_start_s(self) -> int:
        return self.arrival_s + self.waiting_s


@dataclass(frozen=True, slots=True)
class Route:
    vehicle_id: int
    steps: tuple[Step, ...]
    travel_s: int
    service_s: int = 0
    waiting_s: int = 0
    priority: int = 0
    delivery: int = 0

    @property
    def job_ids(self) -> tuple[int, ...]:
        return tuple(s.id for s in self.steps if s.type == "job" and s.id is not None)

    @property
    def start_s(self) -> int:
        return self.steps[0].departure_s

    @property
    def end_s(self) -> int:
        return self.steps[-1].arrival_s

    @property
    def duration_s(self) -> int:
        """From leaving the start to reaching the end."""
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A job left out, why (`code`, one of the constants in `routing.explain`), and the facts
    behind it as data, so callers can word it themselves: `vehicle_id` is the crew the reason
    is about (the pinned crew, or the crew whose route would still take the job),
    `missing_skills` the skills no (or not the pinned) crew has, `windows` the job's time
    windows that lie outside the shifts or cannot be reached. `reason` is the same in English
    (the routing JSON's `reason`)."""

    job_id: int
    reason: str
    code: str
    vehicle_id: int | None = None
    missing_skills: frozenset[int] = frozenset()
    windows: tuple[TimeWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class Summary:
    cost: int
    travel_s: int
    service_s: int
    waiting_s: int
    routes: int
    served_jobs: int
    unassigned_jobs: int
    served_priority: int
    unassigned_priority: int
    must_unassigned: int


@dataclass(frozen=True, slots=True)
class Solution:
    """`feasible`: the routes satisfy every hard constraint (the solver found a plan).
    `optimal`: proven optimal (rare with local search). `cancelled`: the caller's cancel event
    stopped the search. `time_limit_reached`: the search ran until its time limit."""

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    summary: Summary
    feasible: bool = True
    optimal: bool = False
    cancelled: bool = False
    time_limit_reached: bool = False
    computing_time_s: float = 0.0
    objective: int | None = None

    def route_of(self, vehicle_id: int) -> Route | None:
        for route in self.routes:
            if route.vehicle_id == vehicle_id:
                return route
        return None

    def assignment(self) -> dict[int, int]:
        """Job id -> vehicle id for every served job."""
        return {jid: r.vehicle_id for r in self.routes for jid in r.job_ids}


def summarize(
    problem: Problem, routes: Sequence[Route], unassigned: Sequence[Unassigned]
) -> Summary:
    travel = sum(r.travel_s for r in routes)
    unassigned_jobs = [problem.job(u.job_id) for u in unassigned]
    return Summary(
        cost=travel,
        travel_s=travel,
        service_s=sum(r.service_s for r in routes),
        waiting_s=sum(r.waiting_s for r in routes),
        routes=len(routes),
        served_jobs=sum(len(r.job_ids) for r in routes),
        unassigned_jobs=len(unassigned),
        served_priority=sum(r.priority for r in routes),
        unassigned_priority=sum(j.priority for j in unassigned_jobs),
        must_unassigned=sum(1 for j in unassigned_jobs if j.priority >= MUST_PRIORITY),
    )


class ScheduleError(Exception):
    """A route order that cannot be timed (internal to routing; the message says why)."""


def earliest_in(windows: Sequence[TimeWindow], t: int) -> int | None:
    """The earliest time >= t inside one of the sorted windows (any time if there are none)."""
    if not windows:
        return t
    for tw in windows:
        if tw.end_s >= t:
            return max(t, tw.start_s)
    return None


def schedule_route(
    problem: Problem,
    vehicle: Vehicle,
    sequence: Sequence[tuple[Literal["job", "break"], int]],
    *,
    delay_start: bool = True,
) -> Route:
    """Time a route given its order of jobs and breaks (earliest schedule).

    Raises ScheduleError when a window, the shift or a break cannot be kept. Capacity, skills
    and max tasks are not checked here.
    """
    shift = vehicle.time_window
    t0 = shift.start_s if shift is not None else 0
    breaks = {b.id: b for b in vehicle.breaks}
    steps: list[Step] = [Step("start", None, vehicle.start_index, t0, 0, 0, t0)]
    t = t0
    prev_loc = vehicle.start_index
    pending: list[Break] = []
    travel_total = service_total = waiting_total = priority = delivery = 0
    first_leg = True
    shift_delay = 0
    legs: list[tuple[str, int | None]] = [*sequence, ("end", None)]
    for kind, ident in legs:
        if kind == "break":
            assert ident is not None
            if ident not in breaks:
                raise ScheduleError(f"vehicle {vehicle.id} has no break {ident}")
            pending.append(breaks[ident])
            continue
        if kind == "job":
            assert ident is not None
            job = problem.job(ident)
            loc: int | None = job.location_index
        else:
            loc = vehicle.end_index
        travel = problem.travel_s(prev_loc, loc)
        travel_total += travel
        remaining = travel
        for brk in pending:
            s = earliest_in(brk.time_windows, t)
            if s is None:
                raise ScheduleError(f"break {brk.id} of vehicle {vehicle.id} misses its windows")
            travelled = min(remaining, s - t)
            remaining -= travelled
            where = prev_loc if travelled == 0 else (loc if remaining == 0 else None)
            arrive = t + travelled
            steps.append(
                Step("break", brk.id, where, arrive, s - arrive, brk.service_s, s + brk.service_s)
            )
            waiting_total += s - arrive
            t = s + brk.service_s
        had_breaks = bool(pending)
        pending = []
        arrival = t + remaining
        if kind == "job":
            start = earliest_in(job.time_windows, arrival)
            if start is None:
                raise ScheduleError(
                    f"job {job.id} reached at {arrival}, after its last window closes"
                )
            wait = start - arrival
            if first_leg and not had_breaks and delay_start:
                shift_delay = wait
            steps.append(
                Step("job", job.id, loc, arrival, wait, job.service_s, start + job.service_s)
            )
            waiting_total += wait
            service_total += job.service_s
            priority += job.priority
            delivery += job.delivery
            t = start + job.service_s
        else:
            if shift is not None and arrival > shift.end_s:
                raise ScheduleError(
                    f"vehicle {vehicle.id} ends at {arrival}, after its shift ({shift.end_s})"
                )
            steps.append(Step("end", None, loc, arrival, 0, 0, arrival))
        prev_loc = loc
        first_leg = False
    if shift_delay and len(steps) > 2:
        first = steps[1]
        steps[0] = Step(
            "start", None, vehicle.start_index, t0 + shift_delay, 0, 0, t0 + shift_delay
        )
        steps[1] = Step(
            "job",
            first.id,
            first.location_index,
            first.arrival_s + shift_delay,
            0,
            first.service_s,
            first.departure_s,
        )
        waiting_total -= shift_delay
    return Route(
        vehicle_id=vehicle.id,
        steps=tuple(steps),
        travel_s=travel_total,
        service_s=service_total,
        waiting_s=waiting_total,
        priority=priority,
        delivery=delivery,
    )


_MAX_BREAK_PLACEMENTS = 20_000


def schedule_with_breaks(
    problem: Problem,
    vehicle: Vehicle,
    job_ids: Sequence[int],
    *,
    service_starts: Mapping[int, int] | None = None,
    break_starts: Mapping[int, int] | None = None,
) -> Route:
    """Time a route of jobs and place every break of the vehicle.

    With the solver's service and break start times as hints, each break goes into the gap the
    solver chose; otherwise (or if that fails) every placement is tried, earliest gaps first.
    Raises ScheduleError when no placement works.
    """
    jobs_seq: list[tuple[Literal["job", "break"], int]] = [("job", j) for j in job_ids]
    if not vehicle.breaks:
        return schedule_route(problem, vehicle, jobs_seq)
    error: ScheduleError | None = None
    if (
        service_starts is not None
        and break_starts is not None
        and all(b.id in break_starts for b in vehicle.breaks)
    ):
        gaps: list[list[tuple[int, int]]] = [[] for _ in range(len(job_ids) + 1)]
        for brk in vehicle.breaks:
            s = break_starts[brk.id]
            pos = sum(
                1 for j in job_ids if service_starts.get(j, 0) + problem.job(j).service_s <= s
            )
            gaps[pos].append((s, brk.id))
        try:
            return schedule_route(problem, vehicle, _interleave(job_ids, gaps))
        except ScheduleError as exc:
            error = exc
    ordered = sorted(
        vehicle.breaks,
        key=lambda b: (b.time_windows[0].start_s if b.time_windows else 0, b.id),
    )
    n_gaps = len(job_ids) + 1
    if n_gaps ** len(ordered) > _MAX_BREAK_PLACEMENTS:
        raise error or ScheduleError(f"too many breaks to place on vehicle {vehicle.id}")
    for positions in itertools.product(range(n_gaps), repeat=len(ordered)):
        if any(a > b for a, b in itertools.pairwise(positions)):
            continue
        gaps = [[] for _ in range(n_gaps)]
        for k, (pos, brk) in enumerate(zip(positions, ordered, strict=True)):
            gaps[pos].append((k, brk.id))
        try:
            return schedule_route(problem, vehicle, _interleave(job_ids, gaps))
        except ScheduleError as exc:
            error = exc
    raise error or ScheduleError(f"no break placement works on vehicle {vehicle.id}")


def _interleave(
    job_ids: Sequence[int], gaps: Sequence[Sequence[tuple[int, int]]]
) -> list[tuple[Literal["job", "break"], int]]:
    seq: list[tuple[Literal["job", "break"], int]] = []
    for pos, gap in enumerate(gaps):
        seq.extend(("break", bid) for _, bid in sorted(gap))
        if pos < len(job_ids):
            seq.append(("job", job_ids[pos]))
    return seq
