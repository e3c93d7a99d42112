"""Explainable priorities: who must be seen on a day, and why. Pure rules, no database.

`compute_priority(facts, now, on, rules)` turns what we know about one client into a tier
(MUST / HIGH / ROUTINE), a score (the sum of the reasons' points) and reasons a program manager
can read. The facts it reads and the result it returns are in `caseload.priority.facts`.

Times: every datetime is timezone-aware; `now` should be in the program's zone (labels, local
dates and `due_by` use its zone). Events after `now` are ignored.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from caseload.enums import (
    EventKind,
    HousingStatus,
    ProgramCode,
    ReferralSource,
    Tier,
    VisitType,
)
from caseload.priority.facts import (
    ClientFacts,
    ClientPriority,
    EnrollmentFacts,
    Reason,
    TimedLabel,
)
from caseload.priority.outcome_rules import outcome_findings
from caseload.priority.rules import PriorityRules
from caseload.priority.wording import days_ago, num, period, plural, span

# The suggested purpose and visit type for a program's routine visit.
_PROGRAM_PURPOSE: dict[str, tuple[str, VisitType]] = {
    ProgramCode.OVERDOSE_FOLLOWUP: ("Post-overdose follow-up", VisitType.OVERDOSE_FOLLOW_UP),
    ProgramCode.HIGH_UTILIZER: ("Familiar faces check-in", VisitType.FOLLOW_UP),
    ProgramCode.FALL_PREVENTION: ("Fall prevention visit", VisitType.FALL_ASSESSMENT),
    ProgramCode.HOMEBOUND_VACCINE: ("Vaccination", VisitType.VACCINATION),
    ProgramCode.CHRONIC_DISEASE: ("Chronic disease check-in", VisitType.CHRONIC_CARE),
    ProgramCode.COMMUNITY_ADVOCACY: ("Community advocacy visit", VisitType.OUTREACH),
}
_REASON_PURPOSE: dict[str, tuple[str, VisitType]] = {
    "overdose": ("Post-overdose follow-up", VisitType.OVERDOSE_FOLLOW_UP),
    "discharge": ("Post-discharge follow-up", VisitType.POST_DISCHARGE),
    "recent_fall": ("Fall assessment", VisitType.FALL_ASSESSMENT),
    "unseen_fall": ("Fall assessment", VisitType.FALL_ASSESSMENT),
    "vaccine_due": ("Vaccination", VisitType.VACCINATION),
    "familiar_face": ("Familiar faces check-in", VisitType.FOLLOW_UP),
    "unsheltered": ("Outreach check-in", VisitType.OUTREACH),
    "transported": ("Check-in after ED transport", VisitType.FOLLOW_UP),
    "new_referral": ("First contact (new referral)", VisitType.FOLLOW_UP),
}
_DEFAULT_PURPOSE = ("Check-in", VisitType.FOLLOW_UP)


# --- The rules ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Finding:
    reason: Reason
    flag: str | None = None
    must: bool = False
    due_by: datetime | None = None
    missed_by: timedelta | None = None  # a first-contact deadline passed this long ago
    at_least_high: bool = False  # never ROUTINE (an unseen fall)
    shown: bool = False  # listed even at zero points (a visit outcome that explains)


def _by_kind(facts: ClientFacts, now: datetime) -> dict[str, list[datetime]]:
    """Event times up to `now`, by kind, oldest first."""
    buckets: dict[str, list[datetime]] = {}
    for kind, at in facts.events:
        if at <= now:
            buckets.setdefault(kind, []).append(at)
    for times in buckets.values():
        times.sort()
    return buckets


def first_contact_hours(
    enrollments: Iterable[EnrollmentFacts], kind: EventKind, rules: PriorityRules
) -> float:
    """Hours to a first contact after an event of `kind`: the shortest deadline among the
    client's programs that are started by it, else the program-wide setting."""
    hours = [
        e.first_contact_hours
        for e in enrollments
        if e.first_contact_hours is not None and kind.value in e.first_contact_events
    ]
    return min(hours) if hours else rules.first_contact_hours


