"""The monthly trend: per calendar month of the period, 911 calls and ED visits of enrolled
clients per 100 client-months, and visits completed.

A client is "enrolled" on the days after an enrolment day up to its recorded end (as in the
before/after windows, the enrolment day itself counts before); months are cut to the period.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from caseload.enums import EventKind, VisitStatus
from caseload.reports.data import ReportData
from caseload.reports.measure import Group, Measure, Period, Unit
from caseload.reports.outcomes import DAYS_PER_MONTH, KIND_LABEL

TREND_KINDS = (EventKind.CALL_911.value, EventKind.ED_VISIT.value)


@dataclass(frozen=True, slots=True)
class Month:
    key: str  # "2026-03": the measures' subgroup
    label: str  # "Mar 2026"
    start: date
    end: date  # inclusive, cut to the period


def months_of(period: Period) -> Iterator[Month]:
    first = period.start.replace(day=1)
    while first <= period.end:
        following = (first + timedelta(days=32)).replace(day=1)
        yield Month(
            f"{first:%Y-%m}",
            f"{first:%b %Y}",
            max(first, period.start),
            min(following - timedelta(days=1), period.end),
        )
        first = following


def enrolled_spans(data: ReportData, until: date) -> dict[int, list[tuple[date, date]]]:
    """Each client's enrolled days (day after enrolment .. recorded end or `until`), merged."""
    spans: dict[int, list[tuple[date, date]]] = {}
    for e in data.enrollments:
        first = e.enrolled_on + timedelta(days=1)
        last = min(e.ended_on or until, until)
        if first <= last:
            spans.setdefault(e.client_id, []).append((first, last))
    for client, mine in spans.items():
        mine.sort()
        merged = [mine[0]]
        for first, last in mine[1:]:
            if first <= merged[-1][1] + timedelta(days=1):
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        spans[client] = merged
    return spans


def _overlap(a: tuple[date, date], b: tuple[date, date]) -> int:
    return max(0, (min(a[1], b[1]) - max(a[0], b[0])).days + 1)


def monthly_trend(data: ReportData, period: Period) -> list[Measure]:
    spans = enrolled_spans(data, period.end)
    events: dict[str, list[tuple[int, date]]] = {k: [] for k in TREND_KINDS}
    for e in data.events:
        if e.kind in events:
            events[e.kind].append((e.client_id, e.occurred_at.astimezone(data.zone).date()))
    out: list[Measure] = []
    for month in months_of(period):
        window = (month.start, month.end)
        exposure = {
            c: days
            for c, mine in spans.items()
            if (days := sum(_overlap(s, window) for s in mine)) > 0
        }
        months = sum(exposure.values()) / DAYS_PER_MONTH
        for kind in TREND_KINDS:
            count = sum(
                month.start <= day <= month.end
                and client in exposure
                and any(a <= day <= b for a, b in spans[client])
                for client, day in events[kind]
            )
            label = KIND_LABEL[kind]
            out.append(
                Measure(
                    f"trend_{kind}_rate",
                    Group.OUTCOME,
                    f"{label} per 100 client-months, {month.label}",
                    f"{label} of clients on days they were enrolled (after the enrolment day), "
                    "per 100 client-months enrolled in the month.",
                    100 * count / months if months else None,
                    Unit.RATE,
                    month.key,
                    basis=len(exposure),
                )
            )
        done = sum(
            v.status == VisitStatus.COMPLETED.value and month.start <= v.visit_date <= month.end
            for v in data.visits
        )
        out.append(
            Measure(
                "trend_visits_completed",
                Group.PROCESS,
                f"Visits completed, {month.label}",
                "Visits completed in the month.",
                done,
                Unit.COUNT,
                month.key,
            )
        )
    return out


TREND_MEASURES = (monthly_trend,)
