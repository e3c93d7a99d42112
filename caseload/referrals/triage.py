"""Triage of a referral: match it to a client, accept it into a program, decline it, or mark the
person unable to reach. Each action checks the version the user started from, writes an audit row
in the same unit of work, and records who triaged and when.

Accepting links the referral to a client (an existing one, or a new one made from the referral's
contact details), enrols the client in the program (unless already enrolled in it), and records
the triggering event as a utilization event, so the first-contact deadline rules of
`caseload.priority` apply to it. Until the first completed contact the accepted referral itself
keeps the client MUST ("New referral from ED discharge planner 5 h ago").
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.clinical import enrollment_active_on
from caseload.enums import ClientStatus, PlaceKind, ReferralSource, ReferralStatus
from caseload.errors import NotFoundError, UserError
from caseload.geocoding import open_geocoder, save_cache
from caseload.referrals.matching import ClientMatch, find_matches
from caseload.settings import ProgramSettings, load_in
from caseload.store.database import Database
from caseload.store.models import (
    Client,
    ClientPlace,
    Enrollment,
    Program,
    Referral,
    UtilizationEvent,
)
from caseload.store.versioned import row_for_update
from caseload.users.permissions import Permission, require

DEFAULT_UNREACHABLE_ATTEMPTS = 3  # attempts before "unable to reach" is offered without asking


def _referral_for_update(session: Session, referral_id: int, expected_version: int) -> Referral:
    return row_for_update(
        session,
        Referral,
        referral_id,
        expected_version,
        name="Referral",
        conflict=lambda r: (
            f"Referral {r.id} was changed by someone else since you opened it; nothing "
            "was saved. Reload the queue to see their change."
        ),
    )


def _triaged(referral: Referral, actor: Actor, status: ReferralStatus, reason: str) -> None:
    referral.status = status.value
    referral.status_reason = reason
    referral.triaged_by = actor.user_id
    referral.triaged_at = datetime.now(UTC)


def matches_for_referral(db: Database, actor: Actor, referral_id: int) -> list[ClientMatch]:
    """Clients who may be the referred person (exact matches first)."""
    require(actor, Permission.TRIAGE_REFERRALS)
    with db.session() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFoundError(f"Referral {referral_id} does not exist.")
        return find_matches(
            session, referral.first_name, referral.last_name, referral.date_of_birth
        )


def _new_client(session: Session, actor: Actor, referral: Referral) -> Client:
    if referral.date_of_birth is None or not referral.last_name:
        raise UserError(
            "This referral has no date of birth or last name, so no client can be made from it: "
            "link it to an existing client, or add the missing details first."
        )
    client = Client(
        external_id=f"REF-{referral.id:06d}",
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        phone=referral.phone,
        address=referral.address,
        city=referral.city,
        zip=referral.zip,
        created_at=datetime.now(UTC),
    )
    _locate(session, client)
    session.add(client)
    session.flush()
    audit.record(
        session,
        actor,
        "client.create",
        "client",
        client.id,
        f"from referral {referral.id}",
        after=row_values(client),
    )
    return client


def _locate(session: Session, client: Client) -> None:
    """Find the referral's address the way a client import does (the agency's address table,
    its own geocoder if set up): a client is routable as soon as they are accepted, and one
    not found is listed under Locations to check."""
    # Column defaults apply at insert: an attribute not given is still None here.
    address, city, zip_code = client.address or "", client.city or "", client.zip or ""
    if not (address or zip_code):
        return
    geocoder = open_geocoder(session)
    found = geocoder.geocode(address, city, client.state or "", zip_code)
    save_cache(session, geocoder)
    if found.location is None:
        return
    lat, lon = found.location.lat, found.location.lon
    client.places.append(
        ClientPlace(
            kind=PlaceKind.HOME.value,
            label="Home",
            description=", ".join(p for p in (address, city, zip_code) if p),
            lat=lat,
            lon=lon,
            geocode_quality=found.quality.value,
            geocode_match=(found.matched or found.source)[:240],
            imported_lat=lat,
            imported_lon=lon,
            is_primary=True,
        )
    )


def _linkable(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError(f"Client {client_id} does not exist.")
    if client.status == ClientStatus.MERGED.value:
        raise UserError(
            f"Client {client.external_id} was merged into another client; link the referral to "
            "the client it was merged into."
        )
    if client.status == ClientStatus.DECEASED.value:
        raise UserError(f"Client {client.external_id} is recorded as deceased.")
    return client


def accept_referral(
    db: Database,
    actor: Actor,
    referral_id: int,
    expected_version: int,
    *,
    program_code: str,
    client_id: int | None = None,
) -> int:
    """Accept into `program_code`: link to `client_id` (or the referral's linked client, or a new
    client from its details), enrol, record the triggering event. Returns the client id."""
    require(actor, Permission.TRIAGE_REFERRALS)
    with db.session() as session:
        referral = _referral_for_update(session, referral_id, expected_version)
        return accept_in(session, actor, referral, program_code=program_code, client_id=client_id)


def accept_in(
    session: Session,
    actor: Actor,
    referral: Referral,
    *,
    program_code: str,
    client_id: int | None,
) -> int:
    """`accept_referral` inside the caller's unit of work (the referral import uses it)."""
    require(actor, Permission.TRIAGE_REFERRALS)
    if referral.status == ReferralStatus.ACCEPTED.value:
        raise UserError(f"Referral {referral.id} is already accepted.")
    program = session.scalar(select(Program).where(Program.code == program_code))
    if program is None:
        raise UserError(f"There is no program with code '{program_code}'.")
    zone = load_in(session, ProgramSettings).zone
    chosen = client_id if client_id is not None else referral.client_id
    client = (
        _linkable(session, chosen) if chosen is not None else _new_client(session, actor, referral)
    )
    if client.status != ClientStatus.ACTIVE.value:
        detail = f"{client.status} -> active (referral {referral.id} accepted)"
        old_client = row_values(client)
        client.status, client.active, client.status_reason = ClientStatus.ACTIVE.value, True, ""
        client.discharged_on = None
        audit.record(
            session,
            actor,
            "client.status",
            "client",
            client.id,
            detail,
            before=old_client,
            after=row_values(client),
        )
    old_referral = row_values(referral)
    received_on = referral.referred_at.astimezone(zone).date()
    enrolled = _enrol_if_needed(session, client.id, program, received_on)
    event = _record_event(session, client.id, referral)
    referral.client_id = client.id
    referral.program_id = program.id
    _triaged(referral, actor, ReferralStatus.ACCEPTED, "")
    audit.record(
        session,
        actor,
        "referral.accept",
        "referral",
        referral.id,
        f"client {client.id}, program {program.code}, "
        f"{'enrolled' if enrolled else 'already enrolled'}"
        f"{', event recorded' if event else ''}",
        before=old_referral,
        after=row_values(referral),
        client_id=client.id,
    )
    session.flush()
    return client.id


