"""The stops of a saved plan as outcome entry lists them: route-sheet order (crew by crew, stop
by stop), each with the client's places, the checklist of their programs and what is recorded.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseload.actor import Actor
from caseload.clinical import enrollment_active_on
from caseload.errors import NotFoundError
from caseload.outcomes.checklist import ChecklistItem, program_checklist, union_checklist
from caseload.outcomes.model import PlaceChoice, StopForOutcome
from caseload.outcomes.service import info_of, place_labels, recorded_outcome
from caseload.store.database import Database
from caseload.store.models import Client, Enrollment, Plan, PlanStop
from caseload.users.permissions import Permission, require
from caseload.users.scope import visible_client_ids_in


def stops_for_outcomes(db: Database, plan_id: int, actor: Actor) -> list[StopForOutcome]:
    """Every routed stop of saved plan `plan_id`, in the order of the route sheets (a
    paramedic or peer-support specialist: their crew's)."""
    require(actor, Permission.RECORD_OUTCOME)
    with db.session() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFoundError(f"Plan {plan_id} does not exist (it may have been deleted).")
        doc = json.loads(plan.snapshot_json or "{}")
        members = {
            c["name"]: " + ".join(str(m[1]) for m in c.get("members", []))
            for c in doc.get("crews", [])
        }
        names = {
            s["client_id"]: str(s.get("name", ""))
            for r in doc.get("routes", [])
            for s in r.get("stops", [])
        }
        locations = {c["client_id"]: c.get("location") for c in doc.get("candidates", [])}
        where = {c["client_id"]: c.get("location_text", "") for c in doc.get("candidates", [])}
        rows = [
            s
            for s in session.scalars(
                select(PlanStop).where(PlanStop.plan_id == plan_id).order_by(PlanStop.id)
            )
            if s.crew_name is not None
        ]
        visible = visible_client_ids_in(session, actor, plan.plan_date)
        if visible is not None:
            rows = [s for s in rows if s.client_id in visible]
        clients = {
            c.id: c
            for c in session.scalars(
                select(Client)
                .where(Client.id.in_([s.client_id for s in rows]))
                .options(
                    selectinload(Client.places),
                    selectinload(Client.enrollments).selectinload(Enrollment.program),
                )
            )
        }
        result: list[StopForOutcome] = []
        for stop in rows:
            client = clients[stop.client_id]
            labels = place_labels(session, client.id)
            visit = recorded_outcome(session, client.id, plan.plan_date)
            result.append(
                StopForOutcome(
                    plan_id=plan_id,
                    key=f"c{client.id}",
                    client_id=client.id,
                    client_name=names.get(client.id) or f"{client.first_name} {client.last_name}",
                    crew_name=stop.crew_name or "",
                    seq=stop.seq,
                    planned_start=stop.arrival,
                    planned_end=stop.departure,
                    location_text=where.get(client.id, ""),
                    performed_by=members.get(stop.crew_name or "", stop.crew_name or ""),
                    places=tuple(PlaceChoice(pid, label) for pid, label in labels.items()),
                    routed_place_id=_routed_place(client, locations.get(client.id)),
                    checklist=_checklist(client, plan.plan_date),
                    outcome=None if visit is None else info_of(visit, labels),
                )
            )
        return result


def _routed_place(client: Client, location: list[float] | None) -> int | None:
    if location is None:
        return None
    for place in client.places:
        if place.lat == location[0] and place.lon == location[1]:
            return place.id
    return None


def _checklist(client: Client, on: date) -> tuple[ChecklistItem, ...]:
    return union_checklist(
        program_checklist(e.program.checklist)
        for e in client.enrollments
        if enrollment_active_on(on, e.enrolled_on, e.ended_on, e.program.duration_weeks)
    )
