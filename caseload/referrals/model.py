"""What the referral queue shows, and what a new referral carries (read models and inputs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caseload.enums import EventKind, ReferralSource, ReferralStatus


@dataclass(frozen=True, slots=True)
class NewReferral:
    """A referral as it arrives: who sent it, when, why, the triggering event and the person."""

    source: ReferralSource
    received_at: datetime
    reason: str = ""
    event_kind: EventKind | None = None
    event_at: datetime | None = None
    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    address: str = ""
    city: str = ""
    zip: str = ""
    client_id: int | None = None  # a referral about a client already on file
    program_code: str = ""  # the program asked for (accepting may choose another)


@dataclass(frozen=True, slots=True)
class ReferralRow:
    """One referral in the queue, with its triage state."""

    referral_id: int
    version: int
    source: ReferralSource
    received_at: datetime
    reason: str
    event_kind: str
    event_at: datetime | None
    first_name: str
    last_name: str
    date_of_birth: date | None
    phone: str
    address: str
    city: str
    zip: str
    client_id: int | None
    client_name: str
    program_code: str
    program_name: str
    status: ReferralStatus
    status_reason: str
    contact_attempts: int
    triaged_by: str
    triaged_at: datetime | None
    # Stored by `record_first_contact`, or else the first completed visit after the referral.
    first_contact_at: datetime | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.client_name

    @property
    def time_to_first_contact(self) -> timedelta | None:
        """From receiving the referral to the first contact (for reporting)."""
        return None if self.first_contact_at is None else self.first_contact_at - self.received_at

    @property
    def waiting(self) -> bool:
        """Still needs someone: new, or accepted with no first contact yet."""
        return self.status is ReferralStatus.NEW or (
            self.status is ReferralStatus.ACCEPTED and self.first_contact_at is None
        )
