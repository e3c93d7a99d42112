"""Outcome, balancing and cost measures: utilization before and after enrolment.

Windows: for a client first enrolled on day E and a span of N days, "before" is the N days
ending with E (E-N+1 .. E: the event that led to enrolment counts before) and "after" the N
days that follow (E+1 .. E+N). A client counts for N only when E+N is on or before the
period's last day (the whole "after" span is observed); the others are counted and named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caseload.enums import EventKind, VisitStatus
from caseload.reports.data import ReportData
from caseload.reports.measure import Group, Measure, Period, Unit

WINDOWS = (90, 180, 365)
DAYS_PER_MONTH = 365.25 / 12
FOLLOW_UP_DAYS = 7  # a completed visit this soon after a discharge is its follow-up
READMIT_DAYS = 30
BALANCING_HOURS = 24
OUT, BAL, COST = Group.OUTCOME, Group.BALANCING, Group.COST
# The crew met the client: seen (completed) or sent to the ED from the visit (transported).
MET_CLIENT = (VisitStatus.COMPLETED.value, VisitStatus.TRANSPORTED.value)
KIND_LABEL = {
    EventKind.CALL_911.value: "911 calls",
    EventKind.ED_VISIT.value: "ED visits",
    EventKind.EMS_TRANSPORT.value: "EMS transports",
    EventKind.HOSPITAL_ADMISSION.value: "Hospital admissions",
}


def first_enrolments(data: ReportData, until: date) -> dict[int, date]:
    """Each client's first enrolment day (in the narrowed programs) on or before `until`."""
    out: dict[int, date] = {}
    for e in data.enrollments:
        if e.enrolled_on <= until and (e.client_id not in out or e.enrolled_on < out[e.client_id]):
            out[e.client_id] = e.enrolled_on
    return out


def event_days(data: ReportData, kinds: Iterable[str]) -> dict[int, list[date]]:
    """Each client's local event days of the given kinds."""
    wanted = set(kinds)
    out: dict[int, list[date]] = {}
    for e in data.events:
        if e.kind in wanted:
            out.setdefault(e.client_id, []).append(e.occurred_at.astimezone(data.zone).date())
    return out


def window_counts(days: Sequence[date], enrolled: date, span: int) -> tuple[int, int]:
    """(before, after): events in E-span+1..E and in E+1..E+span."""
    first = enrolled - timedelta(days=span - 1)
    last = enrolled + timedelta(days=span)
    before = sum(first <= d <= enrolled for d in days)
    after = sum(enrolled < d <= last for d in days)
    return before, after


@dataclass(frozen=True, slots=True)
class Cohort:
    span: int
    clients: dict[int, date]  # client -> enrolment day, enrolled long enough
    too_recent: int  # enrolled by the period's end but not yet `span` days


def cohort(data: ReportData, period: Period, span: int) -> Cohort:
    enrolled = first_enrolments(data, period.end)
    last_start = period.end - timedelta(days=span)
    ok = {c: d for c, d in enrolled.items() if d <= last_start}
    return Cohort(span, ok, len(enrolled) - len(ok))


def before_after_totals(
    data: ReportData, group: Cohort, kind: str, days: dict[int, list[date]] | None = None
) -> tuple[int, int]:
    """Events of `kind` before and after enrolment, summed over the cohort (`days`: the
    kind's `event_days`, when the caller has them already)."""
    days = event_days(data, (kind,)) if days is None else days
    before = after = 0
    for client, enrolled in group.clients.items():
        b, a = window_counts(days.get(client, ()), enrolled, group.span)
        before += b
        after += a
    return before, after


