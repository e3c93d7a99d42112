"""The validator's timing checks, independent of the solver's scheduler (`routing.schedule`):
it re-derives the earliest schedule of a route from the order of its steps alone (waiting
allowed, breaks anywhere between two visits, during travel or waiting), then checks that the
times the solution reports are physically possible and keep every window.
"""

from __future__ import annotations

from collections.abc import Sequence

from routing.problem import Problem, TimeWindow, Vehicle
from routing.solution import Route, Step
from routing.violation import Violation


def _in_windows(t: int, windows: Sequence[TimeWindow]) -> bool:
    return not windows or any(w.start_s <= t <= w.end_s for w in windows)


def _first_start(t: int, windows: Sequence[TimeWindow]) -> int | None:
    best: int | None = None
    for w in windows:
        if w.end_s >= t:
            candidate = max(t, w.start_s)
            best = candidate if best is None else min(best, candidate)
    return t if not windows else best


def _loc(problem: Problem, vehicle: Vehicle, step: Step) -> int | None:
    if step.type == "job":
        assert step.id is not None
        return problem.job(step.id).location_index
    if step.type == "start":
        return vehicle.start_index
    return vehicle.end_index


def _travel(problem: Problem, a: int | None, b: int | None) -> int:
    return 0 if a is None or b is None else int(problem.durations[a][b])


def check_order_feasible(
    problem: Problem, vehicle: Vehicle, steps: Sequence[Step]
) -> list[Violation]:
    """Earliest schedule for this order; the first constraint it cannot keep."""
    vid = vehicle.id
    shift = vehicle.time_window
    now = shift.start_s if shift is not None else 0
    here = vehicle.start_index
    breaks = {b.id: b for b in vehicle.breaks}
    on_the_way: list[int] = []
    for step in steps[1:]:
        if step.type == "break":
            assert step.id is not None
            on_the_way.append(step.id)
            continue
        there = _loc(problem, vehicle, step)
        drive = _travel(problem, here, there)
        for bid in on_the_way:
            brk = breaks[bid]
            begin = _first_start(now, brk.time_windows)
            if begin is None:
                return [
                    Violation(
                        "break",
                        f"vehicle {vid} cannot start break {bid} in its window (ready at {now})",
                        vid,
                    )
                ]
            driven = min(drive, begin - now)
            drive -= driven
            now = begin + brk.service_s
        on_the_way = []
        now += drive
        if step.type == "job":
            assert step.id is not None
            job = problem.job(step.id)
            begin = _first_start(now, job.time_windows)
            if begin is None:
                return [
                    Violation(
                        "time_window",
                        f"job {job.id} cannot be reached before its "
                        f"last window closes (earliest {now})",
                        vid,
                        job.id,
                    )
                ]
            now = begin + job.service_s
        elif shift is not None and now > shift.end_s:
            return [
                Violation(
                    "shift",
                    f"vehicle {vid} cannot be back before its shift ends ({now} > {shift.end_s})",
                    vid,
                )
            ]
        here = there
    return []


def check_reported_times(problem: Problem, vehicle: Vehicle, route: Route) -> list[Violation]:
    """The reported times: physically possible, inside every window, totals right."""
    vid = vehicle.id
    out: list[Violation] = []
    steps = route.steps
    shift = vehicle.time_window
    breaks = {b.id: b for b in vehicle.breaks}
    for s in steps:
        if s.waiting_s < 0 or s.arrival_s + s.waiting_s + s.service_s != s.departure_s:
            out.append(
                Violation(
                    "schedule",
                    f"vehicle {vid}: step {s.type} {s.id} times do not "
                    "add up (arrival + waiting + service = departure)",
                    vid,
                    s.id if s.type == "job" else None,
                )
            )
    if shift is not None and steps[0].departure_s < shift.start_s:
        out.append(
            Violation(
                "shift",
                f"vehicle {vid} leaves at {steps[0].departure_s}, "
                f"before its shift ({shift.start_s})",
                vid,
            )
        )
    if shift is not None and steps[-1].arrival_s > shift.end_s:
        out.append(
            Violation(
                "shift",
                f"vehicle {vid} ends at {steps[-1].arrival_s}, after its shift ({shift.end_s})",
                vid,
            )
        )
    travel_total = 0
    prev = steps[0]
    here = vehicle.start_index
    between: list[Step] = []
    for s in steps[1:]:
        if s.type == "break":
            assert s.id is not None
            brk = breaks[s.id]
            if s.service_s != brk.service_s:
                out.append(
                    Violation(
                        "break",
                        f"vehicle {vid}: break {s.id} lasts {s.service_s}"
                        f", must last {brk.service_s}",
                        vid,
                    )
                )
            if not _in_windows(s.service_start_s, brk.time_windows):
                out.append(
                    Violation(
                        "break",
                        f"vehicle {vid}: break {s.id} starts at "
                        f"{s.service_start_s}, outside its windows",
                        vid,
                    )
                )
            between.append(s)
            continue
        there = _loc(problem, vehicle, s)
        drive = _travel(problem, here, there)
        travel_total += drive
        # Breaks in order, after the previous departure; the drive fits in the gaps.
        t = prev.departure_s
        for b in between:
            if b.service_start_s < t:
                out.append(
                    Violation(
                        "schedule",
                        f"vehicle {vid}: break {b.id} starts before the previous step ends",
                        vid,
                    )
                )
            t = b.departure_s
        pause = sum(b.service_s for b in between)
        if s.arrival_s < prev.departure_s + drive + pause or s.arrival_s < t:
            out.append(
                Violation(
                    "schedule",
                    f"vehicle {vid}: arrives at {s.type} {s.id} at "
                    f"{s.arrival_s}, too early to have driven there",
                    vid,
                    s.id if s.type == "job" else None,
                )
            )
        if s.type == "job":
            assert s.id is not None
            job = problem.job(s.id)
            if s.service_s != job.service_s:
                out.append(
                    Violation(
                        "schedule",
                        f"job {job.id} service {s.service_s} s, must be {job.service_s} s",
                        vid,
                        job.id,
                    )
                )
            if not _in_windows(s.service_start_s, job.time_windows):
                out.append(
                    Violation(
                        "time_window",
                        f"job {job.id} starts at {s.service_start_s}, outside its windows",
                        vid,
                        job.id,
                    )
                )
            # Lateness is no violation; a wrong reported figure is.
            deadline = job.soft_deadline_s
            late = 0 if deadline is None else max(0, s.service_start_s - deadline)
            if s.late_s != late:
                out.append(
                    Violation(
                        "lateness",
                        f"job {job.id} reports {s.late_s} s late, its service start says {late} s",
                        vid,
                        job.id,
                    )
                )
            if s.location_index != job.location_index:
                out.append(
                    Violation(
                        "schedule",
                        f"job {job.id} reported at location {s.location_index}",
                        vid,
                        job.id,
                    )
                )
        between = []
        prev = s
        here = there
    if route.travel_s != travel_total:
        out.append(
            Violation(
                "travel",
                f"vehicle {vid} reports {route.travel_s} s of travel, "
                f"the matrix says {travel_total} s",
                vid,
            )
        )
    return out