def _first_contact(
    facts: ClientFacts,
    kind: EventKind,
    times: list[datetime],
    now: datetime,
    rules: PriorityRules,
    hours: float,
) -> _Finding | None:
    """The overdose / discharge rule: MUST until a completed contact after the event, due
    `hours` after it."""
    if kind is EventKind.OVERDOSE:
        code, what, many = "overdose", "Non-fatal overdose", "non-fatal overdoses"
        flag = "recent_overdose"
        must_points, seen_points = rules.overdose_first_contact_points, rules.overdose_seen_points
    else:
        code, what, many = "discharge", "Hospital discharge", "hospital discharges"
        flag = "recent_discharge"
        must_points = rules.discharge_first_contact_points
        seen_points = rules.discharge_seen_points
    if not times:
        return None
    zone = now.tzinfo
    lookback = now - timedelta(days=rules.first_contact_lookback_days)
    contact = facts.last_contact
    uncleared = [t for t in times if t >= lookback and (contact is None or contact <= t)]
    if uncleared:
        first = uncleared[0]
        deadline = (first + timedelta(hours=hours)).astimezone(zone)
        left = deadline - now
        head = what if len(uncleared) == 1 else f"{len(uncleared)} {many} since last contact, first"
        tail = f"first contact due within {num(hours)} h"
        timed = TimedLabel(head, first, tail, deadline)
        # Never worth less than the same event once seen (keeps priority monotone in recency).
        points = max(must_points, seen_points)
        missed = -left if left < timedelta(0) else None
        return _Finding(
            Reason(code, timed.at(now), points, timed),
            flag,
            must=True,
            due_by=deadline,
            missed_by=missed,
        )
    last = times[-1]
    if last < now - timedelta(days=rules.recent_event_days):
        return None
    if contact is not None and contact > last:
        since = f"seen since (completed visit {_ago(now, contact)})"
    else:
        since = "no contact since"
    label = f"{what} {span(now - last)} ago — {since}"
    return _Finding(Reason(code, label, seen_points), flag)


def _ago(now: datetime, moment: datetime) -> str:
    """When a completed visit was, as a reason says it: 'today', 'yesterday', '3 days ago'."""
    return days_ago((now.date() - moment.astimezone(now.tzinfo).date()).days)


def _source_label(source: str) -> str:
    try:
        return ReferralSource(source).label
    except ValueError:
        return source.replace("_", " ")


def _new_referral(
    facts: ClientFacts,
    enrollments: Iterable[EnrollmentFacts],
    now: datetime,
    rules: PriorityRules,
) -> _Finding | None:
    """An accepted referral nobody has reached yet: MUST until a completed contact after it,
    first contact due within its program's first-contact hours (else `first_contact_hours`)
    of receiving it."""
    contact = facts.last_contact
    waiting = sorted(
        (at, source, program)
        for source, at, program in facts.referrals
        if at <= now and (contact is None or contact <= at)
    )
    if not waiting:
        return None
    first, source, program = waiting[0]
    hours = next(
        (
            e.first_contact_hours
            for e in enrollments
            if e.program_code == program and e.first_contact_hours is not None
        ),
        rules.first_contact_hours,
    )
    deadline = (first + timedelta(hours=hours)).astimezone(now.tzinfo)
    left = deadline - now
    sender = "a self-referral" if source == ReferralSource.SELF.value else _source_label(source)
    if len(waiting) > 1:
        head = f"{len(waiting)} new referrals, the first from {sender}"
    elif source == ReferralSource.SELF.value:
        head = "New self-referral"
    else:
        head = f"New referral from {sender}"
    timed = TimedLabel(head, first, f"first contact due within {num(hours)} h", deadline)
    missed = -left if left < timedelta(0) else None
    return _Finding(
        # Worth as much as a discharge awaiting first contact (no setting of its own).
        Reason("new_referral", timed.at(now), rules.discharge_first_contact_points, timed),
        "new_referral",
        must=True,
        due_by=deadline,
        missed_by=missed,
    )


