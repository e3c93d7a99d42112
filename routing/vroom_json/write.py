"""Writing the routing JSON: a problem (VROOM input) and a solution (VROOM output plus our
reasons, departures and status)."""

from __future__ import annotations

from typing import Any

from routing.problem import Problem
from routing.solution import Solution, Step


def problem_to_vroom(problem: Problem) -> dict[str, Any]:
    """VROOM-format input: location indices plus the matrix (and coordinates when known)."""

    def coord(index: int | None) -> list[float] | None:
        if index is None or problem.locations is None:
            return None
        return problem.locations[index].to_lonlat()

    jobs = []
    for j in problem.jobs:
        d: dict[str, Any] = {
            "id": j.id,
            "location_index": j.location_index,
            "service": j.service_s,
            "priority": j.priority,
        }
        if (c := coord(j.location_index)) is not None:
            d["location"] = c
        if j.time_windows:
            d["time_windows"] = [[w.start_s, w.end_s] for w in j.time_windows]
        if j.skills:
            d["skills"] = sorted(j.skills)
        if j.delivery:
            d["delivery"] = [j.delivery]
        for key in ("pinned_vehicle", "preferred_vehicle"):
            if getattr(j, key) is not None:
                d[key] = getattr(j, key)
        if j.description:
            d["description"] = j.description
        if j.soft_deadline_s is not None:
            d["soft_deadline"] = j.soft_deadline_s
            d["lateness_cost_per_min"] = j.lateness_cost_per_min
        jobs.append(d)
    vehicles = []
    for v in problem.vehicles:
        e: dict[str, Any] = {"id": v.id}
        for key, index in (("start", v.start_index), ("end", v.end_index)):
            if index is not None:
                e[f"{key}_index"] = index
                if (c := coord(index)) is not None:
                    e[key] = c
        if v.time_window is not None:
            e["time_window"] = [v.time_window.start_s, v.time_window.end_s]
        if v.skills:
            e["skills"] = sorted(v.skills)
        if v.breaks:
            e["breaks"] = [
                {
                    "id": b.id,
                    "time_windows": [[w.start_s, w.end_s] for w in b.time_windows],
                    "service": b.service_s,
                    **({"description": b.description} if b.description else {}),
                }
                for b in v.breaks
            ]
        if v.capacity is not None:
            e["capacity"] = [v.capacity]
        if v.max_tasks is not None:
            e["max_tasks"] = v.max_tasks
        if v.locked_jobs:
            e["locked_jobs"] = list(v.locked_jobs)
        if v.description:
            e["description"] = v.description
        vehicles.append(e)
    out: dict[str, Any] = {
        "vehicles": vehicles,
        "jobs": jobs,
        "matrices": {"car": {"durations": problem.durations.tolist()}},
    }
    options = {
        k: val
        for k, val in (
            ("continuity_penalty", problem.continuity_penalty_s),
            ("balance_cost", problem.balance_cost_per_s),
        )
        if val
    }
    if options:
        out["options"] = options
    return out


def _step_to_vroom(problem: Problem, step: Step, travel_so_far: int) -> dict[str, Any]:
    d: dict[str, Any] = {
        "type": step.type,
        "arrival": step.arrival_s,
        "duration": travel_so_far,
        "service": step.service_s,
        "waiting_time": step.waiting_s,
        "departure": step.departure_s,
    }
    if step.id is not None:
        d["id"] = step.id
        if step.type == "job":
            d["job"] = step.id
            d["lateness"] = step.late_s
            job = problem.job(step.id)
            if job.description:
                d["description"] = job.description
    if step.location_index is not None:
        d["location_index"] = step.location_index
        if problem.locations is not None:
            d["location"] = problem.locations[step.location_index].to_lonlat()
    return d


def solution_to_vroom(problem: Problem, solution: Solution) -> dict[str, Any]:
    """VROOM-format output, plus our `reason`/`reason_code`, `departure` and `status`."""
    routes = []
    for route in solution.routes:
        vehicle = problem.vehicle(route.vehicle_id)
        steps = []
        travel = 0
        here = vehicle.start_index
        for step in route.steps:
            if step.type in ("job", "end"):
                there = (
                    problem.job(step.id).location_index
                    if step.type == "job" and step.id is not None
                    else vehicle.end_index
                )
                travel += problem.travel_s(here, there)
                here = there
            steps.append(_step_to_vroom(problem, step, travel))
        r: dict[str, Any] = {
            "vehicle": route.vehicle_id,
            "cost": route.travel_s,
            "steps": steps,
            "service": route.service_s,
            "duration": route.travel_s,
            "waiting_time": route.waiting_s,
            "priority": route.priority,
            "delivery": [route.delivery],
            "amount": [route.delivery],
            "pickup": [0],
            "setup": 0,
            "violations": [],
        }
        if vehicle.description:
            r["description"] = vehicle.description
        routes.append(r)
    unassigned = []
    for u in solution.unassigned:
        job = problem.job(u.job_id)
        d: dict[str, Any] = {
            "id": u.job_id,
            "type": "job",
            "location_index": job.location_index,
            "reason": u.reason,
            "reason_code": u.code,
        }
        if u.vehicle_id is not None:
            d["reason_vehicle"] = u.vehicle_id
        if u.missing_skills:
            d["missing_skills"] = sorted(u.missing_skills)
        if u.windows:
            d["time_windows"] = [[w.start_s, w.end_s] for w in u.windows]
        if problem.locations is not None:
            d["location"] = problem.locations[job.location_index].to_lonlat()
        if job.description:
            d["description"] = job.description
        unassigned.append(d)
    s = solution.summary
    return {
        "code": 0,
        "summary": {
            "cost": s.cost,
            "routes": s.routes,
            "unassigned": s.unassigned_jobs,
            "delivery": [sum(r.delivery for r in solution.routes)],
            "amount": [sum(r.delivery for r in solution.routes)],
            "pickup": [0],
            "setup": 0,
            "service": s.service_s,
            "duration": s.travel_s,
            "waiting_time": s.waiting_s,
            "priority": s.served_priority,
            "lateness": s.late_s,
            "violations": [],
            "computing_times": {
                "loading": 0,
                "solving": round(solution.computing_time_s * 1000),
                "routing": 0,
            },
        },
        "unassigned": unassigned,
        "routes": routes,
        "status": {
            "feasible": solution.feasible,
            "optimal": solution.optimal,
            "cancelled": solution.cancelled,
            "time_limit_reached": solution.time_limit_reached,
            "computing_time_s": solution.computing_time_s,
            "objective": solution.objective,
        },
    }
