"""What the priority rules read about a client, and what they produce.

`ClientFacts` (with its enrollments and appointments) is loaded by `caseload.priority.service`;
`compute_priority` in `caseload.priority.engine` turns it into a `ClientPriority` of `Reason`s.
`rank` orders a caseload: tier; within a tier, missed first-contact deadlines first (most overdue
first); then score (highest first), then client id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caseload.clinical import enrollment_active_on
from caseload.enums import HousingStatus, Tier, VisitType
from caseload.priority.wording import span

# Every flag a `ClientPriority` may carry.
FLAGS = frozenset(
    {
        "unsheltered",
        "familiar_face",
        "recent_overdose",
        "recent_discharge",
        "recent_fall",
        "vaccine_due",
        "overdue",
        "appointment",
        "not_found",
        "propose_disenrolment",
        "transported",
        "rescheduled",
        "new_referral",
    }
)


@dataclass(frozen=True, slots=True)
class OutcomeFacts:
    """A recorded visit outcome other than "completed" (`caseload.outcomes`), as the rules read
    it: what happened, on which day, when, and where the crew looked for a client not found."""

    status: str  # a VisitStatus value
    visit_date: date
    at: datetime | None = None  # ended, started or recorded, whichever is known
    looked_where: str = ""
    looked_place_id: int | None = None


@dataclass(frozen=True, slots=True)
class EnrollmentFacts:
    """One program enrollment and the last completed visit that counts for it.

    `duration_weeks` is the program's fixed length (None: open-ended); with `ended_on` it decides
    the last active day (`caseload.clinical`).
    """

    program_code: str
    program_name: str
    cadence_days: int
    enrolled_on: date
    ended_on: date | None = None
    last_visit_on: date | None = None
    duration_weeks: int | None = None
    # The program's first-contact deadline after these event kinds (None: it sets none).
    first_contact_hours: float | None = None
    first_contact_events: frozenset[str] = frozenset()

    def active_on(self, on: date) -> bool:
        return enrollment_active_on(on, self.enrolled_on, self.ended_on, self.duration_weeks)


@dataclass(frozen=True, slots=True)
class AppointmentFacts:
    """A fixed appointment on the day: the visit must happen inside [start, end]."""

    start: datetime
    end: datetime
    purpose: str = ""
    visit_type: str = VisitType.APPOINTMENT.value


@dataclass(frozen=True, slots=True)
class ClientFacts:
    """Everything the rules look at for one client (loaded by `caseload.priority.service`)."""

    client_id: int
    external_id: str
    name: str
    housing_status: str = HousingStatus.HOUSED.value
    events: tuple[tuple[str, datetime], ...] = ()  # (EventKind value, occurred_at)
    enrollments: tuple[EnrollmentFacts, ...] = ()
    last_contact: datetime | None = None  # the last COMPLETED visit
    appointments: tuple[AppointmentFacts, ...] = ()  # fixed appointments on the day
    last_vaccination_on: date | None = None  # the last completed vaccination visit
    active: bool = True
    # Outcomes other than "completed" since the last completed contact, oldest first.
    outcomes: tuple[OutcomeFacts, ...] = ()
    # The client's usual places (id, label) the crews have not looked at since then.
    untried_places: tuple[tuple[int, str], ...] = ()
    # A planned visit on the day that was rescheduled from this earlier day.
    rescheduled_from: date | None = None
    # Accepted referrals with no first contact on record, while the client is enrolled in the
    # program each was accepted into: (ReferralSource value, received_at, program code or "").
    referrals: tuple[tuple[str, datetime, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TimedLabel:
    """A reason whose numbers depend on when it is read ("41 h ago", "(3 h overdue)"), kept as
    its parts so a planned visit reads it at its planned start, not at the start of the day."""

    head: str  # "Non-fatal overdose", "2 non-fatal overdoses since last contact, first"
    since: datetime  # what "... ago" counts from
    tail: str  # "first contact due within 72 h"
    deadline: datetime

    def at(self, when: datetime) -> str:
        left = self.deadline - when
        state = f"{span(left)} left" if left >= timedelta(0) else f"{span(-left)} overdue"
        return f"{self.head} {span(when - self.since)} ago — {self.tail} ({state})"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a client is on the list: a code, a plain-language label (as read at the
    ranking time), its points; `timed` when the label reads differently later in the day."""

    code: str
    label: str
    points: float
    timed: TimedLabel | None = None


@dataclass(frozen=True, slots=True)
class ClientPriority:
    client_id: int
    external_id: str
    name: str
    tier: Tier
    score: float
    reasons: tuple[Reason, ...]  # highest points first
    due_by: datetime | None  # the earliest deadline that applies, in the program zone
    appointment: tuple[datetime, datetime] | None  # a fixed appointment window on the day
    purpose: str  # the suggested visit purpose, e.g. "Post-overdose follow-up"
    visit_type: VisitType
    flags: frozenset[str]
    # How long ago the earliest missed first-contact deadline passed (None: none missed).
    deadline_missed_by: timedelta | None = None
    # After "not found": the usual place to look next (a `ClientPlace` id), None otherwise.
    suggested_place_id: int | None = None

    @property
    def sort_key(self) -> tuple[int, float, float, int]:
        """Tier; then a missed first-contact deadline (always > 0) before any still running, most
        overdue first; then score (highest first); the client id makes it a total order."""
        missed = self.deadline_missed_by
        overdue_s = 0.0 if missed is None else missed.total_seconds()
        return (self.tier.rank, -overdue_s, -self.score, self.client_id)


def rank(priorities: Iterable[ClientPriority]) -> list[ClientPriority]:
    """Most urgent first, by `ClientPriority.sort_key` (deterministic)."""
    return sorted(priorities, key=lambda p: p.sort_key)
