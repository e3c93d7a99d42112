"""A stored plan, self-contained: the day's read model as saved, as JSON.

`snapshot_of(plan)` is written beside the routing problem and solution (VROOM JSON) when a
version is saved; `plan_from_snapshot` reads all three back into the identical `DayPlan`,
whatever happened to the crews, shifts or clients since. Times are aware ISO 8601 strings and
come back in the plan's own time zone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from caseload.enums import ConsentState, Tier
from caseload.errors import UserError
from caseload.planning.build import BuiltProblem, DoneVisit, IdMap, PlanEdits
from caseload.planning.candidates import Candidate
from caseload.planning.crews import CrewInfo, CrewMemberInfo
from caseload.planning.model import CrewRoute, DayPlan, PlanBasis, PlannedStop, UnassignedVisit
from caseload.priority.facts import TimedLabel
from routing import vroom_json
from routing.geo import LatLon

FORMAT = 1
Doc = dict[str, Any]


def _t(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _latlon(where: LatLon | None) -> list[float] | None:
    return None if where is None else [where.lat, where.lon]


def _crew(crew: CrewInfo) -> Doc:
    return {
        "name": crew.name,
        "crew_id": crew.crew_id,
        "members": [
            [m.staff_id, m.name, m.role, m.shift_id, m.shift_version] for m in crew.members
        ],
        "skills": sorted(crew.skills),
        "languages": sorted(crew.languages),
        "starts_at": _t(crew.starts_at),
        "ends_at": _t(crew.ends_at),
        "base_name": crew.base_name,
        "base": _latlon(crew.base),
        "break_earliest": _t(crew.break_earliest),
        "break_latest": _t(crew.break_latest),
        "break_minutes": crew.break_minutes,
    }


def _candidate(c: Candidate) -> Doc:
    return {
        "key": c.key,
        "client_id": c.client_id,
        "visit_id": c.visit_id,
        "name": c.name,
        "tier": c.tier.value,
        "score": c.score,
        "priority": c.priority,
        "purpose": c.purpose,
        "visit_type": c.visit_type,
        "reasons": list(c.reasons),
        "location": _latlon(c.location),
        "location_text": c.location_text,
        "service_min": c.service_min,
        "windows": [[_t(a), _t(b)] for a, b in c.windows],
        "required_skills": sorted(c.required_skills),
        "consent": c.consent.value,
        "assigned_clinician_id": c.assigned_clinician_id,
        "assigned_clinician": c.assigned_clinician,
        "due_by": _t(c.due_by),
        "selected": c.selected,
        "timed": [None if t is None else _timed(t) for t in c.timed],
    }


def _timed(t: TimedLabel) -> Doc:
    return {"head": t.head, "since": _t(t.since), "tail": t.tail, "deadline": _t(t.deadline)}


def _stop(s: PlannedStop) -> Doc:
    return {
        "key": s.key,
        "seq": s.seq,
        "arrival": _t(s.arrival),
        "start": _t(s.start),
        "departure": _t(s.departure),
        "waiting_s": s.waiting_s,
        "service_s": s.service_s,
        "pinned": s.pinned,
        "locked": s.locked,
        # Display fields as saved (the candidate holds them too; kept for readers of the row).
        "client_id": s.client_id,
        "name": s.name,
        "purpose": s.purpose,
        "reasons": list(s.reasons),
        "window": None if s.window is None else [_t(s.window[0]), _t(s.window[1])],
        "due_by": _t(s.due_by),
        "late": s.late,
        "order_note": s.order_note,
    }


def snapshot_of(plan: DayPlan) -> Doc:
    """The plan as a JSON-ready document (crews, candidates, stops, reasons, edits)."""
    if plan.basis is None:
        raise UserError("This plan has no routing data to save; plan the day again.")
    built = plan.basis.built
    return {
        "format": FORMAT,
        "timezone": str(built.origin.tzinfo),
        "origin": _t(built.origin),
        "status": plan.status,
        "computing_time_s": plan.computing_time_s,
        "travel_s": plan.travel_s,
        "served_priority": plan.served_priority,
        "crews": [_crew(c) for c in built.crews],
        "candidates": [_candidate(c) for c in built.candidates],
        "unroutable": [[_candidate(c), reason] for c, reason in built.unroutable],
        "done": [[_candidate(d.candidate), d.crew, _t(d.start), _t(d.end)] for d in built.done],
        "skill_ids": dict(built.skill_ids),
        "vehicle_ids": dict(built.ids.vehicle_ids),
        "job_ids": dict(built.ids.job_ids),
        "edits": {
            "pinned": dict(plan.edits.pinned),
            "locked": {k: list(v) for k, v in plan.edits.locked.items()},
            "keep": dict(plan.edits.keep),
        },
        "routes": [
            {
                "crew": r.crew.name,
                "travel_s": r.travel_s,
                "leaves_base": _t(r.leaves_base),
                "returns": _t(r.returns),
                "break_at": _t(r.break_at),
                "stops": [_stop(s) for s in r.stops],
            }
            for r in plan.routes
        ],
        "unassigned": [[u.candidate.key, u.reason] for u in plan.unassigned],
    }


def routing_documents(plan: DayPlan) -> tuple[Doc, Doc]:
    """The routing problem and solution in VROOM's JSON format."""
    if plan.basis is None:
        raise UserError("This plan has no routing data to save; plan the day again.")
    problem = plan.basis.built.problem
    return (
        vroom_json.problem_to_vroom(problem),
        vroom_json.solution_to_vroom(problem, plan.basis.solution),
    )