def _familiar_face(
    events: dict[str, list[datetime]], now: datetime, rules: PriorityRules
) -> _Finding | None:
    calls_from = now - timedelta(days=rules.familiar_face_calls_days)
    ed_from = now - timedelta(days=rules.familiar_face_ed_days)
    calls = sum(1 for t in events.get(EventKind.CALL_911.value, ()) if t >= calls_from)
    ed = sum(1 for t in events.get(EventKind.ED_VISIT.value, ()) if t >= ed_from)
    parts: list[str] = []
    extra = 0
    if calls >= rules.familiar_face_calls:
        parts.append(f"{plural(calls, 'call')} to 911 in {period(rules.familiar_face_calls_days)}")
        extra += calls - rules.familiar_face_calls
    if ed >= rules.familiar_face_ed_visits:
        parts.append(f"{plural(ed, 'ED visit')} in {period(rules.familiar_face_ed_days)}")
        extra += ed - rules.familiar_face_ed_visits
    if not parts:
        return None
    points = min(
        rules.familiar_face_max_points,
        rules.familiar_face_points + rules.familiar_face_points_per_extra_event * extra,
    )
    return _Finding(
        Reason("familiar_face", "Familiar face — " + ", ".join(parts), points), "familiar_face"
    )


def _recent_fall(
    events: dict[str, list[datetime]],
    contact: datetime | None,
    now: datetime,
    rules: PriorityRules,
) -> list[_Finding]:
    """Falls in the recency window, and any fall nobody has seen the client since (unseen)."""
    since = now - timedelta(days=rules.recent_fall_days)
    unseen_from = now - timedelta(days=rules.unseen_fall_lookback_days)
    unseen = [
        t
        for t in events.get(EventKind.FALL.value, ())
        if t >= unseen_from and (contact is None or t > contact)
    ]
    falls = [t for t in events.get(EventKind.FALL.value, ()) if t >= since or t in unseen]
    if not falls:
        return []
    ago = span(now - falls[-1])
    if len(falls) == 1:
        label = f"Fall {ago} ago"
    elif falls[0] >= since:
        label = f"{len(falls)} falls in {period(rules.recent_fall_days)}, the last {ago} ago"
    else:
        label = f"{len(falls)} falls, the first {span(now - falls[0])} ago, the last {ago} ago"
    points = rules.recent_fall_points + rules.recent_fall_points_per_extra_fall * (len(falls) - 1)
    found = [_Finding(Reason("recent_fall", label, points), "recent_fall")]
    if unseen:
        what = "No completed contact since the fall"
        if len(unseen) > 1:
            what = f"No completed contact since {len(unseen)} falls, the first"
        reason = Reason(
            "unseen_fall", f"{what} {span(now - unseen[0])} ago", rules.unseen_fall_points
        )
        found.append(_Finding(reason, "recent_fall", at_least_high=True))
    return found


def _active_enrollments(facts: ClientFacts, on: date) -> list[EnrollmentFacts]:
    """Active enrollments on the day, one per program (the latest enrollment wins)."""
    latest: dict[str, EnrollmentFacts] = {}
    for e in facts.enrollments:
        if e.active_on(on):
            kept = latest.get(e.program_code)
            if kept is None or e.enrolled_on > kept.enrolled_on:
                latest[e.program_code] = e
    return [latest[code] for code in sorted(latest)]


