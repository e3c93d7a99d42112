"""The solution: routes of timed steps, unassigned jobs with reasons, a summary and flags.

The times come from `routing.schedule` (the solver) or from a stored plan (the JSON reader).

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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from routing.problem import MUST_PRIORITY, Problem, TimeWindow

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
    late_s: int = 0
    """Seconds the service starts past the job's soft deadline (0 if none, or on time)."""

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
    def late_s(self) -> int:
        """Total seconds past soft deadlines on this route."""
        return sum(s.late_s for s in self.steps)

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
    late_s: int = 0
    """Total seconds past soft deadlines over all routes."""


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
        late_s=sum(r.late_s for r in routes),
    )


def lateness_cost(problem: Problem, route: Route) -> int:
    """The route's lateness cost in travel seconds (see `Problem`'s objective)."""
    return sum(
        problem.job(s.id).lateness_cost_per_min * s.late_s
        for s in route.steps
        if s.type == "job" and s.id is not None and s.late_s
    )