def _enrol_if_needed(session: Session, client_id: int, program: Program, on: date) -> bool:
    for e in session.scalars(
        select(Enrollment).where(
            Enrollment.client_id == client_id, Enrollment.program_id == program.id
        )
    ):
        if enrollment_active_on(on, e.enrolled_on, e.ended_on, program.duration_weeks) or (
            e.enrolled_on == on
        ):
            return False
    session.add(Enrollment(client_id=client_id, program_id=program.id, enrolled_on=on))
    return True


def _record_event(session: Session, client_id: int, referral: Referral) -> bool:
    if not referral.event_kind or referral.event_at is None:
        return False
    stored = session.scalar(
        select(UtilizationEvent.id).where(
            UtilizationEvent.client_id == client_id,
            UtilizationEvent.kind == referral.event_kind,
            UtilizationEvent.occurred_at == referral.event_at,
        )
    )
    if stored is not None:
        return False
    session.add(
        UtilizationEvent(
            client_id=client_id,
            kind=referral.event_kind,
            occurred_at=referral.event_at,
            source=f"referral: {ReferralSource(referral.source).label}",
        )
    )
    return True


def link_referral(
    db: Database, actor: Actor, referral_id: int, expected_version: int, client_id: int | None
) -> None:
    """Say which client the referral is about (None: nobody on file) without triaging it."""
    require(actor, Permission.TRIAGE_REFERRALS)
    with db.session() as session:
        referral = _referral_for_update(session, referral_id, expected_version)
        before = row_values(referral)
        if referral.status == ReferralStatus.ACCEPTED.value:
            raise UserError("An accepted referral's client cannot be changed here.")
        if client_id is not None:
            _linkable(session, client_id)
        referral.client_id = client_id
        audit.record(
            session,
            actor,
            "referral.link",
            "referral",
            referral_id,
            f"client {client_id}",
            before=before,
            after=row_values(referral),
            client_id=client_id,
        )


