"""Recording what happened at a visit: the outcome of a saved plan's stop, an unplanned contact,
and a correction (audited with who, why and the old values).

An outcome is stored on the `Visit` of the stop (`PlanStop.visit_id`); a stop planned without a
visit row gets one, linked from every saved version of that day's plan that lists the client,
so an outcome recorded on version 1 is still there on version 2 after a re-plan. Side effects
live here too, in the same unit of work: "transported to ED" records an ED visit
(`UtilizationEvent`), "rescheduled" books a planned visit on the new day.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import audit, settings
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.enums import EventKind, VisitStatus, VisitType
from caseload.errors import ConflictError, NotFoundError, UserError
from caseload.outcomes.checklist import checklist_text, parse_checklist
from caseload.outcomes.model import MET_CLIENT, OutcomeEntry, OutcomeInfo
from caseload.outcomes.validate import check_entry
from caseload.referrals.first_contact import forget_first_contact, record_first_contact
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import Client, ClientPlace, Plan, PlanStop, UtilizationEvent, Visit
from caseload.users.permissions import Permission, require
from caseload.users.scope import require_visible_in

OUTCOME_SOURCE = "visit outcome"  # UtilizationEvent.source of an ED visit recorded from a visit


def info_of(visit: Visit, places: dict[int, str]) -> OutcomeInfo:
    looked = visit.looked_where
    if visit.looked_place_id is not None:
        looked = places.get(visit.looked_place_id, looked)
    return OutcomeInfo(
        visit_id=visit.id,
        client_id=visit.client_id,
        visit_date=visit.visit_date,
        status=VisitStatus(visit.status),
        started_at=visit.started_at,
        ended_at=visit.ended_at,
        performed_by=visit.performed_by,
        recorded_by=visit.recorded_by,
        recorded_at=visit.recorded_at,
        looked_place_id=visit.looked_place_id,
        looked_where=looked,
        checklist=parse_checklist(visit.checklist_done),
        note=visit.outcome_notes,
        rescheduled_to=visit.rescheduled_to,
        unplanned=visit.unplanned,
    )


def place_labels(session: Session, client_id: int) -> dict[int, str]:
    """The client's places by id, each with the words a crew uses for it."""
    return {
        p.id: p.label or p.description or p.kind.replace("_", " ")
        for p in session.scalars(select(ClientPlace).where(ClientPlace.client_id == client_id))
    }


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def _stop_doc(plan: Plan, client_id: int) -> dict[str, Any]:
    """The saved candidate for the client (visit type, purpose, length), from the snapshot."""
    doc = json.loads(plan.snapshot_json or "{}")
    for cand in doc.get("candidates", []) + [c for c, _ in doc.get("unroutable", [])]:
        if cand.get("client_id") == client_id:
            return dict(cand)
    return {}


def recorded_outcome(session: Session, client_id: int, on: date) -> Visit | None:
    """The planned visit's outcome recorded for the client on the day (unplanned contacts are
    extra and never stand for the planned visit)."""
    return session.scalars(
        select(Visit)
        .where(
            Visit.client_id == client_id,
            Visit.visit_date == on,
            Visit.status != VisitStatus.PLANNED.value,
            Visit.unplanned.is_(False),
        )
        .order_by(Visit.id)
        .limit(1)
    ).first()


