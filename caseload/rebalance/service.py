"""Rebalancing services: suggest moves, preview a manual move, apply moves (audited)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from caseload.actor import Actor
from caseload.errors import NotFoundError, UserError
from caseload.rebalance.apply import AppliedMove as AppliedMove
from caseload.rebalance.apply import MoveLike as MoveLike
from caseload.rebalance.apply import apply_moves as apply_moves
from caseload.rebalance.problem import (
    ObjectiveWeights,
    RebalanceProblem,
    SolverClient,
    SolverClinician,
)
from caseload.rebalance.rules import (
    unmet,
)
from caseload.rebalance.snapshot import (
    WorkloadSnapshot,
    capabilities_of,
    load_snapshot,
    needs_of,
)
from caseload.rebalance.solver import solve_rebalance
from caseload.rebalance.workload import ClinicianLoad, spread, worst
from caseload.store.database import Database
from caseload.users.permissions import Permission, require

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class ProposedMove:
    """One suggested (or manual) reassignment, with its effect and reason."""

    client_id: int
    external_id: str
    client_name: str
    from_id: int | None
    from_name: str
    to_id: int
    to_name: str
    hours_from: float  # the client's hours/wk with the current clinician (0 when unassigned)
    hours_to: float  # ... with the new one
    km_from: float | None
    km_to: float | None
    recent_contact: bool
    version: int  # the client's version the move was computed from
    reason: str


@dataclass(frozen=True, slots=True)
class RebalanceProposal:
    status: str
    snapshot: WorkloadSnapshot
    moves: tuple[ProposedMove, ...]
    before: tuple[ClinicianLoad, ...]
    after: tuple[ClinicianLoad, ...]
    max_moves: int
    objective: int
    wall_time_s: float

    @property
    def spread_before(self) -> float:
        return spread(self.before)

    @property
    def spread_after(self) -> float:
        return spread(self.after)

    @property
    def worst_before(self) -> float:
        return worst(self.before)

    @property
    def worst_after(self) -> float:
        return worst(self.after)

    @property
    def expected_versions(self) -> dict[int, int]:
        return {m.client_id: m.version for m in self.moves}


@dataclass(frozen=True, slots=True)
class MovePreview:
    """The workload effect of one manual move, and whatever forbids it."""

    move: ProposedMove
    from_before: ClinicianLoad | None
    from_after: ClinicianLoad | None
    to_before: ClinicianLoad
    to_after: ClinicianLoad
    explain_from: str
    explain_to: str
    problems: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.problems


def build_problem(snapshot: WorkloadSnapshot, max_moves: int) -> RebalanceProblem:
    s = snapshot.settings
    clinicians = tuple(
        SolverClinician(c.clinician_id, c.capacity_hours, capabilities_of(c))
        for c in snapshot.clinicians
    )
    clients = []
    for facts in snapshot.clients:
        pairs = [(facts.client_id, k.clinician_id) for k in snapshot.clinicians]
        clients.append(
            SolverClient(
                client_id=facts.client_id,
                current=facts.clinician_id,
                # A client without an active program has no workload: nothing to balance.
                locked=facts.locked or not facts.programs,
                needs=needs_of(facts),
                recent_contact=facts.seen_recently_by_current,
                hours=tuple(snapshot.hours[pair] for pair in pairs),
                distance_km=tuple(snapshot.base_km[pair] for pair in pairs),
            )
        )
    weights = ObjectiveWeights(
        worst=s.worst_weight,
        spread=s.spread_weight,
        overload=s.overload_weight,
        distance_per_km=s.distance_weight_per_km,
        move_cost=s.move_cost,
        recent_contact_move_cost=s.recent_contact_move_cost,
        unassigned_penalty=s.unassigned_penalty,
    )
    return RebalanceProblem(clinicians, tuple(clients), max_moves, weights, s.candidates_per_client)


def describe_move(
    snapshot: WorkloadSnapshot,
    client_id: int,
    to_id: int,
    loads: Mapping[int, ClinicianLoad],
) -> ProposedMove:
    """A move of `client_id` to `to_id`, explained against the workloads in `loads`."""
    facts = snapshot.client(client_id)
    target = snapshot.clinician(to_id)
    to_hours = snapshot.breakdown(client_id, to_id)
    to_load = loads[to_id]
    parts: list[str] = []
    km_from: float | None = None
    hours_from = 0.0
    if facts.clinician_id is None:
        from_name = "(unassigned)"
        head = "unassigned"
    else:
        current = snapshot.clinician(facts.clinician_id)
        from_name = current.name
        from_load = loads[current.clinician_id]
        from_hours = snapshot.breakdown(client_id, current.clinician_id)
        km_from, hours_from = from_hours.base_km, from_hours.total_hours
        head = (
            f"{from_name}: {from_load.load_hours:.0f} h/wk on"
            f" {current.capacity_hours:.0f} h capacity"
        )
        broken = unmet(needs_of(facts), capabilities_of(current))
        if broken:
            parts.append(f"fixes: {from_name} {'; '.join(broken)}")
    parts.insert(
        0,
        f"{head} -> {target.name}: {to_load.load_hours:.0f} h/wk on"
        f" {target.capacity_hours:.0f} h capacity",
    )
    client_part = f"client {to_hours.total_hours:.1f} h/wk"
    if to_hours.base_km is not None:
        was = f" (was {km_from:.1f} km)" if km_from is not None else ""
        client_part += f", {to_hours.base_km:.1f} km from {target.name}'s base{was}"
    parts.append(client_part)
    if facts.seen_recently_by_current:
        parts.append(
            f"seen by {from_name} in the last {snapshot.settings.recent_contact_days} days"
        )
    return ProposedMove(
        client_id=client_id,
        external_id=facts.external_id,
        client_name=facts.name,
        from_id=facts.clinician_id,
        from_name=from_name,
        to_id=to_id,
        to_name=target.name,
        hours_from=hours_from,
        hours_to=to_hours.total_hours,
        km_from=km_from,
        km_to=to_hours.base_km,
        recent_contact=facts.seen_recently_by_current,
        version=facts.version,
        reason="; ".join(parts),
    )


def suggest_rebalance(
    db: Database,
    actor: Actor,
    *,
    max_moves: int,
    time_limit_s: float = 5.0,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    today: date | None = None,
) -> RebalanceProposal:
    """Suggested reassignments (at most `max_moves`); nothing is written."""
    require(actor, Permission.REBALANCE)
    if max_moves < 0:
        raise UserError(f"The number of moves must be 0 or more, got {max_moves}.")
    if time_limit_s <= 0:
        raise UserError(f"The time limit must be more than 0 seconds, got {time_limit_s:g}.")
    if progress is not None:
        progress(0, 1, "reading the caseload")
    snapshot = load_snapshot(db, actor, today=today)
    if not snapshot.clinicians:
        raise UserError(
            "There is no active community paramedic, peer-support specialist or nurse to carry "
            "a caseload: add staff (or mark them active) first."
        )
    problem = build_problem(snapshot, max_moves)
    solution = solve_rebalance(problem, time_limit_s=time_limit_s, progress=progress, cancel=cancel)
    before = snapshot.loads()
    after_assignment = dict(
        zip((c.client_id for c in snapshot.clients), solution.assignment, strict=True)
    )
    after = snapshot.loads(after_assignment)
    by_id = {load.clinician_id: load for load in before}
    moves = tuple(describe_move(snapshot, m.client_id, m.to_id, by_id) for m in solution.moves)
    return RebalanceProposal(
        status=solution.status,
        snapshot=snapshot,
        moves=moves,
        before=tuple(before),
        after=tuple(after),
        max_moves=max_moves,
        objective=solution.objective,
        wall_time_s=solution.wall_time_s,
    )


def preview_in(
    snapshot: WorkloadSnapshot,
    client_id: int,
    to_id: int,
    assignment: Mapping[int, int | None] | None = None,
) -> MovePreview:
    """The effect of moving `client_id` to `to_id` on top of `assignment` (default: current)."""
    base = dict(snapshot.assignment if assignment is None else assignment)
    try:
        facts = snapshot.client(client_id)
        target = snapshot.clinician(to_id)
    except KeyError as exc:
        raise NotFoundError(
            f"No active client or caseload clinician with id {exc.args[0]}."
        ) from exc
    before = {x.clinician_id: x for x in snapshot.loads(base)}
    current_id = base.get(client_id)
    moved = dict(base)
    moved[client_id] = to_id
    after = {x.clinician_id: x for x in snapshot.loads(moved)}
    move = describe_move(snapshot, client_id, to_id, before)
    problems: list[str] = []
    if current_id == to_id:
        problems.append(f"{facts.name} is already with {target.name}.")
    if facts.locked:
        problems.append(f"{facts.name}'s assignment is locked.")
    problems += [f"{target.name} {p}" for p in unmet(needs_of(facts), capabilities_of(target))]
    explain_from = (
        snapshot.explain(client_id, current_id) if current_id is not None else "(unassigned)"
    )
    return MovePreview(
        move=move,
        from_before=before.get(current_id) if current_id is not None else None,
        from_after=after.get(current_id) if current_id is not None else None,
        to_before=before[to_id],
        to_after=after[to_id],
        explain_from=explain_from,
        explain_to=snapshot.explain(client_id, to_id),
        problems=tuple(problems),
    )


def move_preview(
    db: Database, actor: Actor, client_id: int, to_clinician_id: int, *, today: date | None = None
) -> MovePreview:
    """The workload effect of moving one client to another clinician; nothing is written."""
    require(actor, Permission.REBALANCE)
    return preview_in(load_snapshot(db, actor, today=today), client_id, to_clinician_id)