def before_after(data: ReportData, period: Period) -> list[Measure]:
    out: list[Measure] = []
    by_kind = {
        k: event_days(data, (k,)) for k in (EventKind.CALL_911.value, EventKind.ED_VISIT.value)
    }
    for span in WINDOWS:
        group = cohort(data, period, span)
        n = len(group.clients)
        sub = f"{span} days"
        out.append(
            Measure(
                f"cohort_{span}",
                OUT,
                f"Clients enrolled at least {span} days",
                f"Clients first enrolled at least {span} days before the period's end: only "
                f"they count in the {span}-day before/after comparison.",
                n,
                Unit.COUNT,
                sub,
                note=f"{group.too_recent} enrolled more recently are not counted.",
                clients=tuple(sorted(group.clients)),
            )
        )
        months = n * span / DAYS_PER_MONTH
        for kind in (EventKind.CALL_911.value, EventKind.ED_VISIT.value):
            before, after = before_after_totals(data, group, kind, by_kind[kind])
            label = KIND_LABEL[kind]
            for when, count in (("before", before), ("after", after)):
                span_text = (
                    f"the {span} days up to and including enrolment"
                    if when == "before"
                    else f"the {span} days after enrolment"
                )
                out.append(
                    Measure(
                        f"{kind}_{when}_{span}",
                        OUT,
                        f"{label} {span} days {when} enrolment",
                        f"{label} in {span_text}, summed over the clients enrolled at least "
                        f"{span} days.",
                        count,
                        Unit.COUNT,
                        sub,
                        basis=n,
                    )
                )
                out.append(
                    Measure(
                        f"{kind}_{when}_{span}_rate",
                        OUT,
                        f"{label} per 100 client-months, {span} days {when}",
                        f"{label} {when} enrolment per 100 client-months "
                        f"(clients x {span} days / 30.4).",
                        100 * count / months if months else None,
                        Unit.RATE,
                        sub,
                        basis=n,
                    )
                )
    return out


def _enrolled_on(data: ReportData, client: int, day: date) -> bool:
    return any(
        e.client_id == client and e.enrolled_on <= day and (e.ended_on is None or e.ended_on >= day)
        for e in data.enrollments
    )


def readmissions(data: ReportData, period: Period) -> list[Measure]:
    """30-day readmissions after discharges that had a follow-up visit within 7 days."""
    zone = data.zone
    admissions = [e for e in data.events if e.kind == EventKind.HOSPITAL_ADMISSION.value]
    contacts: dict[int, list[date]] = {}
    for v in data.visits:
        if v.status == VisitStatus.COMPLETED.value:
            contacts.setdefault(v.client_id, []).append(v.visit_date)
    followed = readmitted = 0
    for e in data.events:
        if e.kind != EventKind.HOSPITAL_DISCHARGE.value:
            continue
        day = e.occurred_at.astimezone(zone).date()
        if day not in period or e.occurred_at + timedelta(days=READMIT_DAYS) > period.as_of:
            continue
        if not _enrolled_on(data, e.client_id, day):
            continue
        if not any(
            day <= d <= day + timedelta(days=FOLLOW_UP_DAYS) for d in contacts.get(e.client_id, ())
        ):
            continue
        followed += 1
        readmitted += any(
            a.client_id == e.client_id
            and e.occurred_at < a.occurred_at <= e.occurred_at + timedelta(days=READMIT_DAYS)
            for a in admissions
        )
    none = "No hospital admissions are recorded (import events of kind hospital_admission)."
    has = bool(admissions)
    return [
        Measure(
            "discharges_followed_up",
            OUT,
            "Discharges followed up within 7 days",
            "Hospital discharges of enrolled clients in the period (30 days since passed) with "
            "a completed visit within 7 days.",
            followed,
            Unit.COUNT,
        ),
        Measure(
            "readmissions_30d",
            OUT,
            "30-day readmission rate after follow-up",
            "Share of those followed-up discharges with a hospital admission within 30 days.",
            100 * readmitted / followed if has and followed else None,
            Unit.PERCENT,
            basis=followed,
            note="" if has else none,
        ),
    ]


def overdoses_after_enrolment(data: ReportData, period: Period) -> list[Measure]:
    hits = [
        e
        for e in data.events
        if e.kind == EventKind.OVERDOSE.value
        and (day := e.occurred_at.astimezone(data.zone).date()) in period
        and any(
            x.client_id == e.client_id
            and x.enrolled_on < day
            and (x.ended_on is None or x.ended_on >= day)
            for x in data.enrollments
        )
    ]
    definition = "Overdoses in the period of clients then enrolled (after their enrolment day)."
    return [
        Measure(
            "overdoses_enrolled",
            OUT,
            "Overdoses while enrolled",
            definition,
            len(hits),
            Unit.COUNT,
            clients=tuple(sorted({e.client_id for e in hits})),
        ),
        Measure(
            "overdose_clients_enrolled",
            OUT,
            "Clients with an overdose while enrolled",
            definition.replace("Overdoses", "Distinct clients with an overdose"),
            len({e.client_id for e in hits}),
            Unit.COUNT,
        ),
    ]


