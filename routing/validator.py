"""An independent check of a solution against its problem.

It trusts nothing the solver says: it re-derives every schedule from the order of the steps
alone (earliest start, waiting allowed, breaks anywhere between two visits, during travel or
waiting) and checks every constraint; then it checks that the times the solution reports are
physically possible and keep every window. It shares no scheduling code with the solver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.errors import RoutingError
from routing.problem import Problem, TimeWindow, Vehicle
from routing.solution import Route, Solution, Step


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    message: str
    vehicle_id: int | None = None
    job_id: int | None = None

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InvalidSolutionError(RoutingError, AssertionError):
    """Raised by `assert_valid`; `violations` lists what is wrong."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        super().__init__("invalid solution:\n" + "\n".join(f"  {v}" for v in self.violations))


def assert_valid(problem: Problem, solution: Solution) -> None:
    violations = validate(problem, solution)
    if violations:
        raise InvalidSolutionError(violations)


def _in_windows(t: int, windows: Sequence[TimeWindow]) -> bool:
    return not windows or any(w.start_s <= t <= w.end_s for w in windows)


def _first_start(t: int, windows: Sequence[TimeWindow]) -> int | None:
    best: int | None = None
    for w in windows:
        if w.end_s >= t:
            candidate = max(t, w.start_s)
            best = candidate if best is None else min(best, candidate)
    return t if not windows else best


def validate(problem: Problem, solution: Solution) -> list[Violation]:
    """Every broken constraint, as a list (empty: the solution is valid)."""
    out: list[Violation] = []
    seen_jobs: dict[int, int] = {}
    seen_vehicles: set[int] = set()
    for route in solution.routes:
        vid = route.vehicle_id
        if not problem.has_vehicle(vid):
            out.append(Violation("unknown_vehicle", f"route for unknown vehicle {vid}", vid))
            continue
        if vid in seen_vehicles:
            out.append(Violation("duplicate_route", f"vehicle {vid} has two routes", vid))
            continue
        seen_vehicles.add(vid)
        out += _check_route(problem, problem.vehicle(vid), route, seen_jobs)
    for vehicle in problem.vehicles:
        if vehicle.locked_jobs and vehicle.id not in seen_vehicles:
            out.append(
                Violation(
                    "locked", f"vehicle {vehicle.id} has locked jobs but no route", vehicle.id
                )
            )
    unassigned_ids: set[int] = set()
    for u in solution.unassigned:
        if not problem.has_job(u.job_id):
            out.append(
                Violation(
                    "unknown_job", f"unassigned job {u.job_id} does not exist", job_id=u.job_id
                )
            )
        elif u.job_id in seen_jobs or u.job_id in unassigned_ids:
            out.append(
                Violation(
                    "duplicate_job",
                    f"job {u.job_id} is both unassigned and planned (or twice)",
                    job_id=u.job_id,
                )
            )
        if not u.reason or not u.code:
            out.append(
                Violation("no_reason", f"unassigned job {u.job_id} has no reason", job_id=u.job_id)
            )
        unassigned_ids.add(u.job_id)
    for job in problem.jobs:
        if job.id not in seen_jobs and job.id not in unassigned_ids:
            out.append(
                Violation(
                    "missing_job", f"job {job.id} is neither planned nor unassigned", job_id=job.id
                )
            )
    out += _check_summary(problem, solution)
    return out


