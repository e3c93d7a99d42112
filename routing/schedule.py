"""The one scheduler that turns a route order into times: the solver, the repair, the
explainer and callers that edit plans use it. The validator deliberately has its own.

What the times mean is documented in `routing.solution` (`Step`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Literal

from routing.errors import RoutingError
from routing.problem import Break, Problem, TimeWindow, Vehicle
from routing.solution import Route, Step


class ScheduleError(RoutingError):
    """A route order that cannot be timed: a window, the shift or a break cannot be kept (the
    message says which)."""


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
                Step(
                    "job",
                    job.id,
                    loc,
                    arrival,
                    wait,
                    job.service_s,
                    start + job.service_s,
                    job.late_s(start),
                )
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
            first.late_s,
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
