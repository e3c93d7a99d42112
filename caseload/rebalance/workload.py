"""The workload model: expected hours per week per client and per clinician, every number explained.

Pure code (no database): the service gathers the facts and these functions turn them into hours.

A client's hours per week, if clinician K carries them:

    weight(tier) x ( sum over active programs of visits/week x visit hours
                     + visits/week x travel hours per visit )

    travel per visit = (2 x km to K's base / stops per trip + km to nearby clients)
                       x circuity / speed + leg overhead

The base round trip is shared among the visits of one outing (`stops_per_trip`); the hop to
nearby clients (mean distance to the client's nearest other clients, whoever carries them) is what
the next leg of the round costs. A clinician's capacity is the hours on shift per week (scheduled
shifts in the coming days, else the contracted hours) less a reserve for calls, charting and
surprises. Shift hours count per crew-shift: two people riding together in one crew visit the
same clients in the same hours, so each carries half of that crew's hours.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

import numpy as np

from routing.geo import GeodesicPoints, LatLon, distance_m, distances_from_m
from routing.matrix import DEFAULT_CIRCUITY, DEFAULT_LEG_OVERHEAD_S, DEFAULT_SPEED_KMH


@dataclass(frozen=True, slots=True)
class RebalanceSettings:
    """Knobs of the workload model and the rebalancing objective (settings key "rebalance").

    Acuity weights multiply a client's hours by the client's priority tier (MUST / HIGH /
    ROUTINE); `weight_unranked` applies when no priority ranking is available.
    The objective weights are points: utilisation is counted in tenths of a percent, distance in
    km, each move costs `move_cost` (plus `recent_contact_move_cost` when the current clinician
    saw the client in the last `recent_contact_days`).
    """

    KEY: ClassVar[str] = "rebalance"

    reserve_fraction: float = 0.15
    shift_horizon_days: int = 14
    stops_per_trip: float = 5.0
    nearby_clients: int = 3
    weight_must: float = 1.5
    weight_high: float = 1.25
    weight_routine: float = 1.0
    weight_unranked: float = 1.0
    recent_contact_days: int = 14
    candidates_per_client: int = 5
    worst_weight: int = 2
    spread_weight: int = 1
    overload_weight: int = 1
    distance_weight_per_km: int = 2
    move_cost: int = 20
    recent_contact_move_cost: int = 30
    unassigned_penalty: int = 10_000

    def tier_weight(self, tier: str | None) -> float:
        return {
            "MUST": self.weight_must,
            "HIGH": self.weight_high,
            "ROUTINE": self.weight_routine,
        }.get(tier or "", self.weight_unranked)


@dataclass(frozen=True, slots=True)
class TravelKnobs:
    """Straight-line travel estimate: km x circuity / speed, plus a fixed overhead per leg."""

    circuity: float = DEFAULT_CIRCUITY
    speed_kmh: float = DEFAULT_SPEED_KMH
    leg_overhead_s: int = DEFAULT_LEG_OVERHEAD_S
    stops_per_trip: float = 5.0


@dataclass(frozen=True, slots=True)
class ProgramLoad:
    """One active enrollment's share: visits per week x visit length."""

    code: str
    name: str
    cadence_days: int
    visit_minutes: int
    required_skills: frozenset[str]
    peer_support_allowed: bool = True  # may a peer-support specialist carry it

    @property
    def visits_per_week(self) -> float:
        return 7.0 / self.cadence_days

    @property
    def hours_per_week(self) -> float:
        return self.visits_per_week * self.visit_minutes / 60.0

    def explain(self) -> str:
        return (
            f"{self.name}: {self.visits_per_week:.2f} visits/wk x {self.visit_minutes} min"
            f" = {self.hours_per_week:.2f} h/wk"
        )


@dataclass(frozen=True, slots=True)
class ClientFacts:
    """What the workload model needs to know about one client (a read model)."""

    client_id: int
    external_id: str
    name: str
    version: int
    location: LatLon | None
    programs: tuple[ProgramLoad, ...]
    tier: str | None
    nearby_km: float | None
    language: str
    needs_peer_support: bool
    locked: bool
    clinician_id: int | None
    seen_recently_by_current: bool

    @property
    def visits_per_week(self) -> float:
        return sum(p.visits_per_week for p in self.programs)

    @property
    def visit_hours_per_week(self) -> float:
        return sum(p.hours_per_week for p in self.programs)

    @property
    def required_skills(self) -> frozenset[str]:
        return frozenset().union(*(p.required_skills for p in self.programs))


