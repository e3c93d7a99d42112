"""Visit outcomes as services take and return them: what the crew records for a stop, and the
stops of a saved plan with what was recorded for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caseload.enums import VisitStatus
from caseload.outcomes.checklist import ChecklistItem

# The outcomes a crew can record, in the order the entry lists offer them.
OUTCOMES: tuple[VisitStatus, ...] = (
    VisitStatus.COMPLETED,
    VisitStatus.NO_CONTACT,
    VisitStatus.REFUSED,
    VisitStatus.TRANSPORTED,
    VisitStatus.CANCELLED,
    VisitStatus.RESCHEDULED,
)

OUTCOME_LABELS: dict[VisitStatus, str] = {
    VisitStatus.PLANNED: "Not recorded",
    VisitStatus.COMPLETED: "Completed",
    VisitStatus.NO_CONTACT: "Attempted – client not found",
    VisitStatus.REFUSED: "Declined",
    VisitStatus.TRANSPORTED: "Transported / referred to ED",
    VisitStatus.CANCELLED: "Cancelled by program",
    VisitStatus.RESCHEDULED: "Rescheduled",
}

# Outcomes where the crew met the client (times and a checklist make sense).
MET_CLIENT = frozenset({VisitStatus.COMPLETED, VisitStatus.TRANSPORTED})


def outcome_label(status: VisitStatus) -> str:
    return OUTCOME_LABELS[status]


@dataclass(frozen=True, slots=True)
class OutcomeEntry:
    """What a crew records for one visit. Times are aware; `looked_place_id` (one of the
    client's places) or `looked_where` (free text) says where a client not found was looked
    for; `rescheduled_to` is the new day of a rescheduled visit."""

    status: VisitStatus
    started_at: datetime | None = None
    ended_at: datetime | None = None
    performed_by: str = ""
    looked_place_id: int | None = None
    looked_where: str = ""
    checklist: tuple[ChecklistItem, ...] = ()
    note: str = ""
    rescheduled_to: date | None = None


@dataclass(frozen=True, slots=True)
class OutcomeInfo:
    """A recorded outcome as read back."""

    visit_id: int
    client_id: int
    visit_date: date
    status: VisitStatus
    started_at: datetime | None
    ended_at: datetime | None
    performed_by: str
    recorded_by: str
    recorded_at: datetime | None
    looked_place_id: int | None
    looked_where: str  # the place's label when a place was chosen, else the free text
    checklist: tuple[ChecklistItem, ...]
    note: str
    rescheduled_to: date | None
    unplanned: bool

    @property
    def label(self) -> str:
        text = outcome_label(self.status)
        if self.status is VisitStatus.NO_CONTACT and self.looked_where:
            text += f" (looked at {self.looked_where})"
        if self.status is VisitStatus.RESCHEDULED and self.rescheduled_to is not None:
            text += f" to {self.rescheduled_to:%a %d %b}"
        return text


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    place_id: int
    label: str


@dataclass(frozen=True, slots=True)
class StopForOutcome:
    """One stop of a saved plan, in route-sheet order, with what outcome entry needs."""

    plan_id: int
    key: str
    client_id: int
    client_name: str
    crew_name: str
    seq: int
    planned_start: datetime | None
    planned_end: datetime | None
    location_text: str
    performed_by: str  # the crew's members, the default "who"
    places: tuple[PlaceChoice, ...]  # where a client not found may have been looked for
    routed_place_id: int | None  # the place the plan sent the crew to
    checklist: tuple[ChecklistItem, ...]  # what the client's programs may tick off
    outcome: OutcomeInfo | None

    @property
    def done(self) -> bool:
        return self.outcome is not None
