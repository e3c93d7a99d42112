"""The time from referral to first contact, stored for reporting.

Two ways in, both supported: the service that records visit outcomes calls
`record_first_contact(session, client_id, at)` in its own unit of work when a contact is
completed; and where nobody called it (visits imported or recorded elsewhere), readers fall back
to the first completed visit at or after the referral (`first_completed_contact`). The priority
rule for new referrals clears on a completed contact either way.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.enums import ReferralStatus, VisitStatus
from caseload.store.models import Referral, Visit


def record_first_contact(session: Session, client_id: int, at: datetime) -> int:
    """Store `at` as the first contact of the client's accepted referrals received up to `at`
    that have none yet; returns how many referrals it set. Call in the unit of work that records
    the completed contact (no audit row of its own: the contact's record is the audit)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    updated = 0
    for referral in session.scalars(
        select(Referral).where(
            Referral.client_id == client_id,
            Referral.status == ReferralStatus.ACCEPTED.value,
            Referral.first_contact_at.is_(None),
            Referral.referred_at <= at,
        )
    ):
        referral.first_contact_at = at
        updated += 1
    return updated


def first_completed_contact(session: Session, client_id: int, since: datetime) -> datetime | None:
    """The first completed visit of the client at or after `since` (a visit without a completion
    time counts from the start of its day, in `since`'s zone, if that day is after `since`)."""
    found: list[datetime] = []
    for completed_at, visit_date in session.execute(
        select(Visit.completed_at, Visit.visit_date).where(
            Visit.client_id == client_id,
            Visit.status == VisitStatus.COMPLETED.value,
            Visit.visit_date >= since.astimezone(since.tzinfo).date(),
        )
    ):
        moment = completed_at or datetime.combine(visit_date, time(0), since.tzinfo or UTC)
        if moment >= since:
            found.append(moment)
    return min(found) if found else None


def forget_first_contact(session: Session, client_id: int, at: datetime) -> int:
    """Undo `record_first_contact(session, client_id, at)` when that contact is corrected away
    (readers then fall back to the first completed visit); returns how many it cleared."""
    cleared = 0
    for referral in session.scalars(
        select(Referral).where(Referral.client_id == client_id, Referral.first_contact_at == at)
    ):
        referral.first_contact_at = None
        cleared += 1
    return cleared