@dataclass(frozen=True, slots=True)
class ShiftFacts:
    """One worked (not out-sick) shift: hours less the break, and the crew ridden in that day."""

    staff_id: int
    day: date
    hours: float
    crew_id: int | None  # None: working alone (a crew of one)


def shift_hours_by_staff(shifts: Sequence[ShiftFacts]) -> dict[int, float]:
    """Hours on shift per clinician, counted per crew-shift: the members of a crew working that
    day share its hours (each gets their hours / the members working), so two people riding
    together are not counted as two crews' worth of visits."""
    riders = Counter((s.crew_id, s.day) for s in shifts if s.crew_id is not None)
    hours: dict[int, float] = defaultdict(float)
    for s in shifts:
        sharing = riders[(s.crew_id, s.day)] if s.crew_id is not None else 1
        hours[s.staff_id] += s.hours / max(sharing, 1)
    return dict(hours)


@dataclass(frozen=True, slots=True)
class ClinicianFacts:
    """A clinician who carries a caseload, with capacity explained."""

    clinician_id: int
    name: str
    role: str
    base: LatLon | None
    base_name: str
    skills: frozenset[str]
    languages: frozenset[str]
    shift_hours_per_week: float
    capacity_source: str  # "shifts" or "contract"
    reserve_fraction: float

    @property
    def capacity_hours(self) -> float:
        return self.shift_hours_per_week * (1.0 - self.reserve_fraction)

    def explain_capacity(self) -> str:
        source = (
            "on scheduled shifts"
            if self.capacity_source == "shifts"
            else "contracted (no shifts scheduled)"
        )
        return (
            f"{self.name}: {self.shift_hours_per_week:.1f} h/wk {source}"
            f" less {self.reserve_fraction:.0%} reserve = {self.capacity_hours:.1f} h/wk"
        )


@dataclass(frozen=True, slots=True)
class ClientHours:
    """A client's expected hours per week if carried by one clinician, with the breakdown."""

    client_id: int
    clinician_id: int
    visit_hours: float
    base_km: float | None
    nearby_km: float | None
    travel_hours: float
    weight: float
    tier: str | None

    @property
    def total_hours(self) -> float:
        return self.weight * (self.visit_hours + self.travel_hours)

    def explain(self, facts: ClientFacts, knobs: TravelKnobs) -> str:
        lines = [p.explain() for p in facts.programs] or ["no active program: no visits"]
        if self.base_km is None:
            lines.append("travel: no known location, not estimated")
        else:
            lines.append(
                f"travel: {facts.visits_per_week:.2f} visits/wk x (2 x {self.base_km:.1f} km to"
                f" base / {knobs.stops_per_trip:g} stops + {self.nearby_km or 0.0:.1f} km to"
                f" nearby clients) x {knobs.circuity:g} / {knobs.speed_kmh:g} km/h"
                f" + {knobs.leg_overhead_s} s per leg = {self.travel_hours:.2f} h/wk"
            )
        tier = self.tier or "not ranked"
        lines.append(f"acuity ({tier}) x {self.weight:g}: total {self.total_hours:.2f} h/wk")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ClinicianLoad:
    """A clinician's total against capacity for one assignment."""

    clinician_id: int
    name: str
    capacity_hours: float
    load_hours: float
    clients: int

    @property
    def utilisation(self) -> float:
        return self.load_hours / self.capacity_hours if self.capacity_hours > 0 else math.inf

    def explain(self) -> str:
        return (
            f"{self.name}: {self.clients} clients, {self.load_hours:.1f} h/wk on"
            f" {self.capacity_hours:.1f} h/wk capacity ({_percent(self.utilisation)})"
        )


def _percent(value: float) -> str:
    return "no capacity" if math.isinf(value) else f"{value:.0%}"


def nearby_km(locations: Sequence[LatLon | None], k: int) -> list[float | None]:
    """For each location, the mean distance (km) to its k nearest other locations.

    None where the location is unknown, or where there is no other known location.
    """
    known = [loc for loc in locations if loc is not None]
    result: list[float | None] = [None] * len(locations)
    if len(known) < 2 or k < 1:
        return result
    points = GeodesicPoints.of(known)
    take = min(k, len(known) - 1)
    means: list[float] = []
    chunk = 512
    for start in range(0, len(known), chunk):
        stop = min(start + chunk, len(known))
        rows = np.arange(stop - start)
        dist = points.rows_m(slice(start, stop)) / 1000.0
        dist[rows, rows + start] = np.inf
        nearest = np.partition(dist, take - 1, axis=1)[:, :take]
        means.extend(nearest.mean(axis=1).tolist())
    values = iter(means)
    return [None if loc is None else next(values) for loc in locations]


