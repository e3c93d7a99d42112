"""A crew member's part of the caseload: the clients a paramedic or peer-support specialist
may see on a day (their crew's stops and their own assigned clients)."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.actor import Actor
from caseload.store.database import Database
from caseload.store.models import Client, Crew, CrewMember, Plan, PlanStop
from caseload.users.permissions import Permission, PermissionDenied, allowed


def crew_names_in(session: Session, staff_id: int, day: date) -> set[str]:
    """The crews `staff_id` rides in on `day`."""
    return set(
        session.scalars(
            select(Crew.name)
            .join(CrewMember, CrewMember.crew_id == Crew.id)
            .where(Crew.crew_date == day, CrewMember.staff_id == staff_id)
        )
    )


def _planned_crews(plan: Plan, staff_id: int) -> set[str]:
    """The crews `staff_id` rides in as the saved plan has them (a crew of one has no crew row)."""
    try:
        crews = json.loads(plan.snapshot_json or "{}").get("crews", [])
        return {
            str(c["name"]) for c in crews if any(m[0] == staff_id for m in c.get("members", []))
        }
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return set()  # an unreadable snapshot: the crew rows still count


def visible_client_ids_in(session: Session, actor: Actor, day: date) -> set[int] | None:
    """As `visible_client_ids`, inside a unit of work."""
    if allowed(actor, Permission.VIEW_ALL_CLIENTS):
        return None
    if actor.staff_id is None or not allowed(actor, Permission.VIEW_CASELOAD):
        return set()
    visible = set(
        session.scalars(select(Client.id).where(Client.assigned_clinician_id == actor.staff_id))
    )
    latest = session.scalar(
        select(Plan).where(Plan.plan_date == day).order_by(Plan.version_no.desc()).limit(1)
    )
    if latest is not None:
        crews = crew_names_in(session, actor.staff_id, day) | _planned_crews(latest, actor.staff_id)
        if crews:
            visible.update(
                session.scalars(
                    select(PlanStop.client_id).where(
                        PlanStop.plan_id == latest.id, PlanStop.crew_name.in_(crews)
                    )
                )
            )
    return visible


def visible_client_ids(db: Database, actor: Actor, day: date) -> set[int] | None:
    """The client ids `actor` may see on `day`; None means every client (supervisors,
    program managers, the system, a break-glass session). A paramedic or peer-support
    specialist sees the clients on their crew's route in the day's latest plan and the
    clients assigned to them; an account without a staff member sees none."""
    with db.session() as session:
        return visible_client_ids_in(session, actor, day)


def require_visible_in(session: Session, actor: Actor, client_id: int, day: date) -> None:
    """Raise `PermissionDenied` when `client_id` is outside what `actor` may see on `day`."""
    visible = visible_client_ids_in(session, actor, day)
    if visible is not None and client_id not in visible:
        raise PermissionDenied(actor, Permission.VIEW_ALL_CLIENTS)


def narrowed(visible: set[int] | None, client_ids: Collection[int] | None) -> set[int] | None:
    """`client_ids` (None: all) narrowed to the `visible` ones (None: all)."""
    if visible is None:
        return None if client_ids is None else set(client_ids)
    return visible if client_ids is None else visible & set(client_ids)
