"""Small builders for the referral and lifecycle tests: programs, clients, referrals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from caseload.actor import local_actor
from caseload.enums import EventKind, ReferralSource
from caseload.programs import ensure_default_programs
from caseload.referrals.intake import add_referral
from caseload.referrals.model import NewReferral
from caseload.store.database import Database
from caseload.store.models import Client

ZONE = ZoneInfo("America/New_York")  # the default program zone
ACTOR = local_actor()


def programs(db: Database) -> None:
    with db.session() as session:
        ensure_default_programs(session)


def client(
    db: Database,
    external_id: str,
    first: str = "Dolores",
    last: str = "Whitfield",
    dob: date = date(1948, 3, 12),
    **extra: object,
) -> int:
    with db.session() as session:
        row = Client(
            external_id=external_id,
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            **extra,
        )
        session.add(row)
        session.flush()
        return row.id


def ed_referral(
    db: Database,
    received_at: datetime,
    *,
    first: str = "Dolores",
    last: str = "Whitfield",
    dob: date | None = date(1948, 3, 12),
    event_before: timedelta = timedelta(minutes=40),
    client_id: int | None = None,
    address: str = "1207 Holloway St",
) -> int:
    """A referral from an ED discharge planner after a hospital discharge."""
    return add_referral(
        db,
        ACTOR,
        NewReferral(
            source=ReferralSource.HOSPITAL,
            received_at=received_at,
            reason="CHF readmission risk",
            event_kind=EventKind.HOSPITAL_DISCHARGE,
            event_at=received_at - event_before,
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            phone="919-555-0142",
            address=address,
            city="Durham",
            zip="27701",
            client_id=client_id,
        ),
    )