def client_hours(
    facts: ClientFacts,
    clinician: ClinicianFacts,
    knobs: TravelKnobs,
    settings: RebalanceSettings,
) -> ClientHours:
    """The client's expected hours per week if `clinician` carries them."""
    base_km: float | None = None
    travel = 0.0
    if facts.location is not None and clinician.base is not None:
        base_km = distance_m(facts.location, clinician.base) / 1000.0
        per_visit_km = 2.0 * base_km / max(knobs.stops_per_trip, 1.0) + (facts.nearby_km or 0.0)
        per_visit_h = per_visit_km * knobs.circuity / knobs.speed_kmh + knobs.leg_overhead_s / 3600
        travel = facts.visits_per_week * per_visit_h
    return ClientHours(
        client_id=facts.client_id,
        clinician_id=clinician.clinician_id,
        visit_hours=facts.visit_hours_per_week,
        base_km=base_km,
        nearby_km=facts.nearby_km if base_km is not None else None,
        travel_hours=travel,
        weight=settings.tier_weight(facts.tier),
        tier=facts.tier,
    )


def pair_hours(
    clients: Sequence[ClientFacts],
    clinicians: Sequence[ClinicianFacts],
    knobs: TravelKnobs,
    settings: RebalanceSettings,
) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float | None]]:
    """`client_hours(...).total_hours` and `.base_km` for every (client, clinician) pair, at once
    (numpy): the same formula, fast enough for thousands of clients."""
    n = len(clients)
    known = np.array([c.location is not None for c in clients], dtype=bool)
    located = [c.location for c in clients if c.location is not None]
    visits = np.array([c.visits_per_week for c in clients])
    visit_h = np.array([c.visit_hours_per_week for c in clients])
    near = np.array([c.nearby_km or 0.0 for c in clients])
    weight = np.array([settings.tier_weight(c.tier) for c in clients])
    stops = max(knobs.stops_per_trip, 1.0)
    hours: dict[tuple[int, int], float] = {}
    km_out: dict[tuple[int, int], float | None] = {}
    ids = [c.client_id for c in clients]
    for k in clinicians:
        dist = np.full(n, np.nan)
        if k.base is not None and located:
            dist[known] = distances_from_m(k.base, located) / 1000.0
        per_visit = (2.0 * dist / stops + near) * knobs.circuity / knobs.speed_kmh + (
            knobs.leg_overhead_s / 3600
        )
        travel = np.where(np.isnan(dist), 0.0, visits * per_visit)
        total = weight * (visit_h + travel)
        for client_id, value, d in zip(ids, total.tolist(), dist.tolist(), strict=True):
            hours[client_id, k.clinician_id] = value
            km_out[client_id, k.clinician_id] = None if math.isnan(d) else d
    return hours, km_out


def clinician_loads(
    clinicians: Sequence[ClinicianFacts],
    assignment: Mapping[int, int | None],
    hours: Mapping[tuple[int, int], float],
) -> list[ClinicianLoad]:
    """Per-clinician totals for `assignment` (client id -> clinician id or None).

    `hours[(client_id, clinician_id)]` is the client's hours if that clinician carries them.
    """
    load = {c.clinician_id: 0.0 for c in clinicians}
    count = {c.clinician_id: 0 for c in clinicians}
    for client_id, clinician_id in assignment.items():
        if clinician_id is None or clinician_id not in load:
            continue
        load[clinician_id] += hours[(client_id, clinician_id)]
        count[clinician_id] += 1
    return [
        ClinicianLoad(
            clinician_id=c.clinician_id,
            name=c.name,
            capacity_hours=c.capacity_hours,
            load_hours=load[c.clinician_id],
            clients=count[c.clinician_id],
        )
        for c in clinicians
    ]


def spread(loads: Sequence[ClinicianLoad]) -> float:
    """Highest minus lowest utilisation, in percentage points (clinicians with capacity only)."""
    values = [x.utilisation * 100 for x in loads if x.capacity_hours > 0]
    return max(values) - min(values) if values else 0.0


def worst(loads: Sequence[ClinicianLoad]) -> float:
    """Highest utilisation in percent (clinicians with capacity only)."""
    values = [x.utilisation * 100 for x in loads if x.capacity_hours > 0]
    return max(values) if values else 0.0
