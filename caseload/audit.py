"""The audit log: who changed or printed what, and when — one seam for every service.

Entries are written in the same unit of work as the change they describe, so a change and its
record commit or roll back together. Details hold ids, counts and field names, never PHI.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from caseload.actor import Actor
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
) -> None:
    """Add an audit entry to `session` (committed with the rest of the unit of work)."""
    session.add(
        AuditEntry(
            at=at or datetime.now(UTC),
            actor=actor.user_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id)[:64],
            details=details,
        )
    )