def _apply(session: Session, visit: Visit, entry: OutcomeEntry, actor: Actor, at: datetime) -> None:
    visit.status = entry.status.value
    visit.started_at = entry.started_at
    visit.ended_at = entry.ended_at
    visit.completed_at = entry.ended_at if entry.status is VisitStatus.COMPLETED else None
    visit.performed_by = entry.performed_by.strip()[:200]
    visit.looked_place_id = entry.looked_place_id
    visit.looked_where = entry.looked_where.strip()
    visit.checklist_done = checklist_text(entry.checklist)
    visit.outcome_notes = entry.note.strip()
    visit.rescheduled_to = entry.rescheduled_to
    visit.recorded_by = actor.user_id
    visit.recorded_at = at
    session.flush()
    if entry.status is VisitStatus.COMPLETED:
        # The time from referral to first contact is kept for reporting.
        record_first_contact(session, visit.client_id, entry.ended_at or entry.started_at or at)
    if entry.status is VisitStatus.TRANSPORTED:
        _record_ed_visit(session, visit, entry, at)
    if entry.status is VisitStatus.RESCHEDULED and entry.rescheduled_to is not None:
        session.add(
            Visit(
                client_id=visit.client_id,
                program_id=visit.program_id,
                visit_date=entry.rescheduled_to,
                visit_type=visit.visit_type,
                status=VisitStatus.PLANNED.value,
                duration_min=visit.duration_min,
                required_skills=visit.required_skills,
                purpose=visit.purpose,
                rescheduled_from_id=visit.id,
            )
        )
        session.flush()


def _record_ed_visit(session: Session, visit: Visit, entry: OutcomeEntry, at: datetime) -> None:
    when = entry.ended_at or entry.started_at or at
    clash = session.scalars(
        select(UtilizationEvent).where(
            UtilizationEvent.client_id == visit.client_id,
            UtilizationEvent.kind == EventKind.ED_VISIT.value,
            UtilizationEvent.occurred_at == when,
        )
    ).first()
    if clash is None:
        session.add(
            UtilizationEvent(
                client_id=visit.client_id,
                kind=EventKind.ED_VISIT.value,
                occurred_at=when,
                source=OUTCOME_SOURCE,
                notes=f"visit {visit.id}",
            )
        )
        session.flush()


def _undo_side_effects(session: Session, visit: Visit) -> None:
    """Before a correction: take back the ED visit and the booked visit the old outcome made
    (a booked visit that has its own outcome by now stays), and a first contact it stored."""
    stored = visit.completed_at or visit.started_at or visit.recorded_at  # as _apply stored it
    if visit.status == VisitStatus.COMPLETED.value and stored is not None:
        forget_first_contact(session, visit.client_id, stored)
    for event in session.scalars(
        select(UtilizationEvent).where(
            UtilizationEvent.client_id == visit.client_id,
            UtilizationEvent.source == OUTCOME_SOURCE,
            UtilizationEvent.notes == f"visit {visit.id}",
        )
    ):
        session.delete(event)
    for booked in session.scalars(
        select(Visit).where(
            Visit.rescheduled_from_id == visit.id, Visit.status == VisitStatus.PLANNED.value
        )
    ):
        for stop in session.scalars(select(PlanStop).where(PlanStop.visit_id == booked.id)):
            stop.visit_id = None
        session.flush()
        session.delete(booked)
    session.flush()


def _summary(visit: Visit) -> str:
    """The structured fields of an outcome for the audit log (no note text: it may hold PHI)."""
    parts = [f"status={visit.status}"]
    if visit.started_at is not None:
        parts.append(f"started={visit.started_at.isoformat()}")
    if visit.ended_at is not None:
        parts.append(f"ended={visit.ended_at.isoformat()}")
    if visit.looked_place_id is not None:
        parts.append(f"looked_place={visit.looked_place_id}")
    elif visit.looked_where:
        parts.append("looked_where=(text)")
    if visit.checklist_done:
        parts.append(f"checklist={visit.checklist_done.replace(',', '+')}")
    if visit.rescheduled_to is not None:
        parts.append(f"rescheduled_to={visit.rescheduled_to}")
    if visit.performed_by:
        parts.append("performed_by=(set)")
    parts.append(f"note={'(set)' if visit.outcome_notes else '(none)'}")
    return " ".join(parts)


def _check(session: Session, entry: OutcomeEntry, client_id: int, on: date, now: datetime) -> None:
    zone = settings.load_in(session, ProgramSettings).zone
    places = place_labels(session, client_id)
    check_entry(entry, on, zone, now, places.keys())


