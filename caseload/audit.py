"""The audit log: who changed, viewed or printed what, when, from which machine — one seam for
every service.

Entries are written in the same unit of work as the change they describe, so a change and its
record commit or roll back together. Details hold ids, counts and field names, never PHI. Each
entry is chained to the one before with an HMAC (`caseload.audit_chain`), so an entry changed,
deleted or slipped in outside MIH Rounds is found by `rounds audit verify`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from caseload import audit_chain, audit_values
from caseload.actor import Actor
from caseload.store.database import Database
from caseload.store.models import AuditEntry


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    details: str = "",
    *,
    at: datetime | None = None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    client_id: int | None = None,
) -> None:
    """Add an audit entry to `session` (committed with the rest of the unit of work).

    `before`/`after`: the record's values before and after the change (None for a create's
    before or a delete's after); an update keeps only the fields that changed.
    `client_id`: the client concerned when the entity is not the client itself (a visit…)."""
    if client_id is None and entity == "client":
        client_id = _as_int(entity_id)
    audit_chain.append(
        session,
        AuditEntry(
            at=at or datetime.now(UTC),
            actor=who(actor),
            action=action[:60],
            entity=entity[:40],
            entity_id=str(entity_id)[:64],
            details=details,
            client_id=client_id,
            changes=audit_values.changes_json(before, after),
        ),
    )


def _as_int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


EMERGENCY_MARK = " [emergency]"


def who(actor: Actor) -> str:
    """The audit's actor column: the user, marked on every entry of a break-glass session."""
    mark = EMERGENCY_MARK if actor.emergency else ""
    return actor.user_id[: 80 - len(mark)] + mark


def record_now(
    db: Database, actor: Actor, action: str, entity: str, entity_id: object, details: str = ""
) -> None:
    """An entry in a unit of work of its own: for views, prints and exports that change
    nothing else (e.g. the files `rounds plan` wrote)."""
    with db.session() as session:
        record(session, actor, action, entity, entity_id, details)
