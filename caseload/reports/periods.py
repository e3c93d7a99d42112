"""The report periods a person picks from: calendar months and quarters, latest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    label: str  # "Nov 2026", "Q3 2026"
    start: date
    end: date  # inclusive


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def recent_months(today: date, count: int = 18) -> list[ReportPeriod]:
    """This month (so far) and the `count - 1` before it."""
    out = []
    year, month = today.year, today.month
    for _ in range(count):
        start = date(year, month, 1)
        out.append(ReportPeriod(f"{start:%b %Y}", start, min(_month_end(year, month), today)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def recent_quarters(today: date, count: int = 6) -> list[ReportPeriod]:
    """This quarter (so far) and the `count - 1` before it."""
    out = []
    year, q = today.year, (today.month - 1) // 3 + 1
    for _ in range(count):
        start = date(year, 3 * q - 2, 1)
        out.append(ReportPeriod(f"Q{q} {year}", start, min(_month_end(year, 3 * q), today)))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return out


def recent_years(today: date, count: int = 6) -> list[ReportPeriod]:
    """The 12 months up to this month (so far), and up to each of the `count - 1` months
    before it: for a month-by-month trend."""
    out = []
    for month in recent_months(today, count):
        first = month.start  # the 12 months: 11 whole ones before it and this one
        start = date(first.year - (first.month < 12), first.month % 12 + 1, 1)
        out.append(ReportPeriod(f"12 months to {month.label}", start, month.end))
    return out
