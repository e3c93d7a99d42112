"""The routing JSON: VROOM's input and output schema (docs/API.md), the subset we support.

Units as in VROOM: seconds, [lon, lat]. Input: `vehicles` (id, start/end as [lon, lat] or
start_index/end_index, time_window, skills, breaks {id, time_windows, service, description},
capacity (one dimension), max_tasks, description), `jobs` (id, location or location_index,
service, time_windows, skills, priority 0-100, delivery or amount (one dimension),
description), `matrices.car.durations` (or the legacy top-level `matrix`).

Our extensions (ignored by VROOM): job `pinned_vehicle`, `preferred_vehicle`; vehicle
`locked_jobs` (route prefix, job ids in order); top-level `options` {`continuity_penalty`,
`balance_cost`}. Output adds `reason`, `reason_code` (and, where they apply, `reason_vehicle`,
`missing_skills`, `time_windows`) to each unassigned job, `departure` to
each step and a `status` object (feasible, optimal, cancelled, time_limit_reached).

Differences from VROOM: priority 100 is a MUST visit (dropped only when infeasible), not just
a larger number; shipments, pickups, multi-dimensional amounts, setup times and speed factors
are rejected with a message rather than silently ignored.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from routing.errors import ProblemError
from routing.geo import LatLon
from routing.problem import Break, Job, Problem, TimeWindow, Vehicle
from routing.solution import Route, Solution, Step, Unassigned, summarize

DurationsProvider = Callable[[Sequence[LatLon]], Any]
"""Given locations, a square matrix of travel seconds (e.g. a routing.matrix provider's
`durations`)."""

_UNSUPPORTED = {
    "shipments": "shipments",
    "pickup": "pickups",
    "setup": "setup times",
    "speed_factor": "speed factors",
}


def _int(value: Any, where: str, *, minimum: int | None = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(f"expected an integer, got {value!r}", where=where)
    if isinstance(value, float):
        if not value.is_integer():
            raise ProblemError(f"expected a whole number, got {value!r}", where=where)
        value = int(value)
    if minimum is not None and value < minimum:
        raise ProblemError(f"must be >= {minimum}, got {value}", where=where)
    return int(value)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(f"expected a list, got {type(value).__name__}", where=where)
    return value


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProblemError(f"expected an object, got {type(value).__name__}", where=where)
    return value


def _window(value: Any, where: str) -> TimeWindow:
    pair = _list(value, where)
    if len(pair) != 2:
        raise ProblemError(f"expected [start, end], got {pair!r}", where=where)
    start, end = _int(pair[0], where + "[0]"), _int(pair[1], where + "[1]")
    if end < start:
        raise ProblemError(f"window ends ({end}) before it starts ({start})", where=where)
    return TimeWindow(start, end)


def _windows(value: Any, where: str) -> tuple[TimeWindow, ...]:
    windows = [_window(w, f"{where}[{k}]") for k, w in enumerate(_list(value, where))]
    windows.sort(key=lambda w: w.start_s)
    for a, b in itertools.pairwise(windows):
        if b.start_s <= a.end_s:
            raise ProblemError("time windows overlap", where=where)
    return tuple(windows)


def _amount(value: Any, where: str) -> int:
    if isinstance(value, list):
        if len(value) == 0:
            return 0
        if len(value) != 1:
            raise ProblemError("only one capacity dimension is supported", where=where)
        value = value[0]
    return _int(value, where)


def _skills(value: Any, where: str) -> frozenset[int]:
    return frozenset(
        _int(s, f"{where}[{k}]", minimum=None) for k, s in enumerate(_list(value, where))
    )


class _Locations:
    """Location indices: from the matrix, or collected from [lon, lat] coordinates."""

    def __init__(self, has_matrix: bool) -> None:
        self.has_matrix = has_matrix
        self.points: list[LatLon] = []
        self.index_of: dict[tuple[float, float], int] = {}
        self.coords: dict[int, LatLon] = {}

    def resolve(
        self, obj: Mapping[str, Any], coord_key: str, index_key: str, where: str
    ) -> int | None:
        coord = obj.get(coord_key)
        point: LatLon | None = None
        if coord is not None:
            pair = _list(coord, f"{where}.{coord_key}")
            try:
                point = LatLon.from_lonlat([float(x) for x in pair])
            except (TypeError, ValueError) as exc:
                raise ProblemError(f"bad [lon, lat] ({exc})", where=f"{where}.{coord_key}") from exc
        if index_key in obj and obj[index_key] is not None:
            if not self.has_matrix:
                raise ProblemError(
                    "location indices need matrices.car.durations", where=f"{where}.{index_key}"
                )
            index = _int(obj[index_key], f"{where}.{index_key}")
            if point is not None:
                self.coords[index] = point
            return index
        if point is None:
            return None
        if self.has_matrix:
            raise ProblemError(
                f"with a matrix, give {index_key} (not only {coord_key})", where=where
            )
        key = (point.lat, point.lon)
        if key not in self.index_of:
            self.index_of[key] = len(self.points)
            self.points.append(point)
        return self.index_of[key]


def problem_from_vroom(
    data: Mapping[str, Any], *, durations_provider: DurationsProvider | None = None
) -> Problem:
    """Build a Problem from VROOM-format input. Without `matrices.car.durations`, locations are
    [lon, lat] and `durations_provider` computes the matrix. Raises ProblemError saying where."""
    data = _obj(data, "problem")
    for key in ("shipments",):
        if data.get(key):
            raise ProblemError(f"{_UNSUPPORTED[key]} are not supported", where=key)
    matrix: Any = None
    matrices = data.get("matrices")
    if matrices is not None:
        car = _obj(_obj(matrices, "matrices").get("car"), "matrices.car")
        matrix = car.get("durations")
        if matrix is None:
            raise ProblemError("missing durations", where="matrices.car")
    elif data.get("matrix") is not None:
        matrix = data["matrix"]
    locs = _Locations(matrix is not None)
    jobs = [_job(j, f"jobs[{k}]", locs) for k, j in enumerate(_list(data.get("jobs", []), "jobs"))]
    vehicles = [
        _vehicle(v, f"vehicles[{k}]", locs)
        for k, v in enumerate(_list(data.get("vehicles", []), "vehicles"))
    ]
    options = _obj(data.get("options", {}), "options")
    locations: tuple[LatLon, ...] | None
    if matrix is not None:
        rows = _list(matrix, "matrices.car.durations")
        for k, row in enumerate(rows):
            row = _list(row, f"matrices.car.durations[{k}]")
            if len(row) != len(rows):
                raise ProblemError(
                    f"row has {len(row)} values, expected {len(rows)}",
                    where=f"matrices.car.durations[{k}]",
                )
            for c, cell in enumerate(row):
                _int(cell, f"matrices.car.durations[{k}][{c}]")
        durations: Any = rows
        n = len(rows)
        locations = (
            tuple(locs.coords[i] for i in range(n))
            if n and all(i in locs.coords for i in range(n))
            else None
        )
    else:
        if durations_provider is None:
            raise ProblemError(
                "no matrices.car.durations given and no travel-time provider", where="matrices"
            )
        locations = tuple(locs.points)
        durations = (
            np.asarray(durations_provider(locations), dtype=np.int64)
            if locations
            else np.zeros((0, 0), dtype=np.int64)
        )
    return Problem(
        jobs=tuple(jobs),
        vehicles=tuple(vehicles),
        durations=durations,
        locations=locations,
        continuity_penalty_s=_int(
            options.get("continuity_penalty", 0), "options.continuity_penalty"
        ),
        balance_cost_per_s=_int(options.get("balance_cost", 0), "options.balance_cost"),
    )


def _job(raw: Any, where: str, locs: _Locations) -> Job:
    obj = _obj(raw, where)
    if "id" not in obj:
        raise ProblemError("missing id", where=where)
    where = f"{where} (id {obj['id']})"
    for key in ("pickup", "setup"):
        if obj.get(key):
            raise ProblemError(f"{_UNSUPPORTED[key]} are not supported", where=f"{where}.{key}")
    index = locs.resolve(obj, "location", "location_index", where)
    if index is None:
        raise ProblemError("missing location or location_index", where=where)
    delivery = obj.get("delivery", obj.get("amount", 0))
    return Job(
        id=_int(obj["id"], f"{where}.id", minimum=None),
        location_index=index,
        service_s=_int(obj.get("service", 0), f"{where}.service"),
        time_windows=_windows(obj.get("time_windows", []), f"{where}.time_windows"),
        skills=_skills(obj.get("skills", []), f"{where}.skills"),
        priority=_int(obj.get("priority", 0), f"{where}.priority"),
        pinned_vehicle=(
            None
            if obj.get("pinned_vehicle") is None
            else _int(obj["pinned_vehicle"], f"{where}.pinned_vehicle", minimum=None)
        ),
        preferred_vehicle=(
            None
            if obj.get("preferred_vehicle") is None
            else _int(obj["preferred_vehicle"], f"{where}.preferred_vehicle", minimum=None)
        ),
        delivery=_amount(delivery, f"{where}.delivery"),
        description=str(obj.get("description", "")),
    )


def _vehicle(raw: Any, where: str, locs: _Locations) -> Vehicle:
    obj = _obj(raw, where)
    if "id" not in obj:
        raise ProblemError("missing id", where=where)
    where = f"{where} (id {obj['id']})"
    if obj.get("speed_factor", 1) != 1:
        raise ProblemError("speed factors are not supported", where=f"{where}.speed_factor")
    breaks = []
    for k, b in enumerate(_list(obj.get("breaks", []), f"{where}.breaks")):
        bw = f"{where}.breaks[{k}]"
        bobj = _obj(b, bw)
        breaks.append(
            Break(
                id=_int(bobj.get("id"), f"{bw}.id", minimum=None),
                time_windows=_windows(bobj.get("time_windows", []), f"{bw}.time_windows"),
                service_s=_int(bobj.get("service", 0), f"{bw}.service"),
                description=str(bobj.get("description", "")),
            )
        )
    capacity = obj.get("capacity")
    max_tasks = obj.get("max_tasks")
    return Vehicle(
        id=_int(obj["id"], f"{where}.id", minimum=None),
        start_index=locs.resolve(obj, "start", "start_index", where),
        end_index=locs.resolve(obj, "end", "end_index", where),
        time_window=(
            None
            if obj.get("time_window") is None
            else _window(obj["time_window"], f"{where}.time_window")
        ),
        skills=_skills(obj.get("skills", []), f"{where}.skills"),
        breaks=tuple(breaks),
        capacity=None if capacity is None else _amount(capacity, f"{where}.capacity"),
        max_tasks=None if max_tasks is None else _int(max_tasks, f"{where}.max_tasks"),
        locked_jobs=tuple(
            _int(j, f"{where}.locked_jobs[{k}]", minimum=None)
            for k, j in enumerate(_list(obj.get("locked_jobs", []), f"{where}.locked_jobs"))
        ),
        description=str(obj.get("description", "")),
    )


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


def solution_from_vroom(problem: Problem, data: Mapping[str, Any]) -> Solution:
    """Read a stored plan back (VROOM output format) against its problem. Times are taken as
    stored, not recomputed: run `routing.validate` to check them."""
    data = _obj(data, "solution")
    routes: list[Route] = []
    for k, raw in enumerate(_list(data.get("routes", []), "routes")):
        where = f"routes[{k}]"
        obj = _obj(raw, where)
        vid = _int(obj.get("vehicle"), f"{where}.vehicle", minimum=None)
        if not problem.has_vehicle(vid):
            raise ProblemError(f"unknown vehicle {vid}", where=f"{where}.vehicle")
        vehicle = problem.vehicle(vid)
        steps: list[Step] = []
        for n, rs in enumerate(_list(obj.get("steps", []), f"{where}.steps")):
            sw = f"{where}.steps[{n}]"
            so = _obj(rs, sw)
            kind = so.get("type")
            if kind not in ("start", "job", "break", "end"):
                raise ProblemError(f"unsupported step type {kind!r}", where=f"{sw}.type")
            ident = so.get("id", so.get("job"))
            sid = None if kind in ("start", "end") else _int(ident, f"{sw}.id", minimum=None)
            if kind == "job":
                assert sid is not None
                if not problem.has_job(sid):
                    raise ProblemError(f"unknown job {sid}", where=f"{sw}.id")
                loc: int | None = problem.job(sid).location_index
            elif kind == "start":
                loc = vehicle.start_index
            elif kind == "end":
                loc = vehicle.end_index
            else:
                li = so.get("location_index")
                loc = None if li is None else _int(li, f"{sw}.location_index")
            arrival = _int(so.get("arrival", 0), f"{sw}.arrival", minimum=None)
            waiting = _int(so.get("waiting_time", 0), f"{sw}.waiting_time")
            service = _int(so.get("service", 0), f"{sw}.service")
            steps.append(
                Step(kind, sid, loc, arrival, waiting, service, arrival + waiting + service)
            )
        if not steps or steps[0].type != "start":
            # VROOM omits start/end steps for vehicles without a start/end location.
            first = steps[0].arrival_s if steps else 0
            steps.insert(0, Step("start", None, vehicle.start_index, first, 0, 0, first))
        if steps[-1].type != "end":
            last = steps[-1].departure_s
            steps.append(Step("end", None, vehicle.end_index, last, 0, 0, last))
        jobs = [problem.job(s.id) for s in steps if s.type == "job" and s.id is not None]
        routes.append(
            Route(
                vehicle_id=vid,
                steps=tuple(steps),
                travel_s=_int(obj.get("duration", 0), f"{where}.duration"),
                service_s=sum(j.service_s for j in jobs),
                waiting_s=sum(s.waiting_s for s in steps),
                priority=sum(j.priority for j in jobs),
                delivery=sum(j.delivery for j in jobs),
            )
        )
    unassigned: list[Unassigned] = []
    for k, raw in enumerate(_list(data.get("unassigned", []), "unassigned")):
        uw = f"unassigned[{k}]"
        uo = _obj(raw, uw)
        jid = _int(uo.get("id"), f"{uw}.id", minimum=None)
        if not problem.has_job(jid):
            raise ProblemError(f"unknown job {jid}", where=f"{uw}.id")
        about = uo.get("reason_vehicle")
        unassigned.append(
            Unassigned(
                jid,
                str(uo.get("reason") or "no reason recorded"),
                str(uo.get("reason_code") or "unknown"),
                vehicle_id=None if about is None else _int(about, f"{uw}.reason_vehicle"),
                missing_skills=frozenset(
                    _int(v, f"{uw}.missing_skills")
                    for v in _list(uo.get("missing_skills", []), f"{uw}.missing_skills")
                ),
                windows=problem.job(jid).time_windows if uo.get("time_windows") else (),
            )
        )
    status = _obj(data.get("status", {}), "status")
    summary = _obj(data.get("summary", {}), "summary")
    times = _obj(summary.get("computing_times", {}), "summary.computing_times")
    objective = status.get("objective")
    return Solution(
        routes=tuple(routes),
        unassigned=tuple(unassigned),
        summary=summarize(problem, routes, unassigned),
        feasible=bool(status.get("feasible", data.get("code", 0) == 0)),
        optimal=bool(status.get("optimal", False)),
        cancelled=bool(status.get("cancelled", False)),
        time_limit_reached=bool(status.get("time_limit_reached", False)),
        computing_time_s=float(
            status.get("computing_time_s", float(times.get("solving", 0)) / 1000)
        ),
        objective=None if objective is None else _int(objective, "status.objective", minimum=None),
    )
