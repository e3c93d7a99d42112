"""Process measures: referrals, time to first contact, reach, attempts, productivity, caseload.

Each is a pure function of the report rows and the period, returning one or more measures.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from caseload.enums import EnrollmentEnd, Tier, VisitStatus
from caseload.reports.data import EnrollmentRow, ReferralRow, ReportData, VisitRow
from caseload.reports.measure import Group, Measure, Period, Unit

# A crew went out: found and seen, not found, declined, or found and sent to the ED (cancelled
# and rescheduled visits were never attempted).
ATTEMPTS = (
    VisitStatus.COMPLETED.value,
    VisitStatus.NO_CONTACT.value,
    VisitStatus.REFUSED.value,
    VisitStatus.TRANSPORTED.value,
)
P = Group.PROCESS


def _ids(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(ids)))


def _num(hours: float) -> str:
    return f"{hours:g}"


def referrals_in(data: ReportData, period: Period) -> list[ReferralRow]:
    return [r for r in data.referrals if r.referred_at.astimezone(data.zone).date() in period]


def completed_contacts(data: ReportData) -> dict[int, list[datetime]]:
    """Each client's completed contacts (times), earliest first. A transport from a visit is
    not one: as in the app, only a completed visit makes the first contact."""
    out: dict[int, list[datetime]] = {}
    for v in data.visits:
        if v.status == VisitStatus.COMPLETED.value and v.completed_at is not None:
            out.setdefault(v.client_id, []).append(v.completed_at)
    for times in out.values():
        times.sort()
    return out


def first_contact_after(contacts: Iterable[datetime], since: datetime) -> datetime | None:
    return next((t for t in contacts if t >= since), None)


def enrolments_by_client(data: ReportData) -> dict[int, list[tuple[date, str]]]:
    out: dict[int, list[tuple[date, str]]] = {}
    for e in data.enrollments:
        out.setdefault(e.client_id, []).append((e.enrolled_on, e.program))
    for mine in out.values():
        mine.sort()
    return out


def program_of(mine: list[tuple[date, str]], on: date) -> str | None:
    """The program a referral on `on` led to: the first enrolment from that day on, else the
    client's latest earlier one (`mine`: the client's enrolments, earliest first)."""
    later = [p for d, p in mine if d >= on]
    return later[0] if later else (mine[-1][1] if mine else None)


def referrals_by_source(data: ReportData, period: Period) -> list[Measure]:
    referrals = referrals_in(data, period)
    definition = "Referrals received in the period (by the date referred), by who referred."
    out = [
        Measure(
            "referrals",
            P,
            "Referrals received",
            definition,
            len(referrals),
            Unit.COUNT,
            clients=_ids(r.client_id for r in referrals),
        )
    ]
    for source, n in sorted(Counter(r.source for r in referrals).items()):
        ids = _ids(r.client_id for r in referrals if r.source == source)
        out.append(
            Measure(
                "referrals",
                P,
                f"Referrals from {source}",
                definition,
                n,
                Unit.COUNT,
                source,
                clients=ids,
            )
        )
    return out


def first_contact(data: ReportData, period: Period) -> list[Measure]:
    """Referral → first completed contact: median hours, and the share within the deadline."""
    contacts = completed_contacts(data)
    hours: list[float] = []
    evaluable = within = 0
    deadlines: set[float] = set()
    enrolled = enrolments_by_client(data)
    for r in referrals_in(data, period):
        on = r.referred_at.astimezone(data.zone).date()
        program = program_of(enrolled.get(r.client_id, []), on)
        deadline = data.deadline_hours(program)
        deadlines.add(deadline)
        first = first_contact_after(contacts.get(r.client_id, ()), r.referred_at)
        if first is not None:
            hours.append((first - r.referred_at).total_seconds() / 3600)
        made_it = first is not None and first - r.referred_at <= timedelta(hours=deadline)
        if made_it or r.referred_at + timedelta(hours=deadline) <= period.as_of:
            evaluable += 1  # still inside its deadline: neither met nor missed yet
            within += made_it
    due = "/".join(_num(h) for h in sorted(deadlines)) or _num(data.deadline_hours(None))
    return [
        Measure(
            "first_contact_median_h",
            P,
            "Median time, referral to first completed contact",
            "Median hours from referral to the client's first completed visit after it "
            "(referrals in the period that have had one).",
            statistics.median(hours) if hours else None,
            Unit.HOURS,
            basis=len(hours),
        ),
        Measure(
            "first_contact_within_deadline",
            P,
            f"First contact within {due} h",
            f"Share of the period's referrals with a completed contact within the program's "
            f"first-contact deadline ({due} h); referrals still inside it are left out.",
            100 * within / evaluable if evaluable else None,
            Unit.PERCENT,
            basis=evaluable,
        ),
    ]


def reach_rate(data: ReportData, period: Period) -> list[Measure]:
    contacts = completed_contacts(data)
    referrals = referrals_in(data, period)
    missed = [
        r.client_id
        for r in referrals
        if first_contact_after(contacts.get(r.client_id, ()), r.referred_at) is None
    ]
    reached = len(referrals) - len(missed)
    return [
        Measure(
            "reach_rate",
            P,
            "Reach rate",
            "Referrals in the period with at least one completed contact since (to date), "
            "as a share of all the period's referrals.",
            100 * reached / len(referrals) if referrals else None,
            Unit.PERCENT,
            basis=len(referrals),
            note="Drill-down lists the referrals not reached yet.",
            clients=_ids(missed),
        )
    ]


def visits_in(data: ReportData, period: Period) -> list[VisitRow]:
    return [v for v in data.visits if v.visit_date in period]


def attempts_per_contact(data: ReportData, period: Period) -> list[Measure]:
    visits = visits_in(data, period)
    attempts = sum(v.status in ATTEMPTS for v in visits)
    done = sum(v.status == VisitStatus.COMPLETED.value for v in visits)
    return [
        Measure(
            "attempts_per_contact",
            P,
            "Attempts per successful contact",
            "Visits attempted in the period (completed, no contact, refused or transported; not "
            "cancelled or rescheduled) per completed visit.",
            attempts / done if done else None,
            Unit.RATIO,
            basis=done,
        )
    ]


def visits_per_clinician_day(data: ReportData, period: Period) -> list[Measure]:
    visits = [v for v in visits_in(data, period) if v.staff_id is not None]
    days = {(v.staff_id, v.visit_date) for v in visits if v.status in ATTEMPTS}
    done = sum(v.status == VisitStatus.COMPLETED.value for v in visits)
    return [
        Measure(
            "visits_per_clinician_day",
            P,
            "Completed visits per clinician-day",
            "Completed visits in the period per clinician-day (a day on which a clinician "
            "attempted at least one visit).",
            done / len(days) if days else None,
            Unit.RATIO,
            basis=len(days),
        )
    ]


def enrolments(data: ReportData, period: Period) -> list[Measure]:
    began = Counter(e.program for e in data.enrollments if e.enrolled_on in period)
    ended = Counter(
        e.program for e in data.enrollments if e.ended_on is not None and e.ended_on in period
    )
    started_def = "Enrolments that began in the period."
    ended_def = "Enrolments that ended in the period (graduated, disenrolled or discharged)."
    note = "Graduations and disenrolments by reason are listed below."
    out = [
        Measure(
            "enrolments",
            P,
            "Enrolments",
            started_def,
            sum(began.values()),
            Unit.COUNT,
            clients=_ids(e.client_id for e in data.enrollments if e.enrolled_on in period),
        ),
        Measure(
            "enrolments_ended",
            P,
            "Enrolments ended",
            ended_def,
            sum(ended.values()),
            Unit.COUNT,
            note=note,
        ),
    ]
    for code in sorted(began.keys() | ended.keys()):
        name = data.programs.get(code, code)
        out.append(
            Measure(
                "enrolments", P, f"Enrolments: {name}", started_def, began[code], Unit.COUNT, name
            )
        )
        out.append(
            Measure(
                "enrolments_ended",
                P,
                f"Enrolments ended: {name}",
                ended_def,
                ended[code],
                Unit.COUNT,
                name,
            )
        )
    return out


def caseload_size(data: ReportData, period: Period) -> list[Measure]:
    day = period.end
    active = [e for e in data.enrollments if _active_on(e, day)]
    definition = (
        "Clients enrolled on the last day of the period (a client in two programs counts in each)."
    )
    out = [
        Measure(
            "caseload",
            P,
            "Caseload (clients)",
            "Distinct clients enrolled in any program on the last day of the period.",
            len({e.client_id for e in active}),
            Unit.COUNT,
            clients=_ids(e.client_id for e in active),
        )
    ]
    for code, n in sorted(Counter(e.program for e in active).items()):
        name = data.programs.get(code, code)
        out.append(Measure("caseload", P, f"Caseload: {name}", definition, n, Unit.COUNT, name))
    return out


def _active_on(e: EnrollmentRow, day: date) -> bool:
    return e.enrolled_on <= day and (e.ended_on is None or e.ended_on > day)


def caseload_by_tier(data: ReportData, period: Period) -> list[Measure]:
    """The caseload on the period's last day by the priority tier it was ranked at that day."""
    day = period.end
    active = {e.client_id for e in data.enrollments if _active_on(e, day)}
    definition = (
        "Clients on the caseload on the last day of the period by their priority tier that "
        "day (MUST, HIGH, ROUTINE; ranked with today's rules and client status)."
    )
    out = []
    for tier in Tier:
        ids = _ids(c for c in active if data.tiers.get(c) == tier.value)
        out.append(
            Measure(
                "caseload_tier",
                P,
                f"Caseload: {tier.value} priority",
                definition,
                len(ids),
                Unit.COUNT,
                tier.value,
                clients=ids,
            )
        )
    unranked = _ids(c for c in active if c not in data.tiers)
    if unranked:
        out.append(
            Measure(
                "caseload_tier",
                P,
                "Caseload: not ranked",
                "Clients enrolled on the last day of the period but not ranked that day "
                "(inactive or discharged).",
                len(unranked),
                Unit.COUNT,
                "not ranked",
                clients=unranked,
            )
        )
    return out