def decline_referral(
    db: Database, actor: Actor, referral_id: int, expected_version: int, reason: str
) -> None:
    """Decline with a reason (required: e.g. 'outside service area', 'declined services')."""
    require(actor, Permission.TRIAGE_REFERRALS)
    if not reason.strip():
        raise UserError("Say why the referral is declined (e.g. outside the service area).")
    with db.session() as session:
        referral = _referral_for_update(session, referral_id, expected_version)
        before = row_values(referral)
        if referral.status != ReferralStatus.NEW.value:
            raise UserError(
                f"Only a new referral can be declined; this one is {referral.status}. "
                "Disenrol the client instead."
            )
        _triaged(referral, actor, ReferralStatus.DECLINED, reason.strip())
        audit.record(
            session,
            actor,
            "referral.decline",
            "referral",
            referral_id,
            before=before,
            after=row_values(referral),
        )


def record_attempt(db: Database, actor: Actor, referral_id: int, expected_version: int) -> int:
    """Count one failed attempt to reach the person; returns the attempts so far."""
    require(actor, Permission.TRIAGE_REFERRALS)
    with db.session() as session:
        referral = _referral_for_update(session, referral_id, expected_version)
        before = row_values(referral)
        if referral.status not in (ReferralStatus.NEW.value, ReferralStatus.ACCEPTED.value):
            raise UserError(f"Referral {referral_id} is closed ({referral.status}).")
        referral.contact_attempts += 1
        audit.record(
            session,
            actor,
            "referral.attempt",
            "referral",
            referral_id,
            f"attempt {referral.contact_attempts}",
            before=before,
            after=row_values(referral),
            client_id=referral.client_id,
        )
        return referral.contact_attempts


def mark_unable_to_reach(
    db: Database,
    actor: Actor,
    referral_id: int,
    expected_version: int,
    *,
    attempts: int,
    note: str = "",
) -> None:
    """Close the referral as unable to reach after `attempts` tries (at least one)."""
    require(actor, Permission.TRIAGE_REFERRALS)
    if attempts < 1:
        raise UserError("Unable to reach needs at least one attempt on record.")
    with db.session() as session:
        referral = _referral_for_update(session, referral_id, expected_version)
        before = row_values(referral)
        if referral.status not in (ReferralStatus.NEW.value, ReferralStatus.ACCEPTED.value):
            raise UserError(f"Referral {referral_id} is closed ({referral.status}).")
        if referral.first_contact_at is not None:
            raise UserError("This person has been reached already (first contact on record).")
        referral.contact_attempts = max(attempts, referral.contact_attempts)
        reason = f"unable to reach after {referral.contact_attempts} attempts"
        _triaged(
            referral,
            actor,
            ReferralStatus.UNABLE_TO_REACH,
            (f"{reason}; {note}" if note.strip() else reason),
        )
        audit.record(
            session,
            actor,
            "referral.unable_to_reach",
            "referral",
            referral_id,
            reason,
            before=before,
            after=row_values(referral),
            client_id=referral.client_id,
        )


def reopen_referral(db: Database, actor: Actor, referral_id: int, expected_version: int) -> None:
    """Undo a decline or 'unable to reach': the referral is new again (audited)."""
    require(actor, Permission.TRIAGE_REFERRALS)
    with db.session() as session:
        referral = _referral_for_update(session, referral_id, expected_version)
        before = row_values(referral)
        if referral.status not in (
            ReferralStatus.DECLINED.value,
            ReferralStatus.UNABLE_TO_REACH.value,
        ):
            raise UserError("Only a declined or unable-to-reach referral can be reopened.")
        previous = referral.status
        referral.status, referral.status_reason = ReferralStatus.NEW.value, ""
        referral.triaged_by, referral.triaged_at = "", None
        audit.record(
            session,
            actor,
            "referral.reopen",
            "referral",
            referral_id,
            f"was {previous}",
            before=before,
            after=row_values(referral),
            client_id=referral.client_id,
        )
