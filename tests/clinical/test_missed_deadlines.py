"""Missed first-contact deadlines rank above every deadline still running, most overdue first."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from caseload.enums import HousingStatus, Tier
from caseload.priority.engine import compute_priority
from caseload.priority.facts import AppointmentFacts, ClientFacts, ClientPriority, rank
from caseload.priority.rules import PriorityRules
from caseload.store.database import Database
from tests.clinical.needs_day import Day, Needs, Person, plan, write_day

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 16, 7, 0, tzinfo=ZONE)
RULES = PriorityRules()  # first contact due within 72 h


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def prio(client_id: int, **facts: object) -> ClientPriority:
    base = ClientFacts(client_id=client_id, external_id=f"C{client_id}", name=f"Client {client_id}")
    f = dataclasses.replace(base, **facts)  # type: ignore[arg-type]
    return compute_priority(f, NOW, NOW.date(), RULES)


def test_overdose_18_h_overdue_ranks_above_one_with_28_h_left() -> None:
    """Client 2's overdose was 90 h ago (18 h past the 72 h deadline); client 1's was 44 h ago
    (28 h left) and client 1 also scores more (unsheltered, three 911 calls). Both are MUST;
    the missed deadline comes first although its score is lower."""
    running = prio(
        1,
        events=(("overdose", ago(44)), *(("call_911", ago(24 * d)) for d in (3, 10, 20))),
        housing_status=HousingStatus.UNSHELTERED.value,
    )
    missed = prio(2, events=(("overdose", ago(90)),), last_contact=ago(24 * 30))
    assert (running.tier, missed.tier) == (Tier.MUST, Tier.MUST)
    assert running.score > missed.score
    assert missed.deadline_missed_by == timedelta(hours=18)
    assert running.deadline_missed_by is None
    assert [p.client_id for p in rank([running, missed])] == [2, 1]


def test_the_most_overdue_first_then_running_deadlines_then_appointments_by_score() -> None:
    """Three missed deadlines (overdose 2 h late, discharge 30 h late, overdose 18 h late), one
    overdose with 60 h left and a fixed appointment at 14:00: the order is 30 h late, 18 h late,
    2 h late, then the running deadline and the appointment by score."""
    late_2 = prio(1, events=(("overdose", ago(74)),))
    late_30 = prio(2, events=(("hospital_discharge", ago(102)),))
    late_18 = prio(3, events=(("overdose", ago(90)),))
    running = prio(4, events=(("overdose", ago(12)),))
    window = AppointmentFacts(NOW.replace(hour=14), NOW.replace(hour=15), "Wound care")
    appointment = prio(5, appointments=(window,))
    ranked = rank([appointment, running, late_2, late_18, late_30])
    assert [p.client_id for p in ranked] == [2, 3, 1, 4, 5]
    assert [p.deadline_missed_by for p in ranked] == [
        timedelta(hours=30), timedelta(hours=18), timedelta(hours=2), None, None,
    ]  # fmt: skip
    assert "(30 h overdue)" in ranked[0].reasons[0].label


def test_a_missed_deadline_stays_below_no_other_tier() -> None:
    """A HIGH client with a large score (unsheltered familiar face, long unseen) never outranks
    a MUST, overdue or not; the missed deadline only orders clients within MUST."""
    high = prio(
        1,
        events=tuple(("call_911", ago(24 * d)) for d in range(1, 9)),
        housing_status=HousingStatus.UNSHELTERED.value,
        last_contact=ago(24 * 60),
    )
    missed = prio(2, events=(("overdose", ago(80)),), last_contact=ago(24 * 10))
    assert high.tier is Tier.HIGH
    assert [p.client_id for p in rank([high, missed])] == [2, 1]


def test_a_planned_visit_reads_its_deadline_at_its_planned_start(db: Database) -> None:
    """Four overdose follow-ups 73.5 h after the overdoses (1 h 30 min past the 72 h deadline at
    the 08:00 shift start), one crew: each stop's reason says how overdue the visit is when it
    is planned to start, as its deadline line does, not what it was at 08:00."""
    day = Day(
        crews={"Medic 1": (Person("Mo Medic", skills="naloxone"),)},
        clients=tuple(Needs(overdose_hours_before_shift=73.5) for _ in range(4)),
    )
    keys = write_day(db, day)
    result = plan(db, keys)
    [route] = result.routes
    assert len(route.stops) == 4
    for stop in route.stops:
        assert stop.due_by is not None
        late_h = int((stop.start - stop.due_by).total_seconds() // 3600)
        assert stop.reasons[0].endswith(f"first contact due within 72 h ({late_h} h overdue)")
    # At 08:00 every reason read "1 h overdue"; the last stop starts hours later.
    assert route.stops[-1].reasons[0].endswith("h overdue)")
    assert "(1 h overdue)" not in route.stops[-1].reasons[0]