# --- reading back ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def t(self, raw: str | None) -> datetime | None:
        return None if raw is None else datetime.fromisoformat(raw).astimezone(self.zone)

    def tt(self, raw: str) -> datetime:
        return datetime.fromisoformat(raw).astimezone(self.zone)

    @staticmethod
    def latlon(raw: list[float] | None) -> LatLon | None:
        return None if raw is None else LatLon(raw[0], raw[1])

    def crew(self, d: Doc) -> CrewInfo:
        return CrewInfo(
            name=d["name"],
            crew_id=d["crew_id"],
            members=tuple(CrewMemberInfo(*m) for m in d["members"]),
            skills=frozenset(d["skills"]),
            languages=frozenset(d["languages"]),
            starts_at=self.tt(d["starts_at"]),
            ends_at=self.tt(d["ends_at"]),
            base_name=d["base_name"],
            base=self.latlon(d["base"]),
            break_earliest=self.t(d["break_earliest"]),
            break_latest=self.t(d["break_latest"]),
            break_minutes=d["break_minutes"],
        )

    def candidate(self, d: Doc) -> Candidate:
        return Candidate(
            key=d["key"],
            client_id=d["client_id"],
            visit_id=d["visit_id"],
            name=d["name"],
            tier=Tier(d["tier"]),
            score=d["score"],
            priority=d["priority"],
            purpose=d["purpose"],
            visit_type=d["visit_type"],
            reasons=tuple(d["reasons"]),
            location=self.latlon(d["location"]),
            location_text=d["location_text"],
            service_min=d["service_min"],
            # Plans saved before deadlines became soft held them as windows: drop those.
            windows=()
            if d.get("window_is_deadline")
            else tuple((self.tt(a), self.tt(b)) for a, b in d["windows"]),
            required_skills=frozenset(d["required_skills"]),
            consent=ConsentState(d["consent"]),
            assigned_clinician_id=d["assigned_clinician_id"],
            assigned_clinician=d["assigned_clinician"],
            due_by=self.t(d["due_by"]),
            selected=d["selected"],
            timed=tuple(None if t is None else self.timed(t) for t in d.get("timed", ())),
        )

    def timed(self, d: Doc) -> TimedLabel:
        return TimedLabel(d["head"], self.tt(d["since"]), d["tail"], self.tt(d["deadline"]))

    def stop(self, d: Doc, cand: Candidate) -> PlannedStop:
        window = d["window"]
        return PlannedStop(
            key=d["key"],
            client_id=d["client_id"],
            visit_id=cand.visit_id,
            seq=d["seq"],
            name=d["name"],
            tier=cand.tier,
            purpose=d["purpose"],
            reasons=tuple(d["reasons"]),
            location=cand.location,
            location_text=cand.location_text,
            arrival=self.tt(d["arrival"]),
            start=self.tt(d["start"]),
            departure=self.tt(d["departure"]),
            waiting_s=d["waiting_s"],
            service_s=d["service_s"],
            window=None
            if window is None or d.get("window_is_deadline")
            else (self.tt(window[0]), self.tt(window[1])),
            due_by=cand.due_by,
            pinned=d["pinned"],
            locked=d["locked"],
            order_note=d.get("order_note", ""),
        )


def _edits(d: Mapping[str, Any]) -> PlanEdits:
    return PlanEdits(
        pinned=dict(d["pinned"]),
        locked={k: tuple(v) for k, v in d["locked"].items()},
        keep=dict(d["keep"]),
    )


def plan_from_snapshot(snapshot: str, problem_json: str, solution_json: str) -> DayPlan:
    """The stored plan exactly as saved, with its routing basis for further edits."""
    doc = json.loads(snapshot)
    if doc.get("format") != FORMAT:
        raise UserError("This plan version was saved by another version of MIH Rounds.")
    read = _Reader(ZoneInfo(doc["timezone"]))
    crews = tuple(read.crew(c) for c in doc["crews"])
    routable = tuple(read.candidate(c) for c in doc["candidates"])
    unroutable = tuple((read.candidate(c), str(reason)) for c, reason in doc["unroutable"])
    done = tuple(
        DoneVisit(read.candidate(c), crew, read.tt(start), read.tt(end))
        for c, crew, start, end in doc.get("done", [])
    )
    problem = vroom_json.problem_from_vroom(json.loads(problem_json))
    built = BuiltProblem(
        problem=problem,
        origin=read.tt(doc["origin"]),
        crews=crews,
        candidates=routable,
        unroutable=unroutable,
        skill_ids=dict(doc["skill_ids"]),
        ids=IdMap(vehicle_ids=dict(doc["vehicle_ids"]), job_ids=dict(doc["job_ids"])),
        done=done,
    )
    solution = vroom_json.solution_from_vroom(problem, json.loads(solution_json))
    by_key = (
        {c.key: c for c in routable}
        | {c.key: c for c, _ in unroutable}
        | {d.candidate.key: d.candidate for d in done}
    )
    by_crew = {c.name: c for c in crews}
    routes = tuple(
        CrewRoute(
            crew=by_crew[r["crew"]],
            stops=tuple(read.stop(s, by_key[s["key"]]) for s in r["stops"]),
            travel_s=r["travel_s"],
            leaves_base=read.t(r["leaves_base"]),
            returns=read.t(r["returns"]),
            break_at=read.t(r["break_at"]),
        )
        for r in doc["routes"]
    )
    return DayPlan(
        plan_date=built.origin.date(),
        routes=routes,
        unassigned=tuple(UnassignedVisit(by_key[k], reason) for k, reason in doc["unassigned"]),
        travel_s=doc["travel_s"],
        served_priority=doc["served_priority"],
        status=doc["status"],
        computing_time_s=doc["computing_time_s"],
        edits=_edits(doc["edits"]),
        basis=PlanBasis(built, solution),
    )
