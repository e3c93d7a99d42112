"""The rebalancing problem as plain data, and its objective evaluated in Python.

Variables (in `solver`): x[c, k] = 1 when clinician k carries client c, for k among the client's
`candidates` (the current clinician plus the `candidates_per_client` nearest clinicians who break
no rule; only the current one for a locked client).

Objective (integer points, minimised):

    worst x W + spread x (W - L) + overload x sum_k max(0, U_k - 1000)
    + sum x[c, k] x round(distance_per_km x km from c to k's base)
    + sum over moved clients of (move_cost + recent_contact_move_cost if seen recently)
    + unassigned_penalty x clients left without a clinician

where U_k = sum_c x[c, k] x round(1000 x hours[c][k] / capacity_k) is k's utilisation in tenths
of a percent, W >= every U_k and L <= U_k of every clinician with capacity.
Hard: at most `max_moves` clients change (an assignment of an unassigned client counts), locked
clients keep their clinician, no client moves to a clinician who breaks one of its rules.
`evaluate` computes the objective of an assignment (tests compare it against brute force).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from caseload.rebalance.rules import Capabilities, Needs, unmet

UTIL_SCALE = 1000  # utilisation in tenths of a percent
MIN_CAPACITY_H = 1.0  # a clinician without capacity counts as 1 h/wk for the ratio


@dataclass(frozen=True, slots=True)
class ObjectiveWeights:
    worst: int = 2
    spread: int = 1
    overload: int = 1
    distance_per_km: int = 2
    move_cost: int = 20
    recent_contact_move_cost: int = 30
    unassigned_penalty: int = 10_000


@dataclass(frozen=True, slots=True)
class SolverClinician:
    clinician_id: int
    capacity_hours: float
    capabilities: Capabilities


@dataclass(frozen=True, slots=True)
class SolverClient:
    """One client; `hours` and `distance_km` are aligned with the problem's clinicians."""

    client_id: int
    current: int | None  # a clinician id of the problem, or None (unassigned)
    locked: bool
    needs: Needs
    recent_contact: bool
    hours: tuple[float, ...]
    distance_km: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class RebalanceProblem:
    clinicians: tuple[SolverClinician, ...]
    clients: tuple[SolverClient, ...]
    max_moves: int
    weights: ObjectiveWeights = ObjectiveWeights()
    candidates_per_client: int = 5

    def __post_init__(self) -> None:
        n = len(self.clinicians)
        ids = {c.clinician_id for c in self.clinicians}
        if self.max_moves < 0:
            raise ValueError(f"max_moves must be 0 or more, got {self.max_moves}")
        for client in self.clients:
            if len(client.hours) != n or len(client.distance_km) != n:
                raise ValueError(f"client {client.client_id}: hours/distances need {n} entries")
            if client.current is not None and client.current not in ids:
                raise ValueError(f"client {client.client_id}: unknown clinician {client.current}")


@dataclass(frozen=True, slots=True)
class SolverMove:
    client_id: int
    from_id: int | None
    to_id: int


@dataclass(frozen=True, slots=True)
class RebalanceSolution:
    status: str  # OPTIMAL, FEASIBLE, CANCELLED, UNKNOWN (no solution: nothing moves), ...
    assignment: tuple[int | None, ...]  # aligned with problem.clients
    moves: tuple[SolverMove, ...]
    objective: int
    best_bound: float
    wall_time_s: float
    solutions_found: int


def candidates(problem: RebalanceProblem, index: int) -> list[int]:
    """Clinician indices client `index` may end up with: the current one (even if it breaks a
    rule: no forced move) and the nearest ones that break no rule."""
    client = problem.clients[index]
    positions = {c.clinician_id: i for i, c in enumerate(problem.clinicians)}
    current = positions.get(client.current) if client.current is not None else None
    if client.locked and current is not None:
        return [current]
    feasible = [
        k
        for k, clinician in enumerate(problem.clinicians)
        if k != current and not unmet(client.needs, clinician.capabilities)
    ]
    feasible.sort(key=lambda k: (_distance_key(client.distance_km[k]), client.hours[k], k))
    chosen = feasible[: max(problem.candidates_per_client, 0)]
    return sorted(([current] if current is not None else []) + chosen)


def _distance_key(km: float | None) -> float:
    return km if km is not None else float("inf")


def util_coef(problem: RebalanceProblem, c: int, k: int) -> int:
    cap = max(problem.clinicians[k].capacity_hours, MIN_CAPACITY_H)
    return round(UTIL_SCALE * problem.clients[c].hours[k] / cap)


def fixed_coef(problem: RebalanceProblem, c: int, k: int) -> int:
    """Distance and move cost of putting client c with clinician k."""
    client = problem.clients[c]
    w = problem.weights
    km = client.distance_km[k]
    cost = round(w.distance_per_km * km) if km is not None else 0
    if client.current is not None and problem.clinicians[k].clinician_id != client.current:
        cost += w.move_cost + (w.recent_contact_move_cost if client.recent_contact else 0)
    return cost


def evaluate(problem: RebalanceProblem, assignment: Sequence[int | None]) -> int:
    """The objective of `assignment` (clinician index per client, None: unassigned)."""
    w = problem.weights
    util = [0] * len(problem.clinicians)
    total = 0
    for c, k in enumerate(assignment):
        if k is None:
            total += w.unassigned_penalty
            continue
        util[k] += util_coef(problem, c, k)
        total += fixed_coef(problem, c, k)
    if util:
        high = max(util)
        with_capacity = [
            u for u, clin in zip(util, problem.clinicians, strict=True) if clin.capacity_hours > 0
        ]
        low = min(with_capacity) if with_capacity else 0
        total += w.worst * high + w.spread * (high - low)
        total += w.overload * sum(max(0, u - UTIL_SCALE) for u in util)
    return total


def current_indices(problem: RebalanceProblem) -> list[int | None]:
    positions = {c.clinician_id: i for i, c in enumerate(problem.clinicians)}
    return [None if c.current is None else positions[c.current] for c in problem.clients]