def _cadence(enrollment: EnrollmentFacts, on: date, rules: PriorityRules) -> _Finding | None:
    base = enrollment.enrolled_on
    if enrollment.last_visit_on is not None and enrollment.last_visit_on > base:
        base = enrollment.last_visit_on
    overdue_days = (on - (base + timedelta(days=enrollment.cadence_days))).days
    what = f"{enrollment.program_name} visit"
    code = f"program:{enrollment.program_code}"
    cause = ""
    if enrollment.last_visit_on is not None and enrollment.last_visit_on >= enrollment.enrolled_on:
        cause = f" (last completed visit {days_ago((on - enrollment.last_visit_on).days)})"
    if overdue_days == 0:
        return _Finding(Reason(code, f"{what} due today{cause}", rules.due_today_points))
    if overdue_days < 0:
        return None
    points = min(
        rules.overdue_max_points,
        rules.overdue_points + rules.overdue_points_per_day * overdue_days,
    )
    label = f"{what} {plural(overdue_days, 'day')} overdue{cause}"
    return _Finding(Reason(code, label, points), "overdue")


def _vaccine(
    facts: ClientFacts, enrollment: EnrollmentFacts, on: date, rules: PriorityRules
) -> _Finding | None:
    last = facts.last_vaccination_on
    if last is not None and (on - last).days < enrollment.cadence_days:
        return None
    if last is None:
        detail = "no vaccination on record"
    else:
        detail = f"last vaccination {days_ago((on - last).days)}"
    reason = Reason("vaccine_due", f"Vaccine due — {detail}", rules.vaccine_due_points)
    return _Finding(reason, "vaccine_due")


def _appointment(facts: ClientFacts, now: datetime, rules: PriorityRules) -> _Finding | None:
    if not facts.appointments:
        return None
    first = min(facts.appointments, key=lambda a: (a.start, a.end))
    start, end = first.start.astimezone(now.tzinfo), first.end.astimezone(now.tzinfo)
    label = f"Fixed appointment {start:%H:%M}–{end:%H:%M}"
    if first.purpose:
        label += f" ({first.purpose})"
    if len(facts.appointments) > 1:
        label += f", +{len(facts.appointments) - 1} more"
    if end < now:
        label += " — the window has passed"
    reason = Reason("appointment", label, rules.appointment_points)
    return _Finding(reason, "appointment", must=True, due_by=end)


def _housing(facts: ClientFacts, rules: PriorityRules) -> _Finding | None:
    if facts.housing_status == HousingStatus.UNSHELTERED:
        return _Finding(
            Reason("unsheltered", "Unsheltered", rules.unsheltered_points), "unsheltered"
        )
    if facts.housing_status == HousingStatus.SHELTERED:
        return _Finding(Reason("sheltered", "Staying in a shelter", rules.sheltered_points))
    return None


def _last_contact(facts: ClientFacts, now: datetime, on: date, rules: PriorityRules) -> Reason:
    if facts.last_contact is None:
        return Reason("last_contact", "No completed contact on record", rules.contact_max_points)
    days = max(0, (on - facts.last_contact.astimezone(now.tzinfo).date()).days)
    points = min(rules.contact_max_points, rules.contact_points_per_day * days)
    return Reason("last_contact", f"Last contact {days_ago(days)} (completed visit)", points)


def _purpose(
    facts: ClientFacts, findings: list[_Finding], enrollments: list[EnrollmentFacts]
) -> tuple[str, VisitType]:
    if facts.appointments:
        first = min(facts.appointments, key=lambda a: (a.start, a.end))
        try:
            visit_type = VisitType(first.visit_type)
        except ValueError:
            visit_type = VisitType.APPOINTMENT
        return (first.purpose or "Scheduled appointment", visit_type)
    names = {e.program_code: e.program_name for e in enrollments}
    # MUST reasons lead; then the reason with the most points that suggests a purpose.
    for finding in sorted(findings, key=lambda f: (not f.must, -f.reason.points, f.reason.code)):
        code = finding.reason.code
        if code in _REASON_PURPOSE:
            return _REASON_PURPOSE[code]
        if code.startswith("program:"):
            program = code.split(":", 1)[1]
            return _PROGRAM_PURPOSE.get(
                program, (f"{names.get(program, program)} visit", VisitType.FOLLOW_UP)
            )
    return _DEFAULT_PURPOSE


