"""Tiny hand-built report rows for the measure tests (times are local to the program's zone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from caseload.reports.costs import UnitCosts
from caseload.reports.data import (
    ClientRow,
    EnrollmentRow,
    EventRow,
    ReferralRow,
    ReportData,
    VisitRow,
)

ZONE = ZoneInfo("America/New_York")
PROGRAMS = {
    "high_utilizer": "Familiar faces",
    "overdose_followup": "Post-overdose",
    "fall": "Falls",
}


def at(day: str, hour: float = 12.0) -> datetime:
    minutes = round(hour * 60)
    return datetime.combine(date.fromisoformat(day), time(minutes // 60, minutes % 60), ZONE)


def d(day: str) -> date:
    return date.fromisoformat(day)


def client(cid: int, born: str = "1960-05-05", zip_code: str = "27701") -> ClientRow:
    return ClientRow(cid, d(born), zip_code, "housed", None)


def enrol(cid: int, program: str, start: str, end: str | None = None) -> EnrollmentRow:
    return EnrollmentRow(cid, program, d(start), None if end is None else d(end))


def visit(cid: int, day: str, status: str, staff: int | None = 1, hour: float = 12.0) -> VisitRow:
    done = status != "cancelled"
    return VisitRow(cid, None, d(day), status, staff, at(day, hour) if done else None)


def event(cid: int, kind: str, when: datetime) -> EventRow:
    return EventRow(cid, kind, when)


def referral(cid: int, source: str, when: datetime) -> ReferralRow:
    return ReferralRow(cid, source, when)


def data(
    *,
    clients: Sequence[ClientRow] = (),
    enrollments: Sequence[EnrollmentRow] = (),
    referrals: Sequence[ReferralRow] = (),
    visits: Sequence[VisitRow] = (),
    events: Sequence[EventRow] = (),
    costs: UnitCosts | None = None,
) -> ReportData:
    ids = {c.id for c in clients} | {e.client_id for e in enrollments}
    known = {c.id for c in clients}
    return ReportData(
        clients=[*clients, *(client(i) for i in sorted(ids - known))],
        enrollments=enrollments,
        referrals=referrals,
        visits=visits,
        events=events,
        programs=PROGRAMS,
        staff={1: "Staff One", 2: "Staff Two"},
        first_contact_hours={"": 72.0},
        zone=ZONE,
        costs=costs or UnitCosts(),
    )
