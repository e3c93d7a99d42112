"""Stored versions of a day's plan: save, list, reopen.

Saving never overwrites: each save is a new version, and a save based on an older version than
the newest raises `ConflictError` (two people planning the same day from a shared database see
each other instead of silently overwriting). A version is self-contained (see `snapshot`), so
it reopens exactly as saved whatever happened to crews and clients since.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.errors import ConflictError, NotFoundError
from caseload.planning.model import DayPlan, PlanVersionInfo
from caseload.planning.snapshot import plan_from_snapshot, routing_documents, snapshot_of
from caseload.store.database import Database
from caseload.store.models import Plan, PlanStop
from caseload.users.permissions import Permission, allowed, require


def _plan_summary(row: Plan) -> dict[str, object]:
    """A saved version for the audit: ids and times only (client ids per crew in order, with
    arrival), not the whole plan — the plan itself stays in its own row."""
    crews: dict[str, list[str]] = {}
    unassigned: list[int] = []
    for stop in sorted(row.stops, key=lambda s: (s.crew_name or "", s.seq)):
        if stop.crew_name is None:
            unassigned.append(stop.client_id)
            continue
        arrival = f" @ {stop.arrival.isoformat(timespec='minutes')}" if stop.arrival else ""
        crews.setdefault(stop.crew_name, []).append(f"client {stop.client_id}{arrival}")
    return {
        "plan_id": row.id,
        "version_no": row.version_no,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "routes": crews,
        "unassigned": unassigned,
    }


def _stop_rows(plan: DayPlan) -> list[PlanStop]:
    """One row per stop and per unplanned visit: for queries across plans (counts, reports)."""
    rows = [
        PlanStop(
            crew_name=route.crew.name,
            seq=stop.seq,
            client_id=stop.client_id,
            visit_id=stop.visit_id,
            arrival=stop.start,
            departure=stop.departure,
            pinned=stop.pinned,
            locked=stop.locked,
        )
        for route in plan.routes
        for stop in route.stops
    ]
    rows += [
        PlanStop(
            crew_name=None,
            seq=seq,
            client_id=item.candidate.client_id,
            visit_id=item.candidate.visit_id,
            unassigned_reason=item.reason,
        )
        for seq, item in enumerate(plan.unassigned, start=1)
    ]
    return rows


def _latest(session: Session, on: date) -> Plan | None:
    return session.scalars(
        select(Plan).where(Plan.plan_date == on).order_by(Plan.version_no.desc()).limit(1)
    ).first()


def save_plan(
    db: Database, actor: Actor, plan: DayPlan, *, based_on_version: int | None, note: str = ""
) -> DayPlan:
    """Store `plan` as a new version of its day. `based_on_version` is the version the user
    started from (None for a first plan); if someone saved a newer one since, nothing is saved
    and ConflictError says who and when. The routing JSON is serialised here, once."""
    require(actor, Permission.PLAN)
    problem_doc, solution_doc = routing_documents(plan)
    snapshot = json.dumps(snapshot_of(plan))
    with db.session() as session:
        latest = _latest(session, plan.plan_date)
        latest_no = latest.version_no if latest is not None else None
        if latest is not None and latest_no != based_on_version:
            raise ConflictError(
                f"{latest.created_by} saved version {latest.version_no} of the plan for "
                f"{plan.plan_date:%a %d %b} at {latest.created_at.astimezone():%H:%M} while you "
                "were editing; nothing was saved. Open their version and re-apply your changes."
            )
        now = datetime.now(UTC)
        row = Plan(
            plan_date=plan.plan_date,
            version_no=(latest_no or 0) + 1,
            created_at=now,
            created_by=actor.user_id,
            note=note,
            problem_json=json.dumps(problem_doc),
            solution_json=json.dumps(solution_doc),
            snapshot_json=snapshot,
        )
        row.stops.extend(_stop_rows(plan))
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "plan.save",
            "plan",
            row.id,
            f"{plan.plan_date} v{row.version_no}: {plan.served_count} stops",
            at=now,
            before=None if latest is None else _plan_summary(latest),
            after=_plan_summary(row),
        )
        plan_id, version_no = row.id, row.version_no
    return replace(
        plan, plan_id=plan_id, version_no=version_no, created_by=actor.user_id, created_at=now
    )


def list_versions(db: Database, on: date, actor: Actor) -> list[PlanVersionInfo]:
    """Every saved version of the plan for `on`, newest first."""
    require(actor, Permission.VIEW_PLAN)
    with db.session() as session:
        served: dict[int, int] = {}
        unassigned: dict[int, int] = {}
        for plan_id, is_unassigned, count in session.execute(
            select(PlanStop.plan_id, PlanStop.crew_name.is_(None), func.count())
            .join(Plan, Plan.id == PlanStop.plan_id)
            .where(Plan.plan_date == on)
            .group_by(PlanStop.plan_id, PlanStop.crew_name.is_(None))
        ):
            (unassigned if is_unassigned else served)[plan_id] = count
        return [
            PlanVersionInfo(
                p.id,
                p.plan_date,
                p.version_no,
                p.created_at,
                p.created_by,
                p.note,
                served.get(p.id, 0),
                unassigned.get(p.id, 0),
            )
            for p in session.scalars(
                select(Plan).where(Plan.plan_date == on).order_by(Plan.version_no.desc())
            )
        ]


def latest_version_no(versions: list[PlanVersionInfo]) -> int | None:
    """The version a new save is based on: the newest listed (None when there is none)."""
    return versions[0].version_no if versions else None


def load_plan(db: Database, plan_id: int, actor: Actor) -> DayPlan:
    """Reopen a stored version exactly as it was saved. A paramedic or peer-support
    specialist gets their own crew's route only (no other crews, no unassigned visits)."""
    require(actor, Permission.VIEW_PLAN)
    with db.session() as session:
        row = session.get(Plan, plan_id)
        if row is None:
            raise NotFoundError(f"Plan {plan_id} does not exist (it may have been deleted).")
        texts = (row.snapshot_json, row.problem_json, row.solution_json)
        identity = (row.id, row.version_no, row.created_by, row.created_at)
    plan = plan_from_snapshot(*texts)
    if not allowed(actor, Permission.VIEW_ALL_CLIENTS):
        own = tuple(
            r for r in plan.routes if any(m.staff_id == actor.staff_id for m in r.crew.members)
        )
        plan = replace(plan, routes=own, unassigned=())
    plan_id, version_no, created_by, created_at = identity
    return replace(
        plan, plan_id=plan_id, version_no=version_no, created_by=created_by, created_at=created_at
    )
