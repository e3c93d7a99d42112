"""Clients as the caseload view and the detail panel see them, and their edits.

The table needs one row per active client with its priority, flags, programs, last contact and
next due date: built with a handful of bulk queries so 10,000 clients load in a second or two.
Edits check the version the user started from (a stale edit raises ConflictError).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import Values, row_values
from caseload.clinical import enrollment_active_on
from caseload.enums import (
    ClientStatus,
    ConsentState,
    GeocodeQuality,
    HousingStatus,
    Tier,
    VisitStatus,
    VisitType,
)
from caseload.errors import NotFoundError, UserError
from caseload.lifecycle import EnrollmentInfo, enrollments
from caseload.priority.facts import ClientPriority
from caseload.priority.service import priority_for_client, rank_caseload
from caseload.store.database import Database
from caseload.store.models import (
    SAFETY_NOTES_MAX_CHARS,
    Client,
    ClientPlace,
    Enrollment,
    Program,
    Staff,
    UtilizationEvent,
    Visit,
)
from caseload.store.versioned import client_for_update
from caseload.users.permissions import Permission, require
from caseload.users.scope import require_visible_in


@dataclass(frozen=True, slots=True)
class ClientRow:
    """One line of the caseload table."""

    client_id: int
    external_id: str
    name: str
    tier: Tier
    score: float
    top_reasons: str
    flags: frozenset[str]
    programs: tuple[str, ...]
    housing_status: str
    last_contact: date | None
    next_due: date | None
    clinician: str
    clinician_id: int | None
    due_by: datetime | None
    languages: tuple[str, ...] = ()  # codes as stored ("en", "es"), preferred first


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    kind: str
    label: str
    description: str
    lat: float | None
    lon: float | None
    geocode_quality: str
    is_primary: bool


@dataclass(frozen=True, slots=True)
class EventInfo:
    kind: str
    occurred_at: datetime
    source: str
    notes: str


@dataclass(frozen=True, slots=True)
class VisitInfo:
    visit_id: int
    visit_date: date
    visit_type: str
    status: str
    purpose: str
    staff: str
    window_start: datetime | None
    window_end: datetime | None
    outcome_notes: str


@dataclass(frozen=True, slots=True)
class ClientDetail:
    client_id: int
    version: int
    external_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    language: str
    housing_status: str
    address: str
    city: str
    state: str
    zip: str
    safety_notes: str
    needs_peer_support: bool
    needs_interpreter: bool
    two_person_visit: bool
    consent: ConsentState
    active: bool
    clinician_id: int | None
    clinician: str
    places: tuple[PlaceInfo, ...]
    programs: tuple[tuple[str, date, date | None], ...]  # (program name, enrolled, ended)
    events: tuple[EventInfo, ...]  # newest first
    visits: tuple[VisitInfo, ...]  # newest first
    priority: ClientPriority | None
    consent_on: date | None = None
    consent_scope: str = ""
    consent_obtained_by: str = ""
    status: str = ClientStatus.ACTIVE.value
    status_reason: str = ""
    enrollments: tuple[EnrollmentInfo, ...] = ()  # with ids and how each ended, newest first


@dataclass(frozen=True, slots=True)
class ClientEdit:
    """Editable fields; None = leave unchanged."""

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    language: str | None = None
    housing_status: str | None = None
    address: str | None = None
    city: str | None = None
    zip: str | None = None
    safety_notes: str | None = None
    needs_peer_support: bool | None = None
    needs_interpreter: bool | None = None
    two_person_visit: bool | None = None
    consent: ConsentState | None = None
    clinician_id: int | None = None


def _last_contacts(session: Session) -> dict[int, date]:
    rows = session.execute(
        select(Visit.client_id, func.max(Visit.visit_date))
        .where(Visit.status == VisitStatus.COMPLETED.value)
        .group_by(Visit.client_id)
    )
    return dict(rows.all())


def list_client_rows(db: Database, on: date, actor: Actor) -> list[ClientRow]:
    """Every active client, most urgent first, as the caseload table shows them."""
    require(actor, Permission.VIEW_CASELOAD)
    ranked = rank_caseload(db, on, actor)
    with db.session() as session:
        programs: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for client_id, code, cadence_days, enrolled_on, ended_on, weeks in session.execute(
            select(
                Enrollment.client_id,
                Program.code,
                Program.cadence_days,
                Enrollment.enrolled_on,
                Enrollment.ended_on,
                Program.duration_weeks,
            ).join(Program, Program.id == Enrollment.program_id)
        ):
            if enrollment_active_on(on, enrolled_on, ended_on, weeks):
                programs[client_id].append((code, cadence_days))
        last = _last_contacts(session)
        staff = dict(session.execute(select(Staff.id, Staff.name)).all())
        meta: dict[int, tuple[str, int | None]] = {}
        languages: dict[int, tuple[str, ...]] = {}
        for client_id, housing, clinician, spoken in session.execute(
            select(Client.id, Client.housing_status, Client.assigned_clinician_id, Client.language)
        ):
            meta[client_id] = (housing, clinician)
            languages[client_id] = tuple(c.strip() for c in (spoken or "").split(",") if c.strip())
    audit.record_now(
        db, actor, "caseload.view", "caseload", on.isoformat(), f"{len(ranked)} clients listed"
    )
    rows = []
    for prio in ranked:
        housing, clinician_id = meta.get(prio.client_id, (HousingStatus.HOUSED.value, None))
        client_programs = programs.get(prio.client_id, [])
        last_contact = last.get(prio.client_id)
        cadence = min((c for _, c in client_programs), default=None)
        next_due = (
            None
            if cadence is None
            else (last_contact + timedelta(days=cadence) if last_contact else on)
        )
        rows.append(
            ClientRow(
                client_id=prio.client_id,
                external_id=prio.external_id,
                name=prio.name,
                tier=prio.tier,
                score=prio.score,
                top_reasons="; ".join(r.label for r in prio.reasons[:2]),
                flags=prio.flags,
                programs=tuple(sorted(code for code, _ in client_programs)),
                housing_status=housing,
                last_contact=last_contact,
                next_due=next_due,
                clinician=staff.get(clinician_id or -1, ""),
                clinician_id=clinician_id,
                due_by=prio.due_by,
                languages=languages.get(prio.client_id, ()),
            )
        )
    return rows


def client_detail(db: Database, client_id: int, on: date, actor: Actor) -> ClientDetail:
    """Everything the detail panel shows about one client."""
    require(actor, Permission.VIEW_CASELOAD)
    with db.session() as session:
        require_visible_in(session, actor, client_id, on)
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError(f"Client {client_id} does not exist.")
        staff = dict(session.execute(select(Staff.id, Staff.name)).all())
        events = session.scalars(
            select(UtilizationEvent)
            .where(UtilizationEvent.client_id == client_id)
            .order_by(UtilizationEvent.occurred_at.desc())
        )
        visits = session.scalars(
            select(Visit)
            .where(Visit.client_id == client_id)
            .order_by(Visit.visit_date.desc(), Visit.id.desc())
        )
        detail = ClientDetail(
            client_id=client.id,
            version=client.version,
            external_id=client.external_id,
            first_name=client.first_name,
            last_name=client.last_name,
            date_of_birth=client.date_of_birth,
            phone=client.phone,
            language=client.language,
            housing_status=client.housing_status,
            address=client.address,
            city=client.city,
            state=client.state,
            zip=client.zip,
            safety_notes=client.safety_notes,
            needs_peer_support=client.needs_peer_support,
            needs_interpreter=client.needs_interpreter,
            two_person_visit=client.two_person_visit,
            consent=ConsentState(client.consent),
            active=client.active,
            clinician_id=client.assigned_clinician_id,
            clinician=staff.get(client.assigned_clinician_id or -1, ""),
            places=tuple(
                PlaceInfo(
                    *(p.kind, p.label, p.description, p.lat, p.lon),
                    GeocodeQuality(p.geocode_quality).value,  # older names read as today's
                    p.is_primary,
                )
                for p in client.places
            ),
            programs=tuple((e.program.name, e.enrolled_on, e.ended_on) for e in client.enrollments),
            events=tuple(EventInfo(e.kind, e.occurred_at, e.source, e.notes) for e in events),
            visits=tuple(
                VisitInfo(
                    v.id,
                    v.visit_date,
                    v.visit_type,
                    v.status,
                    v.purpose,
                    staff.get(v.staff_id or -1, ""),
                    v.window_start,
                    v.window_end,
                    v.outcome_notes,
                )
                for v in visits
            ),
            priority=None,
            consent_on=client.consent_on,
            consent_scope=client.consent_scope,
            consent_obtained_by=client.consent_obtained_by,
            status=client.status,
            status_reason=client.status_reason,
        )
        # Every look at a client's record is on file: who, when, from which machine.
        _audit(session, actor, "client.view", client_id, "client record opened")
    try:
        prio = priority_for_client(db, client_id, on, actor)
    except NotFoundError:
        prio = None
    from dataclasses import replace

    return replace(detail, priority=prio, enrollments=tuple(enrollments(db, client_id)))


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    client_id: int,
    details: str,
    *,
    before: Values | None = None,
    after: Values | None = None,
) -> None:
    audit.record(session, actor, action, "client", client_id, details, before=before, after=after)


def update_client(
    db: Database, actor: Actor, client_id: int, expected_version: int, edit: ClientEdit
) -> int:
    """Apply `edit`; returns the new version. Validates before writing anything."""
    require(actor, Permission.EDIT_CASELOAD)
    if edit.first_name is not None and not edit.first_name.strip():
        raise UserError("First name cannot be empty.")
    if edit.last_name is not None and not edit.last_name.strip():
        raise UserError("Last name cannot be empty.")
    if edit.safety_notes is not None and len(edit.safety_notes.strip()) > SAFETY_NOTES_MAX_CHARS:
        raise UserError(
            f"Safety notes are {len(edit.safety_notes.strip())} characters long; at most "
            f"{SAFETY_NOTES_MAX_CHARS} fit on a route sheet. Shorten them; nothing was saved."
        )
    if edit.housing_status is not None and edit.housing_status not in set(HousingStatus):
        raise UserError(
            f"Housing status '{edit.housing_status}' is not one of housed, sheltered, unsheltered."
        )
    with db.session() as session:
        client = client_for_update(session, client_id, expected_version)
        before = row_values(client)
        changed = []
        for f in fields(ClientEdit):
            value = getattr(edit, f.name)
            if value is None:
                continue
            column = "assigned_clinician_id" if f.name == "clinician_id" else f.name
            if isinstance(value, ConsentState):
                value = value.value  # stored as its plain string
            if getattr(client, column) != value:
                setattr(client, column, value.strip() if isinstance(value, str) else value)
                changed.append(f.name)
        if changed:
            _audit(
                session,
                actor,
                "client.update",
                client_id,
                "changed: " + ", ".join(changed),
                before=before,
                after=row_values(client),
            )
        session.flush()
        return client.version


def add_visit(
    db: Database,
    actor: Actor,
    client_id: int,
    *,
    visit_date: date,
    visit_type: str = VisitType.FOLLOW_UP.value,
    purpose: str = "",
    duration_min: int = 45,
    window: tuple[datetime, datetime] | None = None,
    required_skills: frozenset[str] = frozenset(),
) -> int:
    """Schedule a visit; with a window it is a fixed appointment (MUST on its day)."""
    require(actor, Permission.EDIT_CASELOAD)
    if duration_min <= 0 or duration_min > 8 * 60:
        raise UserError("A visit lasts between 1 minute and 8 hours.")
    if window is not None and window[1] <= window[0]:
        raise UserError("The appointment window must end after it starts.")
    if visit_type not in set(VisitType):
        raise UserError(f"Unknown visit type '{visit_type}'.")
    with db.session() as session:
        if session.get(Client, client_id) is None:
            raise NotFoundError(f"Client {client_id} does not exist.")
        visit = Visit(
            client_id=client_id,
            visit_date=visit_date,
            visit_type=visit_type,
            status=VisitStatus.PLANNED.value,
            window_start=window[0] if window else None,
            window_end=window[1] if window else None,
            is_fixed_appointment=window is not None,
            duration_min=duration_min,
            purpose=purpose,
            required_skills=",".join(sorted(required_skills)),
        )
        session.add(visit)
        session.flush()
        _audit(
            session,
            actor,
            "visit.add",
            client_id,
            f"visit {visit.id} on {visit_date}",
            after=row_values(visit),
        )
        return visit.id


def client_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Client)) or 0)


def primary_places(db: Database, client_ids: list[int]) -> dict[int, PlaceInfo]:
    """The place a client is usually found, for maps."""
    with db.session() as session:
        result: dict[int, PlaceInfo] = {}
        for p in session.scalars(
            select(ClientPlace)
            .where(ClientPlace.client_id.in_(client_ids))
            .order_by(ClientPlace.is_primary.desc(), ClientPlace.id)
        ):
            result.setdefault(
                p.client_id,
                PlaceInfo(
                    *(p.kind, p.label, p.description, p.lat, p.lon),
                    GeocodeQuality(p.geocode_quality).value,  # older names read as today's
                    p.is_primary,
                ),
            )
        return result
