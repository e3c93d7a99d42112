"""Ranking the caseload for a day: loads what the priority rules need, in a few bulk queries.

`rank_caseload(db, on, actor)` ranks every active client (not discharged on `on`);
`priority_for_client(db, client_id, on, actor)` explains one client's priority.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import func

from caseload import settings
from caseload.actor import Actor
from caseload.clinical import enrollment_active_on
from caseload.enums import EventKind, ReferralStatus, VisitStatus, VisitType
from caseload.errors import NotFoundError
from caseload.priority.engine import compute_priority
from caseload.priority.facts import (
    AppointmentFacts,
    ClientFacts,
    ClientPriority,
    EnrollmentFacts,
    rank,
)
from caseload.priority.outcome_facts import load_outcomes
from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    Enrollment,
    Program,
    Referral,
    UtilizationEvent,
    Visit,
)
from caseload.users.permissions import Permission, require
from caseload.users.scope import narrowed, require_visible_in, visible_client_ids_in

# Above this many ids we load everything and filter in Python (bind-parameter limits).
_MAX_IN_IDS = 500

DAY_START = time(7, 0)

_Ts = TypeVarTuple("_Ts")


def default_now(on: date, zone: ZoneInfo) -> datetime:
    """The moment priorities are worked out for: now if `on` is today, else 07:00 on `on`."""
    current = datetime.now(zone)
    if on == current.date():
        return current
    return datetime.combine(on, DAY_START, zone)


def rank_caseload(
    db: Database,
    on: date,
    actor: Actor,
    *,
    client_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> list[ClientPriority]:
    """Every active client (or those of `client_ids` that are active), most urgent first; a
    paramedic or peer-support specialist gets only their part (`caseload.users.scope`)."""
    require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        client_ids = narrowed(visible_client_ids_in(session, actor, on), client_ids)
        rules = settings.load_in(session, PriorityRules)
        zone = settings.load_in(session, ProgramSettings).zone
        moment = _resolve_now(now, on, zone)
        facts = load_facts(session, on, moment, rules, client_ids=client_ids)
    return rank(compute_priority(f, moment, on, rules) for f in facts)


def priority_for_client(
    db: Database,
    client_id: int,
    on: date,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> ClientPriority:
    """One client's priority on `on`, with reasons; a discharged client gets an empty one."""
    require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        require_visible_in(session, actor, client_id, on)
        rules = settings.load_in(session, PriorityRules)
        zone = settings.load_in(session, ProgramSettings).zone
        moment = _resolve_now(now, on, zone)
        facts = load_facts(session, on, moment, rules, client_ids=[client_id], active_only=False)
    if not facts:
        raise NotFoundError(f"There is no client with id {client_id}.")
    return compute_priority(facts[0], moment, on, rules)


def _resolve_now(now: datetime | None, on: date, zone: ZoneInfo) -> datetime:
    if now is None:
        return default_now(on, zone)
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass a timezone-aware time")
    return now.astimezone(zone)


def _restrict(
    stmt: Select[*_Ts], column: InstrumentedAttribute[int], ids: frozenset[int] | None
) -> Select[*_Ts]:
    """Filter by client id in SQL when there are few ids (callers also filter in Python)."""
    if ids is not None and len(ids) <= _MAX_IN_IDS:
        return stmt.where(column.in_(sorted(ids)))
    return stmt


