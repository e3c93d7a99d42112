"""Referrals entering the queue and the queue as the Referrals page lists it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor
from caseload.audit_values import row_values
from caseload.enums import ReferralSource, ReferralStatus
from caseload.errors import NotFoundError, UserError
from caseload.importing.common import chunks
from caseload.referrals.first_contact import first_completed_contact
from caseload.referrals.model import NewReferral, ReferralRow
from caseload.store.database import Database
from caseload.store.models import Client, Program, Referral
from caseload.users.permissions import Permission, require

CLOCK_SLACK = timedelta(minutes=10)  # a sender's clock may run a little fast


def check_new_referral(new: NewReferral, now: datetime) -> None:
    """Problems a user can fix, before anything is written."""
    if new.received_at.tzinfo is None or (new.event_at and new.event_at.tzinfo is None):
        raise ValueError("referral times must be timezone-aware")
    if new.received_at > now + CLOCK_SLACK:
        raise UserError("The referral's received time is in the future.")
    if new.client_id is None and not (new.first_name.strip() and new.last_name.strip()):
        raise UserError("A referral needs the person's first and last name (or a client).")
    if (new.event_kind is None) != (new.event_at is None):
        raise UserError("The triggering event needs both its kind and its time.")
    if new.event_at is not None and new.event_at > new.received_at:
        raise UserError("The triggering event happens before the referral is received.")


def add_referral_in(
    session: Session, actor: Actor, new: NewReferral, *, now: datetime | None = None
) -> Referral:
    """Put a referral in the queue as `new` (in the caller's unit of work), audited. `now`
    (default: the clock) is the latest time it may have been received."""
    require(actor, Permission.TRIAGE_REFERRALS)
    check_new_referral(new, now or datetime.now(UTC))
    program_id = None
    if new.program_code:
        program_id = session.scalar(select(Program.id).where(Program.code == new.program_code))
        if program_id is None:
            raise UserError(f"There is no program with code '{new.program_code}'.")
    if new.client_id is not None and session.get(Client, new.client_id) is None:
        raise NotFoundError(f"Client {new.client_id} does not exist.")
    referral = Referral(
        client_id=new.client_id,
        source=new.source.value,
        referred_at=new.received_at,
        reason=new.reason.strip(),
        event_kind=new.event_kind.value if new.event_kind else "",
        event_at=new.event_at,
        first_name=new.first_name.strip(),
        last_name=new.last_name.strip(),
        date_of_birth=new.date_of_birth,
        phone=new.phone.strip(),
        address=new.address.strip(),
        city=new.city.strip(),
        zip=new.zip.strip(),
        program_id=program_id,
        status=ReferralStatus.NEW.value,
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        actor,
        "referral.add",
        "referral",
        referral.id,
        f"source {new.source}",
        after=row_values(referral),
    )
    return referral


def add_referral(db: Database, actor: Actor, new: NewReferral) -> int:
    """Put one referral in the queue; returns its id."""
    require(actor, Permission.TRIAGE_REFERRALS)
    with db.session() as session:
        return add_referral_in(session, actor, new).id


def _rows(session: Session, referrals: Sequence[Referral]) -> list[ReferralRow]:
    """Read models for `referrals`, with their clients and programs loaded in bulk."""
    programs = {
        pid: (code, name)
        for pid, code, name in session.execute(select(Program.id, Program.code, Program.name))
    }
    client_ids = sorted({r.client_id for r in referrals if r.client_id is not None})
    clients: dict[int, Client] = {}
    for batch in chunks(client_ids):
        clients.update(
            (c.id, c) for c in session.scalars(select(Client).where(Client.id.in_(batch)))
        )
    rows = []
    for r in referrals:
        client = clients.get(r.client_id) if r.client_id is not None else None
        first = r.first_contact_at
        if first is None and client is not None and r.status == ReferralStatus.ACCEPTED.value:
            first = first_completed_contact(session, client.id, r.referred_at)
        code, name = programs.get(r.program_id or -1, ("", ""))
        rows.append(
            ReferralRow(
                referral_id=r.id,
                version=r.version,
                source=ReferralSource(r.source),
                received_at=r.referred_at,
                reason=r.reason,
                event_kind=r.event_kind,
                event_at=r.event_at,
                first_name=r.first_name or (client.first_name if client else ""),
                last_name=r.last_name or (client.last_name if client else ""),
                date_of_birth=r.date_of_birth or (client.date_of_birth if client else None),
                phone=r.phone,
                address=r.address,
                city=r.city,
                zip=r.zip,
                client_id=r.client_id,
                client_name=f"{client.first_name} {client.last_name}" if client else "",
                program_code=code,
                program_name=name,
                status=ReferralStatus(r.status),
                status_reason=r.status_reason,
                contact_attempts=r.contact_attempts,
                triaged_by=r.triaged_by,
                triaged_at=r.triaged_at,
                first_contact_at=first,
            )
        )
    return rows


def queue_order(row: ReferralRow) -> tuple[int, float, int]:
    """New first, then accepted and still waiting for first contact, then the rest; newest
    first within each."""
    rank = 0 if row.status is ReferralStatus.NEW else 1 if row.waiting else 2
    return (rank, -row.received_at.timestamp(), -row.referral_id)


def list_referrals(
    db: Database, actor: Actor, *, include_closed: bool = True, limit: int = 2000
) -> list[ReferralRow]:
    """The queue: new referrals first, then accepted ones awaiting first contact, then closed
    ones (declined, unable to reach, contacted), newest first within each group."""
    require(actor, Permission.TRIAGE_REFERRALS)
    del actor  # reads are not audited; permissions will attach here
    with db.session() as session:
        referrals = session.scalars(
            select(Referral).order_by(Referral.referred_at.desc(), Referral.id.desc()).limit(limit)
        )
        rows = _rows(session, list(referrals))
    if not include_closed:
        rows = [r for r in rows if r.waiting]
    return sorted(rows, key=queue_order)


def get_referral(db: Database, referral_id: int) -> ReferralRow:
    with db.session() as session:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFoundError(f"Referral {referral_id} does not exist.")
        return _rows(session, [referral])[0]
