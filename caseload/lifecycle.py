"""A client's life in the program: enrol, graduate, disenrol (with a reason), consent (state,
date, scope, who obtained it) and status (active, deceased, moved away, transferred).

Only active clients are ranked and planned: `Client.active` is kept equal to
`status == active` here, and ranking, planning and the caseload table read `active`. Every change
is audited in its own unit of work and checks the version the user started from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.clinical import enrollment_active_on, enrollment_last_day
from caseload.enums import ClientStatus, ConsentState, EnrollmentEnd
from caseload.errors import NotFoundError, UserError
from caseload.store.database import Database
from caseload.store.models import Enrollment, Program
from caseload.store.versioned import client_for_update
from caseload.users.permissions import Permission, require


@dataclass(frozen=True, slots=True)
class EnrollmentInfo:
    enrollment_id: int
    program_code: str
    program_name: str
    enrolled_on: date
    ended_on: date | None  # recorded end
    last_day: date | None  # recorded end or the program's length, whichever is first
    end_kind: str  # an EnrollmentEnd value, or "" while open
    end_reason: str

    def active_on(self, on: date) -> bool:
        return self.enrolled_on <= on and (self.last_day is None or on <= self.last_day)


@dataclass(frozen=True, slots=True)
class Consent:
    state: ConsentState
    on: date | None
    scope: str
    obtained_by: str


def enrollments(db: Database, client_id: int) -> list[EnrollmentInfo]:
    """The client's enrolments, newest first."""
    with db.session() as session:
        rows = session.execute(
            select(Enrollment, Program)
            .join(Program, Program.id == Enrollment.program_id)
            .where(Enrollment.client_id == client_id)
            .order_by(Enrollment.enrolled_on.desc(), Enrollment.id.desc())
        ).all()
        return [
            EnrollmentInfo(
                e.id,
                p.code,
                p.name,
                e.enrolled_on,
                e.ended_on,
                enrollment_last_day(e.enrolled_on, e.ended_on, p.duration_weeks),
                e.end_kind,
                e.end_reason,
            )
            for e, p in rows
        ]


def enrol(db: Database, actor: Actor, client_id: int, program_code: str, on: date) -> int:
    """Enrol the client in the program from `on`; returns the enrolment id. Refused while the
    client is inactive or already enrolled in that program on that day."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        client = client_for_update(session, client_id, None)
        if client.status != ClientStatus.ACTIVE.value:
            raise UserError(
                f"Client {client.external_id} is not active "
                f"({client.status.replace('_', ' ')}): make the client active first."
            )
        program = session.scalar(select(Program).where(Program.code == program_code))
        if program is None:
            raise UserError(f"There is no program with code '{program_code}'.")
        for e in session.scalars(
            select(Enrollment).where(
                Enrollment.client_id == client_id, Enrollment.program_id == program.id
            )
        ):
            if e.enrolled_on == on or enrollment_active_on(
                on, e.enrolled_on, e.ended_on, program.duration_weeks
            ):
                raise UserError(f"Already enrolled in {program.name} on {on}.")
        enrollment = Enrollment(client_id=client_id, program_id=program.id, enrolled_on=on)
        session.add(enrollment)
        session.flush()
        audit.record(
            session,
            actor,
            "enrollment.start",
            "client",
            client_id,
            f"program {program.code}",
            after=row_values(enrollment),
        )
        return enrollment.id


def end_enrollment(
    db: Database,
    actor: Actor,
    enrollment_id: int,
    *,
    kind: EnrollmentEnd,
    on: date,
    reason: str = "",
) -> None:
    """Graduate or disenrol: the enrolment's last day is `on`. Disenrolling needs a reason."""
    require(actor, Permission.EDIT_CASELOAD)
    if kind is EnrollmentEnd.DISENROLLED and not reason.strip():
        raise UserError("Say why the client is disenrolled (e.g. declined further visits).")
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None:
            raise NotFoundError(f"Enrolment {enrollment_id} does not exist.")
        if enrollment.end_kind:
            raise UserError(f"This enrolment already ended ({enrollment.end_kind}).")
        if on < enrollment.enrolled_on:
            raise UserError(
                f"The end date {on} is before the enrolment started ({enrollment.enrolled_on})."
            )
        before = row_values(enrollment)
        enrollment.ended_on = on
        enrollment.end_kind = kind.value
        enrollment.end_reason = reason.strip()
        audit.record(
            session,
            actor,
            f"enrollment.{kind.value}",
            "client",
            enrollment.client_id,
            f"enrolment {enrollment_id} ended {on}",
            before=before,
            after=row_values(enrollment),
        )


