"""Reading the routing JSON: a problem (VROOM input) and a stored plan (VROOM output)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from routing.errors import ProblemError
from routing.geo import LatLon
from routing.problem import Break, Job, Problem, Vehicle
from routing.solution import Route, Solution, Step, Unassigned, summarize
from routing.vroom_json.fields import (
    UNSUPPORTED,
    as_amount,
    as_int,
    as_list,
    as_obj,
    as_skills,
    as_window,
    as_windows,
    check_depth,
)

DurationsProvider = Callable[[Sequence[LatLon]], Any]
"""Given locations, a square matrix of travel seconds (e.g. a routing.matrix provider's
`durations`)."""


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
            pair = as_list(coord, f"{where}.{coord_key}")
            try:
                point = LatLon.from_lonlat([float(x) for x in pair])
            except (TypeError, ValueError) as exc:
                raise ProblemError(f"bad [lon, lat] ({exc})", where=f"{where}.{coord_key}") from exc
        if index_key in obj and obj[index_key] is not None:
            if not self.has_matrix:
                raise ProblemError(
                    "location indices need matrices.car.durations", where=f"{where}.{index_key}"
                )
            index = as_int(obj[index_key], f"{where}.{index_key}")
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
    data = as_obj(data, "problem")
    check_depth(data)
    for key in ("shipments",):
        if data.get(key):
            raise ProblemError(f"{UNSUPPORTED[key]} are not supported", where=key)
    matrix: Any = None
    matrices = data.get("matrices")
    if matrices is not None:
        car = as_obj(as_obj(matrices, "matrices").get("car"), "matrices.car")
        matrix = car.get("durations")
        if matrix is None:
            raise ProblemError("missing durations", where="matrices.car")
    elif data.get("matrix") is not None:
        matrix = data["matrix"]
    locs = _Locations(matrix is not None)
    jobs = [
        _job(j, f"jobs[{k}]", locs) for k, j in enumerate(as_list(data.get("jobs", []), "jobs"))
    ]
    vehicles = [
        _vehicle(v, f"vehicles[{k}]", locs)
        for k, v in enumerate(as_list(data.get("vehicles", []), "vehicles"))
    ]
    options = as_obj(data.get("options", {}), "options")
    locations: tuple[LatLon, ...] | None
    if matrix is not None:
        rows = as_list(matrix, "matrices.car.durations")
        for k, row in enumerate(rows):
            row = as_list(row, f"matrices.car.durations[{k}]")
            if len(row) != len(rows):
                raise ProblemError(
                    f"row has {len(row)} values, expected {len(rows)}",
                    where=f"matrices.car.durations[{k}]",
                )
            for c, cell in enumerate(row):
                as_int(cell, f"matrices.car.durations[{k}][{c}]")
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
        continuity_penalty_s=as_int(
            options.get("continuity_penalty", 0), "options.continuity_penalty"
        ),
        balance_cost_per_s=as_int(options.get("balance_cost", 0), "options.balance_cost"),
    )


def _job(raw: Any, where: str, locs: _Locations) -> Job:
    obj = as_obj(raw, where)
    if "id" not in obj:
        raise ProblemError("missing id", where=where)
    where = f"{where} (id {obj['id']})"
    for key in ("pickup", "setup"):
        if obj.get(key):
            raise ProblemError(f"{UNSUPPORTED[key]} are not supported", where=f"{where}.{key}")
    index = locs.resolve(obj, "location", "location_index", where)
    if index is None:
        raise ProblemError("missing location or location_index", where=where)
    delivery = obj.get("delivery", obj.get("amount", 0))
    return Job(
        id=as_int(obj["id"], f"{where}.id", minimum=None),
        location_index=index,
        service_s=as_int(obj.get("service", 0), f"{where}.service"),
        time_windows=as_windows(obj.get("time_windows", []), f"{where}.time_windows"),
        skills=as_skills(obj.get("skills", []), f"{where}.skills"),
        priority=as_int(obj.get("priority", 0), f"{where}.priority"),
        pinned_vehicle=(
            None
            if obj.get("pinned_vehicle") is None
            else as_int(obj["pinned_vehicle"], f"{where}.pinned_vehicle", minimum=None)
        ),
        preferred_vehicle=(
            None
            if obj.get("preferred_vehicle") is None
            else as_int(obj["preferred_vehicle"], f"{where}.preferred_vehicle", minimum=None)
        ),
        delivery=as_amount(delivery, f"{where}.delivery"),
        description=str(obj.get("description", "")),
        soft_deadline_s=(
            None
            if obj.get("soft_deadline") is None
            else as_int(obj["soft_deadline"], f"{where}.soft_deadline")
        ),
        lateness_cost_per_min=as_int(
            obj.get("lateness_cost_per_min", 0), f"{where}.lateness_cost_per_min"
        ),
    )


def _vehicle(raw: Any, where: str, locs: _Locations) -> Vehicle:
    obj = as_obj(raw, where)
    if "id" not in obj:
        raise ProblemError("missing id", where=where)
    where = f"{where} (id {obj['id']})"
    if obj.get("speed_factor", 1) != 1:
        raise ProblemError("speed factors are not supported", where=f"{where}.speed_factor")
    breaks = []
    for k, b in enumerate(as_list(obj.get("breaks", []), f"{where}.breaks")):
        bw = f"{where}.breaks[{k}]"
        bobj = as_obj(b, bw)
        breaks.append(
            Break(
                id=as_int(bobj.get("id"), f"{bw}.id", minimum=None),
                time_windows=as_windows(bobj.get("time_windows", []), f"{bw}.time_windows"),
                service_s=as_int(bobj.get("service", 0), f"{bw}.service"),
                description=str(bobj.get("description", "")),
            )
        )
    capacity = obj.get("capacity")
    max_tasks = obj.get("max_tasks")
    return Vehicle(
        id=as_int(obj["id"], f"{where}.id", minimum=None),
        start_index=locs.resolve(obj, "start", "start_index", where),
        end_index=locs.resolve(obj, "end", "end_index", where),
        time_window=(
            None
            if obj.get("time_window") is None
            else as_window(obj["time_window"], f"{where}.time_window")
        ),
        skills=as_skills(obj.get("skills", []), f"{where}.skills"),
        breaks=tuple(breaks),
        capacity=None if capacity is None else as_amount(capacity, f"{where}.capacity"),
        max_tasks=None if max_tasks is None else as_int(max_tasks, f"{where}.max_tasks"),
        locked_jobs=tuple(
            as_int(j, f"{where}.locked_jobs[{k}]", minimum=None)
            for k, j in enumerate(as_list(obj.get("locked_jobs", []), f"{where}.locked_jobs"))
        ),
        description=str(obj.get("description", "")),
    )


def solution_from_vroom(problem: Problem, data: Mapping[str, Any]) -> Solution:
    """Read a stored plan back (VROOM output format) against its problem. Times are taken as
    stored, not recomputed: run `routing.validate` to check them."""
    data = as_obj(data, "solution")
    routes: list[Route] = []
    for k, raw in enumerate(as_list(data.get("routes", []), "routes")):
        where = f"routes[{k}]"
        obj = as_obj(raw, where)
        vid = as_int(obj.get("vehicle"), f"{where}.vehicle", minimum=None)
        if not problem.has_vehicle(vid):
            raise ProblemError(f"unknown vehicle {vid}", where=f"{where}.vehicle")
        vehicle = problem.vehicle(vid)
        steps: list[Step] = []
        for n, rs in enumerate(as_list(obj.get("steps", []), f"{where}.steps")):
            sw = f"{where}.steps[{n}]"
            so = as_obj(rs, sw)
            kind = so.get("type")
            if kind not in ("start", "job", "break", "end"):
                raise ProblemError(f"unsupported step type {kind!r}", where=f"{sw}.type")
            ident = so.get("id", so.get("job"))
            sid = None if kind in ("start", "end") else as_int(ident, f"{sw}.id", minimum=None)
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
                loc = None if li is None else as_int(li, f"{sw}.location_index")
            arrival = as_int(so.get("arrival", 0), f"{sw}.arrival", minimum=None)
            waiting = as_int(so.get("waiting_time", 0), f"{sw}.waiting_time")
            service = as_int(so.get("service", 0), f"{sw}.service")
            late = 0
            if sid is not None and kind == "job":
                # Files without our `lateness` (e.g. VROOM's output): derive it.
                derived = problem.job(sid).late_s(arrival + waiting)
                late = as_int(so.get("lateness", derived), f"{sw}.lateness")
            steps.append(
                Step(kind, sid, loc, arrival, waiting, service, arrival + waiting + service, late)
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
                travel_s=as_int(obj.get("duration", 0), f"{where}.duration"),
                service_s=sum(j.service_s for j in jobs),
                waiting_s=sum(s.waiting_s for s in steps),
                priority=sum(j.priority for j in jobs),
                delivery=sum(j.delivery for j in jobs),
            )
        )
    unassigned: list[Unassigned] = []
    for k, raw in enumerate(as_list(data.get("unassigned", []), "unassigned")):
        uw = f"unassigned[{k}]"
        uo = as_obj(raw, uw)
        jid = as_int(uo.get("id"), f"{uw}.id", minimum=None)
        if not problem.has_job(jid):
            raise ProblemError(f"unknown job {jid}", where=f"{uw}.id")
        about = uo.get("reason_vehicle")
        unassigned.append(
            Unassigned(
                jid,
                str(uo.get("reason") or "no reason recorded"),
                str(uo.get("reason_code") or "unknown"),
                vehicle_id=(
                    None if about is None else as_int(about, f"{uw}.reason_vehicle", minimum=None)
                ),
                missing_skills=as_skills(uo.get("missing_skills", []), f"{uw}.missing_skills"),
                windows=as_windows(uo.get("time_windows", []), f"{uw}.time_windows"),
            )
        )
    status = as_obj(data.get("status", {}), "status")
    summary = as_obj(data.get("summary", {}), "summary")
    times = as_obj(summary.get("computing_times", {}), "summary.computing_times")
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
        objective=None
        if objective is None
        else as_int(objective, "status.objective", minimum=None),
    )
