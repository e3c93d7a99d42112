"""The rules that read recorded visit outcomes (`caseload.outcomes`): every reason names the
outcome that caused it.

- "not found" counts attempts since the last completed contact and names where the crews
  looked, suggesting a usual place not tried yet (the deadline that put the client on the list
  keeps running: a completed contact is the only thing that clears it);
- "declined" several times in a row proposes disenrolment (a flag; nothing is changed);
- "transported to the ED" asks for a check-in once the client is back;
- "rescheduled" puts the visit on its new day at least HIGH.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from caseload.enums import VisitStatus
from caseload.priority.facts import ClientFacts, OutcomeFacts, Reason
from caseload.priority.rules import PriorityRules
from caseload.priority.wording import plural

# Outcomes the program caused itself: they neither break nor extend a client's streak.
_PROGRAM_ACTIONS = frozenset({VisitStatus.CANCELLED.value, VisitStatus.RESCHEDULED.value})


@dataclass(frozen=True, slots=True)
class OutcomeFinding:
    reason: Reason
    flag: str | None = None
    at_least_high: bool = False
    shown: bool = True  # listed even at zero points: it explains the client's situation


def day_text(day: date, on: date) -> str:
    """'yesterday', 'Mon 30 Nov' — how a reason names the day of an outcome."""
    if (on - day).days == 1:
        return "yesterday"
    if day == on:
        return "today"
    return f"{day:%a %d %b}"


def _streak(outcomes: tuple[OutcomeFacts, ...], status: str) -> list[OutcomeFacts]:
    """The newest outcomes of `status` in a row (program cancellations are skipped)."""
    run: list[OutcomeFacts] = []
    for outcome in reversed(outcomes):
        if outcome.status in _PROGRAM_ACTIONS:
            continue
        if outcome.status != status:
            break
        run.append(outcome)
    return run


def not_found(facts: ClientFacts, on: date, rules: PriorityRules) -> OutcomeFinding | None:
    attempts = [o for o in facts.outcomes if o.status == VisitStatus.NO_CONTACT.value]
    if not attempts:
        return None
    places: list[str] = []
    for attempt in reversed(attempts):
        where = attempt.looked_where.strip()
        if where and where not in places:
            places.append(where)
    label = f"{plural(len(attempts), 'attempt')}, not found"
    if places:
        label += " at " + " and ".join(places[:2]) + (" …" if len(places) > 2 else "")
    label += f" (not found {day_text(attempts[-1].visit_date, on)})"
    if facts.untried_places:
        label += f" — try {facts.untried_places[0][1]}"
    # No points of its own: the deadline or cadence that put the client on the list stays.
    return OutcomeFinding(Reason("not_found", label, 0.0), "not_found")


def declined(facts: ClientFacts, on: date, rules: PriorityRules) -> OutcomeFinding | None:
    run = _streak(facts.outcomes, VisitStatus.REFUSED.value)
    if not run:
        return None
    last = day_text(run[0].visit_date, on)
    threshold = max(1, rules.declines_to_propose_disenrolment)
    if len(run) >= threshold:
        label = (
            f"Declined {len(run)} visits in a row (last {last}) — consider disenrolment "
            "(nothing is changed until someone decides)"
        )
        return OutcomeFinding(Reason("propose_disenrolment", label, 0.0), "propose_disenrolment")
    label = (
        f"Declined the visit {last}"
        if len(run) == 1
        else f"Declined {len(run)} visits in a row (last {last})"
    )
    return OutcomeFinding(Reason("declined", label, 0.0))


def transported(facts: ClientFacts, on: date, rules: PriorityRules) -> OutcomeFinding | None:
    rides = [o for o in facts.outcomes if o.status == VisitStatus.TRANSPORTED.value]
    if not rides or on - rides[-1].visit_date > timedelta(days=rules.transported_days):
        return None
    label = (
        f"Transported to the ED from the visit {day_text(rides[-1].visit_date, on)} — check in "
        "once back (ED visit recorded)"
    )
    return OutcomeFinding(Reason("transported", label, rules.transported_points), "transported")


def rescheduled(facts: ClientFacts, on: date, rules: PriorityRules) -> OutcomeFinding | None:
    if facts.rescheduled_from is None:
        return None
    label = f"Visit rescheduled to today from {day_text(facts.rescheduled_from, on)}"
    return OutcomeFinding(
        Reason("rescheduled", label, rules.rescheduled_points), "rescheduled", at_least_high=True
    )


def outcome_findings(facts: ClientFacts, on: date, rules: PriorityRules) -> list[OutcomeFinding]:
    found = [
        not_found(facts, on, rules),
        declined(facts, on, rules),
        transported(facts, on, rules),
        rescheduled(facts, on, rules),
    ]
    return [f for f in found if f is not None]