def ed_after_visit(data: ReportData, period: Period) -> list[Measure]:
    """Balancing: visits where the crew met the client that ended in a transport, or were
    followed within 24 h by an ED visit or an EMS transport."""
    kinds = {EventKind.ED_VISIT.value, EventKind.EMS_TRANSPORT.value}
    acute: dict[int, list[datetime]] = {}
    for e in data.events:
        if e.kind in kinds:
            acute.setdefault(e.client_id, []).append(e.occurred_at)
    window = timedelta(hours=BALANCING_HOURS)
    met = [v for v in data.visits if v.status in MET_CLIENT and v.visit_date in period]
    flagged_clients: list[int] = []
    for v in met:
        if v.status == VisitStatus.TRANSPORTED.value:
            flagged_clients.append(v.client_id)  # the visit itself ended in a transport
            continue
        start = v.completed_at or v.ended_at
        if start is not None and any(
            start < t <= start + window for t in acute.get(v.client_id, ())
        ):
            flagged_clients.append(v.client_id)
    flagged = len(flagged_clients)
    definition = (
        "Visits in the period where the crew met the client (completed or transported) that "
        "ended in a transport to the ED or were followed within 24 h by an ED visit or EMS "
        "transport of the same client (a safety signal to review, not necessarily harm)."
    )
    return [
        Measure(
            "ed_within_24h",
            BAL,
            "Visits followed by ED/transport within 24 h",
            definition,
            flagged,
            Unit.COUNT,
            clients=tuple(sorted(set(flagged_clients))),
        ),
        Measure(
            "ed_within_24h_pct",
            BAL,
            "Share of visits followed by ED/transport within 24 h",
            "The visits above as a share of the period's visits where the crew met the client.",
            100 * flagged / len(met) if met else None,
            Unit.PERCENT,
            basis=len(met),
        ),
        Measure(
            "transported_from_visit",
            BAL,
            "Visits ending in a transport to the ED",
            "Visits in the period ending in a transport to the ED (counted above too).",
            sum(v.status == VisitStatus.TRANSPORTED.value for v in met),
            Unit.COUNT,
        ),
    ]


def cost_avoidance(data: ReportData, period: Period) -> list[Measure]:
    costs = data.costs
    span = costs.window_days
    group = cohort(data, period, span)
    n = len(group.clients)
    assumptions = (
        f"ESTIMATE: (events in the {span} days before enrolment - events in the {span} days "
        f"after) x unit cost, over the {n} clients enrolled at least {span} days. No "
        "comparison group: people often enrol after a crisis, so some fall would have come "
        "anyway (regression to the mean) and this overstates the effect. Unit costs are "
        "settings (report_costs), not prices."
    )
    out: list[Measure] = []
    total = 0.0
    for kind, usd in costs.per_event().items():
        if usd <= 0:
            continue
        before, after = before_after_totals(data, group, kind)
        avoided = before - after
        total += avoided * usd
        label = KIND_LABEL[kind]
        out.append(
            Measure(
                f"avoided_{kind}",
                COST,
                f"{label} avoided (net)",
                f"{label} in the {span} days before enrolment minus the {span} days after "
                f"(unit cost ${usd:,.0f}).",
                avoided,
                Unit.NET,
                f"{span} days",
                basis=n,
            )
        )
    out.insert(
        0,
        Measure(
            "cost_avoided",
            COST,
            "Estimated cost avoided",
            assumptions,
            total,
            Unit.USD,
            f"{span} days",
            basis=n,
        ),
    )
    return out


OUTCOME_MEASURES = (
    before_after,
    readmissions,
    overdoses_after_enrolment,
    ed_after_visit,
    cost_avoidance,
)