def record_outcome(
    db: Database,
    actor: Actor,
    plan_id: int,
    client_id: int,
    entry: OutcomeEntry,
    *,
    now: datetime | None = None,
) -> OutcomeInfo:
    """Record the outcome of the client's stop on saved plan `plan_id`. An outcome already
    recorded for the client that day raises `ConflictError` (correct it instead)."""
    require(actor, Permission.RECORD_OUTCOME)
    moment = _now(now)
    with db.session() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFoundError(f"Plan {plan_id} does not exist (it may have been deleted).")
        require_visible_in(session, actor, client_id, plan.plan_date)  # a crew: its own stops
        if not any(s.client_id == client_id for s in plan.stops):
            raise NotFoundError(
                f"Client {client_id} is not on version {plan.version_no} of this plan."
            )
        _check(session, entry, client_id, plan.plan_date, moment)
        visit = record_in(session, actor, plan, client_id, plan.plan_date, entry, moment)
        return info_of(visit, place_labels(session, client_id))


def record_in(
    session: Session,
    actor: Actor,
    plan: Plan | None,
    client_id: int,
    on: date,
    entry: OutcomeEntry,
    moment: datetime,
) -> Visit:
    """Store a checked outcome for the client's planned visit on `on` (the stop of `plan`, else
    a visit booked for the day, else a new visit row) in `session`, with its audit entry."""
    require(actor, Permission.RECORD_OUTCOME)
    if recorded_outcome(session, client_id, on) is not None:
        raise ConflictError(
            f"An outcome is already recorded for client {client_id} on {on:%a %d %b}; "
            "correct it instead (with a reason)."
        )
    stop = None if plan is None else next((s for s in plan.stops if s.client_id == client_id), None)
    visit = session.get(Visit, stop.visit_id) if stop is not None and stop.visit_id else None
    if visit is None or visit.status != VisitStatus.PLANNED.value:
        visit = booked_visit(session, client_id, on)
    if visit is None:
        saved = {} if plan is None else _stop_doc(plan, client_id)
        visit = Visit(
            client_id=client_id,
            visit_date=on,
            visit_type=saved.get("visit_type", VisitType.FOLLOW_UP.value),
            purpose=str(saved.get("purpose", ""))[:200],
            duration_min=int(saved.get("service_min", 45)),
        )
        session.add(visit)
        session.flush()
    _link_stops(session, on, client_id, visit.id)
    old_values = row_values(visit)
    _apply(session, visit, entry, actor, moment)
    where = f"plan {plan.id} " if plan is not None else ""
    audit.record(
        session,
        actor,
        "visit.outcome",
        "visit",
        visit.id,
        f"{where}client {client_id}: {_summary(visit)}",
        at=moment,
        before=old_values,
        after=row_values(visit),
        client_id=client_id,
    )
    return visit


def booked_visit(session: Session, client_id: int, on: date) -> Visit | None:
    """A visit booked for the client on the day that has no outcome yet."""
    return session.scalars(
        select(Visit)
        .where(
            Visit.client_id == client_id,
            Visit.visit_date == on,
            Visit.status == VisitStatus.PLANNED.value,
        )
        .order_by(Visit.id)
        .limit(1)
    ).first()


def _link_stops(session: Session, on: date, client_id: int, visit_id: int) -> None:
    """Point every saved version's stop of the client on the day at the visit (a link only: the
    saved plans' content is never rewritten)."""
    plan_ids = select(Plan.id).where(Plan.plan_date == on)
    for stop in session.scalars(
        select(PlanStop).where(
            PlanStop.client_id == client_id,
            PlanStop.plan_id.in_(plan_ids),
            PlanStop.visit_id.is_(None),
        )
    ):
        stop.visit_id = visit_id


def record_unplanned(
    db: Database,
    actor: Actor,
    client_id: int,
    on: date,
    entry: OutcomeEntry,
    *,
    now: datetime | None = None,
) -> OutcomeInfo:
    """A contact nobody planned (the crew met the client on the street): stored as a visit of
    its own, counting like any other."""
    require(actor, Permission.RECORD_OUTCOME)
    moment = _now(now)
    with db.session() as session:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(f"There is no client with id {client_id}.")
        _check(session, entry, client_id, on, moment)
        visit = unplanned_in(session, actor, client_id, on, entry, moment)
        return info_of(visit, place_labels(session, client_id))


