"""Turn a day's crews and chosen candidates into a `routing.Problem` and back.

The clock is seconds since local midnight of the day, counted in absolute time (via UTC),
so a daylight-saving day stays correct. Job ids are client ids (one visit per client per day),
vehicle ids are 1-based positions in the crew list: `IdMap`, built here once and carried with
the problem, is the only place that knows either. Skills become small integers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from caseload.errors import UserError
from caseload.planning.candidates import NEEDS_LOCATION, Candidate
from caseload.planning.crews import CrewInfo
from caseload.settings import ProgramSettings
from routing.geo import LatLon
from routing.problem import Break, Job, Problem, TimeWindow, Vehicle


@dataclass(frozen=True, slots=True)
class PlanEdits:
    """The program manager's constraints on a re-plan.

    `pinned`: candidate key -> crew name (only that crew may go).
    `locked`: crew name -> candidate keys, in order, that stay first on that route (done
    already, or fixed by hand).
    `keep`: candidate key -> the crew serving it in the plan being re-planned; moving it to
    another crew costs the continuity penalty, so a re-plan changes as little as it can.
    """

    pinned: Mapping[str, str] = field(default_factory=dict)
    locked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keep: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IdMap:
    """Crew name <-> routing vehicle id and candidate key <-> routing job id."""

    vehicle_ids: Mapping[str, int]
    job_ids: Mapping[str, int]
    crew_names: Mapping[int, str] = field(init=False)
    keys: Mapping[int, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "crew_names", {v: k for k, v in self.vehicle_ids.items()})
        object.__setattr__(self, "keys", {v: k for k, v in self.job_ids.items()})

    @classmethod
    def of(cls, crews: Sequence[CrewInfo], candidates: Sequence[Candidate]) -> IdMap:
        return cls(
            vehicle_ids={crew.name: i for i, crew in enumerate(crews, start=1)},
            job_ids={c.key: c.client_id for c in candidates},
        )


@dataclass(frozen=True, slots=True)
class DoneVisit:
    """A visit with a recorded outcome, kept out of a re-plan during the day: it stays first on
    its crew's route at the recorded times (`caseload.planning.replan`)."""

    candidate: Candidate
    crew: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class CrewStart:
    """Where and when a crew continues from in a re-plan during the day (its last recorded
    stop, or its base, and the later of now and that stop's end)."""

    location: LatLon | None
    at: datetime


@dataclass(frozen=True, slots=True)
class BuiltProblem:
    problem: Problem
    origin: datetime  # local midnight of the day, aware
    crews: tuple[CrewInfo, ...]
    candidates: tuple[Candidate, ...]  # the routable ones, in job order
    unroutable: tuple[tuple[Candidate, str], ...]  # left out before solving, with the reason
    skill_ids: Mapping[str, int]
    ids: IdMap
    done: tuple[DoneVisit, ...] = ()  # recorded before a re-plan during the day, in order
    _by_job: Mapping[int, Candidate] = field(init=False, repr=False)
    _by_vehicle: Mapping[int, CrewInfo] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_job = {self.ids.job_ids[c.key]: c for c in self.candidates}
        by_vehicle = {self.ids.vehicle_ids[c.name]: c for c in self.crews}
        object.__setattr__(self, "_by_job", by_job)
        object.__setattr__(self, "_by_vehicle", by_vehicle)

    def at(self, seconds: int) -> datetime:
        return clock_time(self.origin, seconds)

    def crew_for_vehicle(self, vehicle_id: int) -> CrewInfo:
        return self._by_vehicle[vehicle_id]

    def candidate_for_job(self, job_id: int) -> Candidate:
        return self._by_job[job_id]


def clock_time(origin: datetime, seconds: int) -> datetime:
    """The aware moment `seconds` after `origin` (local midnight). Absolute arithmetic in UTC:
    same-zone aware arithmetic in Python is wall-clock time, wrong on a daylight-saving day."""
    moment = origin.astimezone(UTC) + timedelta(seconds=int(seconds))
    return moment.astimezone(origin.tzinfo)