def reopen_enrollment(db: Database, actor: Actor, enrollment_id: int) -> None:
    """Undo a graduation or disenrolment (audited)."""
    require(actor, Permission.EDIT_CASELOAD)
    with db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None:
            raise NotFoundError(f"Enrolment {enrollment_id} does not exist.")
        if not enrollment.end_kind:
            raise UserError("This enrolment has not ended.")
        was, before = enrollment.end_kind, row_values(enrollment)
        enrollment.ended_on, enrollment.end_kind, enrollment.end_reason = None, "", ""
        audit.record(
            session,
            actor,
            "enrollment.reopen",
            "client",
            enrollment.client_id,
            f"enrolment {enrollment_id} (was {was})",
            before=before,
            after=row_values(enrollment),
        )


def record_consent(
    db: Database,
    actor: Actor,
    client_id: int,
    expected_version: int,
    consent: Consent,
) -> int:
    """Record consent given or declined (with its date and who obtained it) or clear it; returns
    the client's new version."""
    require(actor, Permission.EDIT_CASELOAD)
    if consent.state is not ConsentState.NOT_RECORDED:
        if consent.on is None:
            raise UserError("Give the date consent was given or declined.")
        if not consent.obtained_by.strip():
            raise UserError("Say who obtained (or was refused) consent.")
    with db.session() as session:
        client = client_for_update(session, client_id, expected_version)
        before = row_values(client)
        client.consent = consent.state.value
        client.consent_on = consent.on
        client.consent_scope = consent.scope.strip()
        client.consent_obtained_by = consent.obtained_by.strip()
        audit.record(
            session,
            actor,
            "client.consent",
            "client",
            client_id,
            f"consent {consent.state}",
            before=before,
            after=row_values(client),
        )
        session.flush()
        return client.version


def set_status(
    db: Database,
    actor: Actor,
    client_id: int,
    expected_version: int,
    status: ClientStatus,
    *,
    on: date,
    reason: str = "",
) -> int:
    """Make the client active, deceased, moved away or transferred (`on`: the day it took
    effect). An inactive client's open enrolments end on that day, recorded as disenrolled with
    the status as reason. Returns the client's new version."""
    require(actor, Permission.EDIT_CASELOAD)
    if status is ClientStatus.MERGED:
        raise UserError("Use 'Merge duplicates' to merge a client into another.")
    if status is ClientStatus.TRANSFERRED and not reason.strip():
        raise UserError("Say where the client was transferred to.")
    with db.session() as session:
        client = client_for_update(session, client_id, expected_version)
        if client.status == ClientStatus.MERGED.value:
            raise UserError("This client was merged into another; edit that client instead.")
        previous, before = client.status, row_values(client)
        if previous == status.value and client.active == (status is ClientStatus.ACTIVE):
            return client.version  # nothing to change (a discharged "active" client is not)
        client.status = status.value
        client.active = status is ClientStatus.ACTIVE
        client.status_reason = reason.strip()
        client.discharged_on = None if client.active else on
        ended = 0
        if not client.active:
            why = status.value.replace("_", " ") + (f": {reason.strip()}" if reason.strip() else "")
            for e in session.scalars(select(Enrollment).where(Enrollment.client_id == client_id)):
                if e.end_kind or (e.ended_on is not None and e.ended_on < on):
                    continue
                e.ended_on, e.end_kind, e.end_reason = on, EnrollmentEnd.DISENROLLED.value, why
                ended += 1
        audit.record(
            session,
            actor,
            "client.status",
            "client",
            client_id,
            f"{previous} -> {status.value} on {on}; enrolments ended: {ended}",
            before=before,
            after=row_values(client),
        )
        session.flush()
        return client.version


def consent_of(db: Database, client_id: int) -> Consent:
    with db.session() as session:
        client = client_for_update(session, client_id, None)
        return Consent(
            ConsentState(client.consent),
            client.consent_on,
            client.consent_scope,
            client.consent_obtained_by,
        )
