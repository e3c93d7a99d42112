"""A measure's value with its definition, and how it is shown (small-number suppression)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Group(StrEnum):
    PROCESS = "process"
    OUTCOME = "outcome"
    BALANCING = "balancing"
    COST = "cost"


class Unit(StrEnum):
    COUNT = "count"
    NET = "net events"  # a difference of two shown counts: suppressed only by its basis
    PERCENT = "percent"
    HOURS = "hours"
    RATIO = "ratio"
    RATE = "per 100 client-months"
    USD = "usd"


@dataclass(frozen=True, slots=True)
class Period:
    """The report's dates, both inclusive, and the moment the data is read at (deadlines not
    yet passed at `as_of` are left out rather than counted as missed)."""

    start: date
    end: date
    as_of: datetime

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Measure:
    key: str  # stable, for CSV and tests: e.g. "referrals", "ed_before"
    group: Group
    label: str
    definition: str  # one line, shown next to the number
    value: float | None  # None: cannot be worked out from the data (the note says why)
    unit: Unit
    subgroup: str = ""  # e.g. a referral source, a program, "90 days"
    basis: int | None = None  # the number of people/referrals/visits a rate rests on
    note: str = ""
    # The clients behind the number, for the app's drill-down (never written to shared files).
    clients: tuple[int, ...] = ()
    # Not small itself, but shown suppressed in shared outputs so that a small count in the
    # same breakdown cannot be worked out from the total (see `withhold_complements`).
    withheld: bool = False


SUPPRESS_BELOW = 11
WITHHELD = "withheld"
"""How a count withheld by complementary suppression reads in shared outputs."""
TOTALS_ELSEWHERE = {"caseload_tier": "caseload"}
"""Breakdowns whose total is another measure's (the caseload by tier adds up to the caseload)."""


def is_small(n: int | None, below: int = SUPPRESS_BELOW) -> bool:
    """1..below-1 is small (0 is not: "none" identifies nobody)."""
    return n is not None and 0 < n < below


def format_value(m: Measure) -> str:
    """The value as a person reads it, without suppression."""
    if m.value is None:
        return "n/a"
    v = m.value
    if m.unit is Unit.COUNT:
        return f"{v:,.0f}"
    if m.unit is Unit.NET:
        return f"{v:+,.0f}"
    if m.unit is Unit.PERCENT:
        return f"{v:.0f}%"
    if m.unit is Unit.HOURS:
        return f"{v:.1f} h"
    if m.unit is Unit.USD:
        return f"-${-v:,.0f}" if v < 0 else f"${v:,.0f}"
    return f"{v:.2f}" if m.unit is Unit.RATIO else f"{v:.1f}"


def shown(m: Measure, below: int = SUPPRESS_BELOW) -> str:
    """The value for shared outputs: counts 1..below-1 as "<11", and any rate, time or cost
    resting on so few people as "n<11" (it would let a reader work the small count out)."""
    if below <= 1:
        return format_value(m)
    if m.withheld:
        return WITHHELD
    if m.unit is Unit.COUNT and m.value is not None and is_small(abs(round(m.value)), below):
        return f"<{below}"
    if m.unit is not Unit.COUNT and is_small(m.basis, below):
        return f"n<{below}"
    return format_value(m)


def withhold_complements(
    measures: Sequence[Measure], below: int = SUPPRESS_BELOW
) -> tuple[Measure, ...]:
    """Complementary suppression: in a breakdown of a count whose total is shown (referrals by
    source, enrolments by program…), a single small cell could be worked out as the total
    minus the others, so the smallest other non-zero cell is withheld with it. Only counts with
    a total (a row of the same key without a subgroup, or `TOTALS_ELSEWHERE`) are breakdowns."""
    if below <= 1:
        return tuple(measures)
    totals = {m.key for m in measures if not m.subgroup} | set(TOTALS_ELSEWHERE)
    cells: dict[str, list[int]] = {}
    for i, m in enumerate(measures):
        if m.subgroup and m.unit is Unit.COUNT and m.value is not None and m.key in totals:
            cells.setdefault(m.key, []).append(i)
    withheld: set[int] = set()
    for indexes in cells.values():
        counts = {i: abs(round(measures[i].value or 0)) for i in indexes}
        small = [i for i, n in counts.items() if is_small(n, below)]
        if len(small) != 1:
            continue  # none to protect, or two or more already hide each other
        others = sorted((n, i) for i, n in counts.items() if n >= below)
        if others:
            withheld.add(others[0][1])
    return tuple(
        dataclasses.replace(m, withheld=True) if i in withheld else m
        for i, m in enumerate(measures)
    )