def compute_priority(
    facts: ClientFacts, now: datetime, on: date, rules: PriorityRules
) -> ClientPriority:
    """The tier, score and reasons for one client on the day `on`, as of `now`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not facts.active:
        return ClientPriority(
            client_id=facts.client_id,
            external_id=facts.external_id,
            name=facts.name,
            tier=Tier.ROUTINE,
            score=0.0,
            reasons=(),
            due_by=None,
            appointment=None,
            purpose="Not on the active caseload",
            visit_type=VisitType.FOLLOW_UP,
            flags=frozenset(),
        )
    enrollments = _active_enrollments(facts, on)
    # Compare in UTC: aware datetimes with the same tzinfo compare without offset look-ups.
    now_utc = now.astimezone(UTC)
    events = _by_kind(facts, now_utc)
    found: list[_Finding | None] = [
        _appointment(facts, now, rules),
        _first_contact(
            facts,
            EventKind.OVERDOSE,
            events.get("overdose", []),
            now,
            rules,
            first_contact_hours(enrollments, EventKind.OVERDOSE, rules),
        ),
        _first_contact(
            facts,
            EventKind.HOSPITAL_DISCHARGE,
            events.get("hospital_discharge", []),
            now,
            rules,
            first_contact_hours(enrollments, EventKind.HOSPITAL_DISCHARGE, rules),
        ),
        _new_referral(facts, enrollments, now, rules),
        _familiar_face(events, now_utc, rules),
        *_recent_fall(events, facts.last_contact, now_utc, rules),
        _housing(facts, rules),
    ]
    for enrollment in enrollments:
        if enrollment.program_code == ProgramCode.HOMEBOUND_VACCINE:
            found.append(_vaccine(facts, enrollment, on, rules))
        else:
            found.append(_cadence(enrollment, on, rules))
    found.append(_Finding(_last_contact(facts, now, on, rules)))
    found += [
        _Finding(o.reason, o.flag, at_least_high=o.at_least_high, shown=o.shown)
        for o in outcome_findings(facts, on, rules)
    ]
    findings = [f for f in found if f is not None]
    flags = frozenset(f.flag for f in findings if f.flag is not None)

    kept = [
        _Finding(
            dataclasses.replace(f.reason, points=round(f.reason.points, 2)),
            f.flag,
            f.must,
            f.due_by,
            f.missed_by,
            f.at_least_high,
            f.shown,
        )
        for f in findings
        if f.must or f.reason.points > 0 or f.shown
    ]
    reasons = tuple(sorted((f.reason for f in kept), key=lambda r: (-r.points, r.code)))
    score = round(math.fsum(r.points for r in reasons), 2)
    if any(f.must for f in kept):
        tier = Tier.MUST
    elif score >= rules.high_tier_min_score or any(f.at_least_high for f in kept):
        tier = Tier.HIGH
    else:
        tier = Tier.ROUTINE
    deadlines = [f.due_by for f in kept if f.due_by is not None]
    missed = [f.missed_by for f in kept if f.missed_by is not None]
    purpose, visit_type = _purpose(facts, kept, enrollments)
    window = None
    if facts.appointments:
        first = min(facts.appointments, key=lambda a: (a.start, a.end))
        window = (first.start.astimezone(now.tzinfo), first.end.astimezone(now.tzinfo))
    return ClientPriority(
        client_id=facts.client_id,
        external_id=facts.external_id,
        name=facts.name,
        tier=tier,
        score=score,
        reasons=reasons,
        due_by=min(deadlines) if deadlines else None,
        appointment=window,
        purpose=purpose,
        visit_type=visit_type,
        flags=flags,
        deadline_missed_by=max(missed) if missed else None,
        suggested_place_id=(
            facts.untried_places[0][0] if "not_found" in flags and facts.untried_places else None
        ),
    )
