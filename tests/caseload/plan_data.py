"""Tiny named planning instances, built in memory (no database): crews, candidates, a routing
problem with a uniform drive between places, and a plan timed in a given order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from caseload.enums import ConsentState, Tier
from caseload.planning.build import BuiltProblem, PlanEdits, build_problem
from caseload.planning.candidates import Candidate
from caseload.planning.crews import CrewInfo, CrewMemberInfo
from caseload.planning.model import DayPlan
from caseload.planning.translate import to_day_plan
from routing.geo import LatLon
from routing.schedule import schedule_with_breaks
from routing.solution import Solution, Unassigned, summarize

ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 3, 8)  # the day US clocks spring forward: 23 hours long
BASE = LatLon(35.9968, -78.8980)
HOME = LatLon(36.0, -78.9)
LEG_S = 600


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def crew(
    name: str,
    start: int,
    end: int,
    skills: frozenset[str] = frozenset(),
    *,
    staff_id: int = 1,
    break_minutes: int = 0,
) -> CrewInfo:
    """A crew of one; with `break_minutes`, a break to start between 11:00 and 14:00."""
    return CrewInfo(
        name=name,
        crew_id=None,
        members=(CrewMemberInfo(staff_id, name, "community_paramedic", staff_id, 1),),
        skills=skills | {"paramedic"},
        languages=frozenset({"en"}),
        starts_at=at(start),
        ends_at=at(end),
        base_name="Station 1",
        base=BASE,
        break_earliest=at(11),
        break_latest=at(14),
        break_minutes=break_minutes,
    )


def cand(
    client_id: int,
    *,
    windows: tuple[tuple[datetime, datetime], ...] = (),
    due_by: datetime | None = None,
    location: LatLon | None = HOME,
    skills: frozenset[str] = frozenset(),
    tier: Tier = Tier.MUST,
) -> Candidate:
    return Candidate(
        key=f"c{client_id}",
        client_id=client_id,
        visit_id=None,
        name=f"Client {client_id}",
        tier=tier,
        score=100.0,
        priority=100 if tier is Tier.MUST else 60,
        purpose="Follow-up",
        visit_type="follow_up",
        reasons=("test",),
        location=location,
        location_text="somewhere",
        service_min=45,
        windows=windows,
        required_skills=skills,
        consent=ConsentState.GIVEN,
        assigned_clinician_id=1,
        assigned_clinician="A",
        due_by=due_by,
        selected=True,
    )


def spread(client_id: int, **kwargs: object) -> Candidate:
    """A candidate at its own place (no two share a location)."""
    where = LatLon(36.0 + 0.01 * client_id, -78.9)
    return cand(client_id, location=where, **kwargs)  # type: ignore[arg-type]


def durations(locations: Sequence[LatLon]) -> NDArray[np.int64]:
    n = len(locations)
    return np.full((n, n), LEG_S, dtype=np.int64) - LEG_S * np.eye(n, dtype=np.int64)


def timed_plan(
    crews: Sequence[CrewInfo],
    orders: Mapping[str, Sequence[Candidate]],
    *,
    left_out: Sequence[Candidate] = (),
    edits: PlanEdits | None = None,
) -> DayPlan:
    """The plan that visits `orders` (crew name -> candidates in order) as routing times them."""
    chosen = [c for cands in orders.values() for c in cands] + list(left_out)
    built: BuiltProblem = build_problem(DAY, ZONE, crews, chosen, durations, edits=edits)
    problem, ids = built.problem, built.ids
    routes = [
        schedule_with_breaks(
            problem, problem.vehicle(ids.vehicle_ids[name]), [ids.job_ids[c.key] for c in cands]
        )
        for name, cands in orders.items()
        if cands
    ]
    unassigned = [
        Unassigned(ids.job_ids[c.key], "Left out by the test.", "manual") for c in left_out
    ]
    solution = Solution(tuple(routes), tuple(unassigned), summarize(problem, routes, unassigned))
    return to_day_plan(built, solution, edits or PlanEdits())