def day_origin(on: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(on, time(0), tzinfo=zone)


def _seconds(origin: datetime, moment: datetime) -> int:
    return int((moment.astimezone(UTC) - origin.astimezone(UTC)).total_seconds())


def _window(origin: datetime, start: datetime, end: datetime, horizon: int) -> TimeWindow | None:
    a = max(0, _seconds(origin, start))
    b = min(horizon, _seconds(origin, end))
    return TimeWindow(a, b) if b >= a else None


def build_problem(
    on: date,
    zone: ZoneInfo,
    crews: Sequence[CrewInfo],
    candidates: Sequence[Candidate],
    durations_for: Callable[[Sequence[LatLon]], NDArray[np.int64]],
    *,
    edits: PlanEdits | None = None,
    continuity_penalty_s: int = 600,
    program: ProgramSettings | None = None,
    starts: Mapping[str, CrewStart] | None = None,
) -> BuiltProblem:
    """Build the routing problem. `durations_for(locations) -> n x n seconds` (a provider).

    Appointments are hard time windows. A first-contact deadline (`due_by`) is a soft one: the
    latest start without penalty is max(deadline, the day's earliest shift start), so an
    overdue visit goes as early as the route allows, and each minute late costs the tier's
    `ProgramSettings.lateness_cost_per_min` (MUST >> HIGH) in minutes of travel.

    `starts` (a re-plan during the day): crew name -> where and when it continues from; its
    route starts there, no earlier than then, and still ends at its base. A break whose window
    has passed is taken as taken."""
    edits = edits or PlanEdits()
    program = program or ProgramSettings()
    if not crews:
        raise UserError(f"No crews are on shift on {on:%a %d %b %Y}: add shifts or crews first.")
    origin = day_origin(on, zone)
    horizon = 2 * 24 * 3600
    skill_names = sorted(
        {s for c in crews for s in c.skills}
        | {s for cand in candidates for s in cand.required_skills}
    )
    skill_ids = {name: i for i, name in enumerate(skill_names)}
    ids = IdMap.of(crews, candidates)
    crew_ids = ids.vehicle_ids
    clinician_crew = {
        member.staff_id: crew_ids[crew.name] for crew in crews for member in crew.members
    }

    locations: list[LatLon] = []
    index_of: dict[LatLon, int] = {}

    def index(point: LatLon) -> int:
        if point not in index_of:
            index_of[point] = len(locations)
            locations.append(point)
        return index_of[point]

    vehicles: list[Vehicle] = []
    locked_keys = {key for keys in edits.locked.values() for key in keys}
    by_key = {c.key: c for c in candidates}
    for crew in crews:
        vid = crew_ids[crew.name]
        base = index(crew.base) if crew.base is not None else None
        start_index = base
        shift_start = crew.starts_at
        resume = (starts or {}).get(crew.name)
        if resume is not None:
            if resume.location is not None:
                start_index = index(resume.location)
            # A crew whose shift is over takes nothing more (an empty, not an open, window).
            shift_start = min(max(shift_start, resume.at), crew.ends_at)
        breaks: tuple[Break, ...] = ()
        if crew.break_minutes > 0 and crew.break_earliest and crew.break_latest:
            latest_start = crew.break_latest - timedelta(minutes=crew.break_minutes)
            earliest = crew.break_earliest
            if resume is not None:
                earliest = max(earliest, shift_start)
            window = (
                None
                if latest_start < shift_start and resume is not None
                else _window(origin, earliest, max(latest_start, earliest), horizon)
            )
            if window is not None:
                breaks = (Break(1, (window,), crew.break_minutes * 60, "Break"),)
        locked = tuple(ids.job_ids[key] for key in edits.locked.get(crew.name, ()) if key in by_key)
        vehicles.append(
            Vehicle(
                id=vid,
                start_index=start_index,
                end_index=base,
                time_window=_window(origin, shift_start, crew.ends_at, horizon),
                skills=frozenset(skill_ids[s] for s in crew.skills),
                breaks=breaks,
                locked_jobs=locked,
                description=f"{crew.name}: {crew.member_names}",
            )
        )

    first_start = min(
        (v.time_window.start_s for v in vehicles if v.time_window is not None), default=0
    )
    jobs: list[Job] = []
    routable: list[Candidate] = []
    unroutable: list[tuple[Candidate, str]] = []
    for cand in candidates:
        if cand.location is None or cand.location_check:
            unroutable.append((cand, cand.location_check or NEEDS_LOCATION))
            continue
        pinned_crew = edits.pinned.get(cand.key)
        if pinned_crew is not None and pinned_crew not in crew_ids:
            unroutable.append((cand, f"Pinned to {pinned_crew}, who is not on shift."))
            continue
        windows = [
            w
            for start, end in cand.windows
            if (w := _window(origin, start, end, horizon)) is not None
        ]
        if cand.windows and not windows:
            unroutable.append((cand, "Its time window is not on this day."))
            continue
        routable.append(cand)
        kept_crew = edits.keep.get(cand.key)
        if kept_crew is not None and kept_crew in crew_ids:
            preferred: int | None = crew_ids[kept_crew]
        elif cand.assigned_clinician_id is not None:
            preferred = clinician_crew.get(cand.assigned_clinician_id)
        else:
            preferred = None
        jobs.append(
            Job(
                id=ids.job_ids[cand.key],
                location_index=index(cand.location),
                service_s=cand.service_min * 60,
                time_windows=tuple(windows),
                skills=frozenset(skill_ids[s] for s in cand.required_skills),
                # Locked and pinned visits were placed by hand: never drop them silently.
                priority=100 if cand.key in locked_keys else cand.priority,
                pinned_vehicle=crew_ids[pinned_crew] if pinned_crew is not None else None,
                preferred_vehicle=preferred,
                description=cand.purpose,
                soft_deadline_s=(
                    None if cand.due_by is None else max(first_start, _seconds(origin, cand.due_by))
                ),
                lateness_cost_per_min=program.lateness_cost_per_min(cand.tier),
            )
        )
    if locations:
        durations: NDArray[np.int64] = np.asarray(durations_for(locations), dtype=np.int64)
    else:
        durations = np.zeros((0, 0), dtype=np.int64)
    problem = Problem(
        jobs=tuple(jobs),
        vehicles=tuple(vehicles),
        durations=durations,
        locations=tuple(locations),
        continuity_penalty_s=continuity_penalty_s,
    )
    return BuiltProblem(
        problem=problem,
        origin=origin,
        crews=tuple(crews),
        candidates=tuple(routable),
        unroutable=tuple(unroutable),
        skill_ids=skill_ids,
        ids=ids,
    )
