"""Client-level rows for evaluators, de-identified by HIPAA Safe Harbor (45 CFR 164.514(b)(2)).

None of the 18 identifiers: no names, addresses below the first three ZIP digits, dates other
than the year, phone numbers, record or any other ids. A row's `study_id` is a number drawn
for this file only (not derived from any id). Dates are days relative to the enrolment, or a
year; ages over 89 are "90+"; ZIP codes keep three digits, "000" where the three-digit area
had 20,000 people or fewer (the Census list HHS publishes).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from caseload.enums import EventKind, VisitStatus
from caseload.reports.data import ReportData
from caseload.reports.measure import Period
from caseload.reports.outcomes import WINDOWS, event_days, first_enrolments, window_counts
from caseload.reports.process import ATTEMPTS

# Three-digit ZIP areas with 20,000 people or fewer (2000 Census, as listed by HHS).
RESTRICTED_ZIP3 = frozenset(
    [
        "036",
        "059",
        "063",
        "102",
        "203",
        "556",
        "692",
        "790",
        "821",
        "823",
        "830",
        "831",
        "878",
        "879",
        "884",
        "890",
        "893",
    ]
)

COLUMNS = (
    "study_id",
    "program",
    "enrolment_year",
    "age_at_enrolment",
    "zip3",
    "housing_status",
    "days_enrolled_by_period_end",
    "enrolment_ended_day",
    "referral_day",
    "referral_source",
    "first_contact_day",
    "visits_attempted",
    "visits_completed",
    *(
        f"{k}_{w}_{s}"
        for s in WINDOWS
        for k in ("call_911", "ed_visit")
        for w in ("before", "after")
    ),
    "overdoses_after_enrolment",
)


def zip3(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())[:3]
    if len(digits) < 3:
        return ""
    return "000" if digits in RESTRICTED_ZIP3 else digits


def age_group(born: date, on: date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return "90+" if age > 89 else str(age)


@dataclass(frozen=True, slots=True)
class DeidentifiedRows:
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]


def client_rows(
    data: ReportData, period: Period, rng: random.Random | None = None
) -> DeidentifiedRows:
    """One row per client enrolled (in the narrowed programs) by the period's end."""
    zone = data.zone
    enrolled = first_enrolments(data, period.end)
    clients = {c.id: c for c in data.clients}
    program: dict[int, str] = {}
    ended: dict[int, date | None] = {}
    for e in sorted(data.enrollments, key=lambda e: e.enrolled_on):
        if enrolled.get(e.client_id) == e.enrolled_on and e.client_id not in program:
            program[e.client_id] = data.programs.get(e.program, e.program)
            ended[e.client_id] = e.ended_on
    calls = event_days(data, (EventKind.CALL_911.value,))
    eds = event_days(data, (EventKind.ED_VISIT.value,))
    ods = event_days(data, (EventKind.OVERDOSE.value,))
    referral: dict[int, tuple[date, str]] = {}
    for r in sorted(data.referrals, key=lambda r: r.referred_at):
        referral.setdefault(r.client_id, (r.referred_at.astimezone(zone).date(), r.source))
    first_seen: dict[int, date] = {}
    attempts: Counter[int] = Counter()
    done: Counter[int] = Counter()
    for v in sorted(data.visits, key=lambda v: v.visit_date):
        if v.visit_date > period.end:
            continue
        attempts[v.client_id] += v.status in ATTEMPTS
        if v.status == VisitStatus.COMPLETED.value:
            done[v.client_id] += 1
            if v.visit_date >= enrolled.get(v.client_id, date.max):
                first_seen.setdefault(v.client_id, v.visit_date)
    rows: list[tuple[str, ...]] = []
    for cid, day in enrolled.items():
        client = clients.get(cid)
        if client is None:
            continue

        def rel(d: date | None, start: date = day) -> str:
            return "" if d is None else str((d - start).days)

        counts: list[str] = []
        for span in WINDOWS:
            observed = day + timedelta(days=span) <= period.end
            for days in (calls, eds):
                b, a = window_counts(days.get(cid, ()), day, span)
                counts += [str(b), str(a) if observed else ""]
        end = ended.get(cid)
        ref = referral.get(cid)
        rows.append(
            (
                "",  # study_id, drawn below
                program[cid],
                str(day.year),
                age_group(client.date_of_birth, day),
                zip3(client.zip),
                client.housing_status,
                str((period.end - day).days),
                rel(end if end is not None and end <= period.end else None),
                rel(ref[0] if ref else None),
                ref[1] if ref else "",
                rel(first_seen.get(cid)),
                str(attempts[cid]),
                str(done[cid]),
                *counts,
                str(sum(day < d <= period.end for d in ods.get(cid, ()))),
            )
        )
    # Shuffle so row order says nothing about ids or dates, then number the rows.
    (rng or random.SystemRandom()).shuffle(rows)
    numbered = [(f"S{i:05d}", *row[1:]) for i, row in enumerate(rows, 1)]
    return DeidentifiedRows(COLUMNS, numbered)