def _check_route(
    problem: Problem, vehicle: Vehicle, route: Route, seen_jobs: dict[int, int]
) -> list[Violation]:
    vid = vehicle.id
    out: list[Violation] = []
    steps = route.steps
    if len(steps) < 2 or steps[0].type != "start" or steps[-1].type != "end":
        return [Violation("structure", f"route of vehicle {vid} must go start ... end", vid)]
    if any(s.type not in ("job", "break") for s in steps[1:-1]):
        return [Violation("structure", f"route of vehicle {vid} has a misplaced start/end", vid)]
    job_ids: list[int] = []
    breaks_seen: list[int] = []
    breaks = {b.id: b for b in vehicle.breaks}
    for s in steps[1:-1]:
        if s.id is None:
            out.append(Violation("structure", f"a {s.type} step of vehicle {vid} has no id", vid))
            return out
        if s.type == "job":
            if not problem.has_job(s.id):
                out.append(
                    Violation("unknown_job", f"vehicle {vid} visits unknown job {s.id}", vid, s.id)
                )
                return out
            if s.id in seen_jobs:
                out.append(
                    Violation("duplicate_job", f"job {s.id} is served more than once", vid, s.id)
                )
            seen_jobs[s.id] = vid
            job_ids.append(s.id)
        else:
            if s.id not in breaks:
                out.append(Violation("break", f"vehicle {vid} has no break {s.id}", vid))
                return out
            breaks_seen.append(s.id)
    if not job_ids:
        out.append(Violation("structure", f"route of vehicle {vid} serves no job", vid))
    if sorted(breaks_seen) != sorted(breaks):
        out.append(
            Violation(
                "break",
                f"vehicle {vid} takes breaks {sorted(breaks_seen)}, "
                f"must take each of {sorted(breaks)} once",
                vid,
            )
        )
    jobs = [problem.job(j) for j in job_ids]
    for job in jobs:
        missing = job.skills - vehicle.skills
        if missing:
            out.append(
                Violation(
                    "skills",
                    f"job {job.id} needs skill(s) {sorted(missing)} that vehicle {vid} lacks",
                    vid,
                    job.id,
                )
            )
        if job.pinned_vehicle is not None and job.pinned_vehicle != vid:
            out.append(
                Violation(
                    "pinned",
                    f"job {job.id} is pinned to vehicle {job.pinned_vehicle}, served by {vid}",
                    vid,
                    job.id,
                )
            )
    load = sum(j.delivery for j in jobs)
    if vehicle.capacity is not None and load > vehicle.capacity:
        out.append(
            Violation(
                "capacity", f"vehicle {vid} carries {load} > capacity {vehicle.capacity}", vid
            )
        )
    if vehicle.max_tasks is not None and len(jobs) > vehicle.max_tasks:
        out.append(
            Violation(
                "max_tasks", f"vehicle {vid} has {len(jobs)} jobs > max {vehicle.max_tasks}", vid
            )
        )
    locked = list(vehicle.locked_jobs)
    if job_ids[: len(locked)] != locked:
        out.append(
            Violation(
                "locked",
                f"vehicle {vid} must start with jobs {locked}, "
                f"starts with {job_ids[: len(locked)]}",
                vid,
            )
        )
    if out:
        return out
    out += _check_order_feasible(problem, vehicle, steps)
    out += _check_reported_times(problem, vehicle, route)
    return out


def _loc(problem: Problem, vehicle: Vehicle, step: Step) -> int | None:
    if step.type == "job":
        assert step.id is not None
        return problem.job(step.id).location_index
    if step.type == "start":
        return vehicle.start_index
    return vehicle.end_index


def _travel(problem: Problem, a: int | None, b: int | None) -> int:
    return 0 if a is None or b is None else int(problem.durations[a][b])


def _check_order_feasible(
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


def _check_reported_times(problem: Problem, vehicle: Vehicle, route: Route) -> list[Violation]:
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


def _check_summary(problem: Problem, solution: Solution) -> list[Violation]:
    s = solution.summary
    out: list[Violation] = []
    travel = sum(r.travel_s for r in solution.routes)
    served = sum(len(r.job_ids) for r in solution.routes)
    priority = sum(
        problem.job(j).priority for r in solution.routes for j in r.job_ids if problem.has_job(j)
    )
    for name, reported, actual in (
        ("travel", s.travel_s, travel),
        ("served jobs", s.served_jobs, served),
        ("served priority", s.served_priority, priority),
        ("unassigned jobs", s.unassigned_jobs, len(solution.unassigned)),
    ):
        if reported != actual:
            out.append(Violation("summary", f"summary {name} is {reported}, routes give {actual}"))
    return out