def load_facts(
    session: Session,
    on: date,
    now: datetime,
    rules: PriorityRules,
    *,
    client_ids: Collection[int] | None = None,
    active_only: bool = True,
) -> list[ClientFacts]:
    """What the rules need for each client, in a few queries whatever the caseload size."""
    zone = now.tzinfo
    ids = None if client_ids is None else frozenset(client_ids)
    # Plain column rows: Core execution skips the ORM's per-row loading machinery.
    conn = session.connection()

    # 1. Clients.
    stmt = select(
        Client.id,
        Client.external_id,
        Client.first_name,
        Client.last_name,
        Client.housing_status,
        Client.active,
        Client.discharged_on,
    ).order_by(Client.id)
    if active_only:
        stmt = stmt.where(
            Client.active.is_(True),
            or_(Client.discharged_on.is_(None), Client.discharged_on > on),
        )
    clients = [
        row
        for row in conn.execute(_restrict(stmt, Client.id, ids)).all()
        if ids is None or row[0] in ids
    ]
    wanted = {row[0] for row in clients}
    if not wanted:
        return []

    # 2. Utilization events, each kind only as far back as a rule looks at it.
    events: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    first_contact_days = max(rules.first_contact_lookback_days, rules.recent_event_days)
    windows = {
        EventKind.OVERDOSE: first_contact_days,
        EventKind.HOSPITAL_DISCHARGE: first_contact_days,
        EventKind.CALL_911: rules.familiar_face_calls_days,
        EventKind.ED_VISIT: rules.familiar_face_ed_days,
        EventKind.FALL: max(rules.recent_fall_days, rules.unseen_fall_lookback_days),
    }
    at = UtilizationEvent.occurred_at
    ev = select(UtilizationEvent.client_id, UtilizationEvent.kind, at).where(
        at <= now,
        or_(
            *(
                and_(UtilizationEvent.kind == kind.value, at >= now - timedelta(days=days))
                for kind, days in windows.items()
            )
        ),
    )
    for client_id, kind, occurred_at in conn.execute(
        _restrict(ev, UtilizationEvent.client_id, ids)
    ).all():
        if client_id in wanted:
            events[client_id].append((kind, occurred_at))

    # 3. Completed visits: last per (client, program, visit type).
    last_contact: dict[int, datetime] = {}
    by_program: dict[int, dict[int | None, date]] = defaultdict(dict)
    last_vaccination: dict[int, date] = {}
    is_vaccination = case((Visit.visit_type == VisitType.VACCINATION.value, 1), else_=0)
    vs = (
        select(
            Visit.client_id,
            Visit.program_id,
            is_vaccination,
            func.max(Visit.visit_date),
            func.max(Visit.completed_at),
        )
        .where(
            Visit.status == VisitStatus.COMPLETED.value,
            Visit.visit_date <= on,
            or_(Visit.completed_at.is_(None), Visit.completed_at <= now),
        )
        .group_by(Visit.client_id, Visit.program_id, is_vaccination)
    )
    midnights: dict[date, datetime] = {}
    for client_id, program_id, vaccination, last_date, last_at in conn.execute(
        _restrict(vs, Visit.client_id, ids)
    ).all():
        if client_id not in wanted:
            continue
        # A completed visit recorded without a time counts from the start of its day.
        contact = midnights.get(last_date)
        if contact is None:
            contact = datetime.combine(last_date, time(0), zone).astimezone(UTC)
            midnights[last_date] = contact
        if last_at is not None and last_at > contact:
            contact = last_at
        if client_id not in last_contact or contact > last_contact[client_id]:
            last_contact[client_id] = contact
        programs = by_program[client_id]
        if program_id not in programs or last_date > programs[program_id]:
            programs[program_id] = last_date
        if vaccination and (
            client_id not in last_vaccination or last_date > last_vaccination[client_id]
        ):
            last_vaccination[client_id] = last_date

    # 4. Enrollments active on the day (`caseload.clinical`), with their program's cadence.
    enrollments: dict[int, list[EnrollmentFacts]] = defaultdict(list)
    en = (
        select(
            Enrollment.client_id,
            Program.id,
            Program.code,
            Program.name,
            Program.cadence_days,
            Enrollment.enrolled_on,
            Enrollment.ended_on,
            Program.duration_weeks,
            Program.first_contact_hours,
            Program.first_contact_events,
        )
        .join(Program, Program.id == Enrollment.program_id)
        .where(Enrollment.enrolled_on <= on)
    )
    for (
        client_id,
        program_id,
        code,
        name,
        cadence,
        enrolled_on,
        ended_on,
        weeks,
        deadline_hours,
        deadline_events,
    ) in conn.execute(_restrict(en, Enrollment.client_id, ids)).all():
        if client_id not in wanted or not enrollment_active_on(on, enrolled_on, ended_on, weeks):
            continue
        # A visit counts for the program it was recorded under; one recorded without a
        # program counts for every program.
        programs = by_program.get(client_id, {})
        candidates = [d for d in (programs.get(program_id), programs.get(None)) if d is not None]
        enrollments[client_id].append(
            EnrollmentFacts(
                program_code=code,
                program_name=name,
                cadence_days=cadence,
                enrolled_on=enrolled_on,
                ended_on=ended_on,
                last_visit_on=max(candidates) if candidates else None,
                duration_weeks=weeks,
                first_contact_hours=deadline_hours,
                first_contact_events=frozenset(k for k in deadline_events.split(",") if k),
            )
        )

    # 5. Fixed appointments on the day.
    appointments: dict[int, list[AppointmentFacts]] = defaultdict(list)
    ap = select(
        Visit.client_id, Visit.window_start, Visit.window_end, Visit.purpose, Visit.visit_type
    ).where(
        Visit.visit_date == on,
        Visit.is_fixed_appointment.is_(True),
        Visit.status == VisitStatus.PLANNED.value,
        Visit.window_start.is_not(None),
        Visit.window_end.is_not(None),
    )
    for client_id, start, end, purpose, visit_type in conn.execute(
        _restrict(ap, Visit.client_id, ids)
    ).all():
        if client_id in wanted:
            assert start is not None and end is not None  # filtered in the query
            appointments[client_id].append(AppointmentFacts(start, end, purpose, visit_type))

    # 6. Recorded outcomes since the last completed contact, places tried, rescheduled visits.
    history = load_outcomes(conn, on, now, wanted, last_contact, client_ids=ids)
    # 7. Accepted referrals with no first contact on record (the rule also checks visits), while
    # the client is still enrolled in the program the referral was accepted into.
    referrals: dict[int, list[tuple[str, datetime, str]]] = defaultdict(list)
    rf = (
        select(Referral.client_id, Referral.source, Referral.referred_at, Program.code)
        .outerjoin(Program, Program.id == Referral.program_id)
        .where(
            Referral.status == ReferralStatus.ACCEPTED.value,
            Referral.first_contact_at.is_(None),
            Referral.client_id.is_not(None),
            Referral.referred_at <= now,
        )
    )
    for referred_id, source, received_at, program_code in conn.execute(
        _restrict(rf, Referral.client_id, ids)  # type: ignore[arg-type]
    ).all():
        if referred_id not in wanted:
            continue
        enrolled = {e.program_code for e in enrollments.get(referred_id, ())}
        if program_code is None or program_code in enrolled:
            referrals[referred_id].append((source, received_at, program_code or ""))

    return [
        ClientFacts(
            client_id=cid,
            external_id=external_id,
            name=f"{first} {last}".strip(),
            housing_status=housing,
            events=tuple(events.get(cid, ())),
            enrollments=tuple(enrollments.get(cid, ())),
            last_contact=last_contact.get(cid),
            appointments=tuple(appointments.get(cid, ())),
            last_vaccination_on=last_vaccination.get(cid),
            referrals=tuple(referrals.get(cid, ())),
            active=bool(active) and (discharged_on is None or discharged_on > on),
            outcomes=history.outcomes.get(cid, ()),
            untried_places=history.untried.get(cid, ()),
            rescheduled_from=history.rescheduled_from.get(cid),
        )
        for cid, external_id, first, last, housing, active, discharged_on in clients
    ]
