"""An independent check of a solution against its problem.

It trusts nothing the solver says. Here: the structure (every job planned or unassigned once,
known ids, skills, pins, capacity, max tasks, locks, breaks taken once each) and the summary;
`routing.validator_timing`: every schedule re-derived from the order of the steps alone, and
the reported times. It shares no scheduling code with the solver.
"""

from __future__ import annotations

from routing.problem import Problem, Vehicle
from routing.solution import Route, Solution
from routing.validator_timing import check_order_feasible, check_reported_times
from routing.violation import InvalidSolutionError, Violation


def assert_valid(problem: Problem, solution: Solution) -> None:
    violations = validate(problem, solution)
    if violations:
        raise InvalidSolutionError(violations)


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
    out += check_order_feasible(problem, vehicle, steps)
    out += check_reported_times(problem, vehicle, route)
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
        ("lateness", s.late_s, _lateness(problem, solution)),
    ):
        if reported != actual:
            out.append(Violation("summary", f"summary {name} is {reported}, routes give {actual}"))
    return out


def _lateness(problem: Problem, solution: Solution) -> int:
    """Seconds past soft deadlines, from the service starts (not from the reported figures)."""
    total = 0
    for route in solution.routes:
        for st in route.steps:
            if st.type != "job" or st.id is None or not problem.has_job(st.id):
                continue
            deadline = problem.job(st.id).soft_deadline_s
            if deadline is not None:
                total += max(0, st.service_start_s - deadline)
    return total
