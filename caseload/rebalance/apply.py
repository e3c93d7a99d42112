"""Applying reassignments: one transaction, version checks, rules re-checked, audited."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseload import audit
from caseload.actor import Actor
from caseload.errors import ConflictError, NotFoundError, UserError
from caseload.languages import canonical_language
from caseload.rebalance.rules import (
    CASELOAD_ROLES,
    Capabilities,
    Needs,
    split_list,
    unmet,
)
from caseload.rebalance.snapshot import active_programs, clinical_programs
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import Client, Enrollment, Staff
from caseload.users.permissions import Permission, require

AUDIT_ACTION = "client.reassign"


@dataclass(frozen=True, slots=True)
class AppliedMove:
    client_id: int
    external_id: str
    from_id: int | None
    to_id: int
    new_version: int


class MoveLike(Protocol):
    @property
    def client_id(self) -> int: ...
    @property
    def from_id(self) -> int | None: ...
    @property
    def to_id(self) -> int: ...
    @property
    def reason(self) -> str: ...


def apply_moves(
    db: Database,
    actor: Actor,
    moves: Sequence[MoveLike],
    expected_versions: Mapping[int, int],
    *,
    today: date | None = None,
) -> tuple[AppliedMove, ...]:
    """Apply all `moves` in one transaction, or none.

    Each client must still be at `expected_versions[client_id]` and with the move's `from_id`;
    otherwise ConflictError names the client and nothing is written. A locked client, or a
    target clinician who would break one of the client's rules, refuses the whole apply.
    Each move is audited (who, when, from, to, why).
    """
    require(actor, Permission.REBALANCE)
    if not moves:
        return ()
    ids = [m.client_id for m in moves]
    if len(set(ids)) != len(ids):
        raise UserError("The same client appears in more than one move; pick one target each.")
    now = datetime.now(UTC)
    applied: list[AppliedMove] = []
    with db.session() as session:
        day = today or datetime.now(load_in(session, ProgramSettings).zone).date()
        clients = {
            c.id: c
            for c in session.scalars(
                select(Client)
                .where(Client.id.in_(ids))
                .options(selectinload(Client.enrollments).selectinload(Enrollment.program))
                .with_for_update()
            )
        }
        targets = {
            s.id: s
            for s in session.scalars(select(Staff).where(Staff.id.in_({m.to_id for m in moves})))
        }
        for move in moves:
            client = clients.get(move.client_id)
            if client is None:
                raise NotFoundError(
                    f"Client {move.client_id} no longer exists; nothing was applied."
                )
            label = client.external_id  # the id, never the name: messages reach terminals
            expected = expected_versions.get(move.client_id)
            if expected is None:
                raise UserError(f"No expected version given for client {label}.")
            if client.version != expected or client.assigned_clinician_id != move.from_id:
                raise ConflictError(
                    f"Client {label} was changed by someone else since the suggestion was made "
                    f"(version {client.version}, expected {expected}); nothing was applied. "
                    "Suggest again to see the current caseload."
                )
            if client.assignment_locked:
                raise UserError(f"Client {label}'s assignment is locked; nothing was applied.")
            target = targets.get(move.to_id)
            if target is None or not target.active or target.role not in CASELOAD_ROLES:
                raise UserError(
                    f"Staff {move.to_id} cannot carry clients (not an active community paramedic, "
                    "peer-support specialist or nurse); nothing was applied."
                )
            broken = unmet(_needs_of_row(client, day), _capabilities_of_row(target))
            if broken:
                raise UserError(
                    f"{target.name} cannot carry client {label}: {target.name} "
                    f"{'; '.join(broken)}. Nothing was applied."
                )
            old_values = {"assigned_clinician_id": client.assigned_clinician_id}
            client.assigned_clinician_id = target.id
            details = {
                "external_id": client.external_id,
                "from_id": move.from_id,
                "to_id": target.id,
                "to": target.name,
                "reason": move.reason,
            }
            audit.record(
                session,
                actor,
                AUDIT_ACTION,
                "client",
                client.id,
                json.dumps(details, sort_keys=True),
                at=now,
                before=old_values,
                after={"assigned_clinician_id": target.id},
            )
        session.flush()
        for move in moves:
            client = clients[move.client_id]
            applied.append(
                AppliedMove(client.id, client.external_id, move.from_id, move.to_id, client.version)
            )
    return tuple(applied)


def _needs_of_row(client: Client, today: date) -> Needs:
    programs = active_programs(client, today)
    return Needs(
        language=canonical_language(client.language),
        peer_support=client.needs_peer_support,
        skills=frozenset().union(*(p.required_skills for p in programs)),
        clinical_programs=clinical_programs(programs),
    )


def _capabilities_of_row(staff: Staff) -> Capabilities:
    return Capabilities.of(staff.role, split_list(staff.skills), split_list(staff.languages))