UNPLANNED_OUTCOMES = (*MET_CLIENT, VisitStatus.REFUSED)


def unplanned_in(
    session: Session,
    actor: Actor,
    client_id: int,
    on: date,
    entry: OutcomeEntry,
    moment: datetime,
) -> Visit:
    """Store a checked unplanned contact in `session`, with its audit entry."""
    require(actor, Permission.RECORD_OUTCOME)
    if entry.status not in UNPLANNED_OUTCOMES:
        raise UserError(
            "An unplanned contact is one where the crew met the client: completed, "
            "declined or transported to the ED."
        )
    visit = Visit(
        client_id=client_id,
        visit_date=on,
        visit_type=VisitType.OUTREACH.value,
        purpose="Unplanned contact",
        unplanned=True,
    )
    session.add(visit)
    session.flush()
    _apply(session, visit, entry, actor, moment)
    audit.record(
        session,
        actor,
        "visit.unplanned",
        "visit",
        visit.id,
        f"client {client_id}: {_summary(visit)}",
        at=moment,
        after=row_values(visit),
        client_id=client_id,
    )
    return visit


def correct_outcome(
    db: Database,
    actor: Actor,
    visit_id: int,
    entry: OutcomeEntry,
    why: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> OutcomeInfo:
    """Replace a recorded outcome. `why` is required; the audit entry keeps who, why and the
    old and new values (structured fields; note text is only marked as changed)."""
    require(actor, Permission.RECORD_OUTCOME)
    moment = _now(now)
    if not why.strip():
        raise UserError("Why: say why the outcome is corrected (it goes in the audit log).")
    with db.session() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.status == VisitStatus.PLANNED.value:
            raise NotFoundError(f"Visit {visit_id} has no recorded outcome to correct.")
        if expected_version is not None and visit.version != expected_version:
            raise ConflictError(
                f"{visit.recorded_by or 'Someone'} changed this outcome since you opened it; "
                "nothing was saved. Reopen it and correct again."
            )
        _check(session, entry, visit.client_id, visit.visit_date, moment)
        before, old_values = _summary(visit), row_values(visit)
        _undo_side_effects(session, visit)
        _apply(session, visit, entry, actor, moment)
        audit.record(
            session,
            actor,
            "visit.outcome.correct",
            "visit",
            visit.id,
            f"was: {before} | now: {_summary(visit)} | why: {why.strip()[:300]}",
            at=moment,
            before=old_values,
            after=row_values(visit),
            client_id=visit.client_id,
        )
        return info_of(visit, place_labels(session, visit.client_id))


def outcome_history(db: Database, client_id: int, actor: Actor) -> list[OutcomeInfo]:
    """Every recorded outcome of the client, newest first."""
    require(actor, Permission.VIEW_CASELOAD)
    del actor
    with db.session() as session:
        places = place_labels(session, client_id)
        visits = session.scalars(
            select(Visit)
            .where(Visit.client_id == client_id, Visit.status != VisitStatus.PLANNED.value)
            .order_by(Visit.visit_date.desc(), Visit.id.desc())
        )
        return [info_of(v, places) for v in visits]


def outcomes_on(db: Database, on: date, actor: Actor) -> dict[int, OutcomeInfo]:
    """Client id -> the planned visit's outcome recorded on `on` (unplanned contacts are left
    out: they never stand for a planned stop)."""
    require(actor, Permission.VIEW_PLAN)
    del actor
    with db.session() as session:
        visits = list(
            session.scalars(
                select(Visit)
                .where(
                    Visit.visit_date == on,
                    Visit.status != VisitStatus.PLANNED.value,
                    Visit.unplanned.is_(False),
                )
                .order_by(Visit.id)
            )
        )
        result: dict[int, OutcomeInfo] = {}
        for visit in visits:
            if visit.client_id not in result:
                result[visit.client_id] = info_of(visit, place_labels(session, visit.client_id))
        return result