def reason_category(reason: str) -> str:
    """The reason's category for grouping: the words before any ':' detail ("moved away:
    to Ohio" -> "moved away"), lower case, so details typed by a user stay out of shared files."""
    head = reason.split(":", 1)[0].strip().lower()
    return " ".join(head.split())[:60] or "no reason given"


def ended_by_reason(data: ReportData, period: Period) -> list[Measure]:
    """Graduations and disenrolments in the period, disenrolments by reason."""
    ended = [e for e in data.enrollments if e.ended_on is not None and e.ended_on in period]
    graduated = [e for e in ended if e.end_kind == EnrollmentEnd.GRADUATED.value]
    disenrolled = [e for e in ended if e.end_kind == EnrollmentEnd.DISENROLLED.value]
    # Ends recorded before outcomes were kept (or the program's length running out).
    other = [
        e
        for e in ended
        if e.end_kind not in (EnrollmentEnd.GRADUATED.value, EnrollmentEnd.DISENROLLED.value)
    ]
    out = [
        Measure(
            "graduations",
            P,
            "Graduations",
            "Enrolments ended in the period with the client graduating (goals met).",
            len(graduated),
            Unit.COUNT,
            clients=_ids(e.client_id for e in graduated),
        ),
        Measure(
            "disenrolments",
            P,
            "Disenrolments",
            "Enrolments ended in the period by disenrolment (declined, moved away, deceased, "
            "transferred, ...), whatever the reason.",
            len(disenrolled),
            Unit.COUNT,
            clients=_ids(e.client_id for e in disenrolled),
        ),
    ]
    by_reason: dict[str, list[int]] = {}
    for e in disenrolled:
        by_reason.setdefault(reason_category(e.end_reason), []).append(e.client_id)
    for reason, ids in sorted(by_reason.items()):
        out.append(
            Measure(
                "disenrolments",
                P,
                f"Disenrolled: {reason}",
                "Disenrolments in the period with this reason (the words before any ':' "
                "detail the user typed).",
                len(ids),
                Unit.COUNT,
                reason,
                clients=_ids(ids),
            )
        )
    if other:
        out.append(
            Measure(
                "enrolments_ended_unrecorded",
                P,
                "Ended without a recorded outcome",
                "Enrolments ended in the period with neither graduation nor disenrolment "
                "recorded (ended before outcomes were kept).",
                len(other),
                Unit.COUNT,
                clients=_ids(e.client_id for e in other),
            )
        )
    return out


PROCESS_MEASURES = (
    referrals_by_source,
    first_contact,
    reach_rate,
    attempts_per_contact,
    visits_per_clinician_day,
    enrolments,
    ended_by_reason,
    caseload_size,
    caseload_by_tier,
)
