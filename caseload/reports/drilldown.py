"""The clients behind a report number, for the app's drill-down: names are shown, so each
look is written to the audit log as a view (who, which measure, how many; no names)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from caseload import audit
from caseload.actor import Actor
from caseload.store.database import Database
from caseload.store.models import Client
from caseload.users.permissions import Permission, require


@dataclass(frozen=True, slots=True)
class DrillRow:
    client_id: int
    external_id: str
    name: str
    active: bool


def clients_behind(
    db: Database, actor: Actor, client_ids: Sequence[int], measure: str
) -> list[DrillRow]:
    """The clients with these ids (sorted by name), recorded as viewed for `measure`."""
    require(actor, Permission.VIEW_REPORTS)
    ids = sorted(set(client_ids))
    with db.session() as session:
        rows = [
            DrillRow(c.id, c.external_id, f"{c.last_name}, {c.first_name}", c.active)
            for c in session.scalars(select(Client).where(Client.id.in_(ids)))
        ]
        details = json.dumps({"measure": measure, "clients": len(rows)})
        audit.record(session, actor, "report.drilldown", "report", measure[:64], details)
    return sorted(rows, key=lambda r: r.name.lower())
