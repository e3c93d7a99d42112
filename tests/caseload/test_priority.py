"""The pure priority rules: worked examples, then properties that must hold for any client."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.enums import EventKind, HousingStatus, ProgramCode, Tier, VisitType
from caseload.priority.engine import compute_priority
from caseload.priority.facts import (
    AppointmentFacts,
    ClientFacts,
    ClientPriority,
    EnrollmentFacts,
    rank,
)
from caseload.priority.rules import PriorityRules

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 16, 10, 0, tzinfo=ZONE)
ON = NOW.date()
RULES = PriorityRules()


def facts(**changes: object) -> ClientFacts:
    base = ClientFacts(client_id=1, external_id="C1", name="Ana Lopez")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


def enrollment(code: ProgramCode, name: str, cadence: int, **kw: object) -> EnrollmentFacts:
    values: dict[str, object] = {"enrolled_on": ON - timedelta(days=200)} | kw
    return EnrollmentFacts(code.value, name, cadence, **values)  # type: ignore[arg-type]


def prio(f: ClientFacts, rules: PriorityRules = RULES) -> ClientPriority:
    return compute_priority(f, NOW, ON, rules)


def reason(p: ClientPriority, code: str) -> tuple[str, float]:
    found = [(r.label, r.points) for r in p.reasons if r.code == code]
    assert len(found) == 1, p.reasons
    return found[0]


def codes(p: ClientPriority) -> set[str]:
    return {r.code for r in p.reasons}


# --- Worked examples --------------------------------------------------------------------------


def test_recent_overdose_without_contact_is_must_with_a_72_hour_deadline() -> None:
    event = ago(hours=41)
    p = prio(facts(events=(("overdose", event),), last_contact=ago(days=20)))
    assert p.tier is Tier.MUST
    label, points = reason(p, "overdose")
    assert label == "Non-fatal overdose 41 h ago — first contact due within 72 h (31 h left)"
    assert points == 100
    assert p.due_by == event + timedelta(hours=72)
    assert p.due_by is not None and p.due_by.tzinfo == ZONE
    assert p.purpose == "Post-overdose follow-up"
    assert p.visit_type is VisitType.OVERDOSE_FOLLOW_UP
    assert "recent_overdose" in p.flags
    assert p.reasons[0].code == "overdose"  # the most points first


def test_overdose_past_the_deadline_stays_must_and_says_how_late() -> None:
    p = prio(facts(events=(("overdose", ago(hours=80)),)))
    assert p.tier is Tier.MUST
    assert reason(p, "overdose")[0].endswith("(8 h overdue)")
    assert p.due_by is not None and p.due_by < NOW


def test_a_completed_contact_after_the_overdose_clears_the_must() -> None:
    p = prio(facts(events=(("overdose", ago(hours=41)),), last_contact=ago(hours=20)))
    assert p.tier is not Tier.MUST
    assert p.due_by is None
    assert reason(p, "overdose") == (
        "Non-fatal overdose 41 h ago — seen since (completed visit yesterday)",
        10,
    )
    assert "recent_overdose" in p.flags


def test_a_contact_before_the_overdose_does_not_clear_it() -> None:
    p = prio(facts(events=(("overdose", ago(hours=10)),), last_contact=ago(hours=11)))
    assert p.tier is Tier.MUST


def test_several_overdoses_since_contact_count_from_the_first() -> None:
    first = ago(hours=50)
    p = prio(facts(events=(("overdose", ago(hours=5)), ("overdose", first))))
    label, _ = reason(p, "overdose")
    assert label.startswith("2 non-fatal overdoses since last contact, first 50 h ago")
    assert p.due_by == first + timedelta(hours=72)


def test_an_old_uncontacted_overdose_no_longer_triggers_a_must() -> None:
    p = prio(facts(events=(("overdose", ago(days=31)),)))
    assert p.tier is not Tier.MUST
    assert "overdose" not in codes(p)


def test_hospital_discharge_is_must_with_post_discharge_purpose() -> None:
    p = prio(facts(events=(("hospital_discharge", ago(hours=20)),)))
    assert p.tier is Tier.MUST
    assert reason(p, "discharge")[0].startswith("Hospital discharge 20 h ago")
    assert p.purpose == "Post-discharge follow-up"
    assert p.visit_type is VisitType.POST_DISCHARGE
    assert "recent_discharge" in p.flags


def test_familiar_face_by_911_calls_in_90_days() -> None:
    calls = tuple(("call_911", ago(days=d)) for d in (1, 30, 89))
    p = prio(facts(events=calls))
    assert reason(p, "familiar_face") == ("Familiar face — 3 calls to 911 in 90 days", 20)
    assert "familiar_face" in p.flags
    older = tuple(("call_911", ago(days=d)) for d in (1, 30, 91))
    assert "familiar_face" not in codes(prio(facts(events=older)))


def test_familiar_face_by_ed_visits_in_12_months_with_extra_points() -> None:
    visits = tuple(("ed_visit", ago(days=d)) for d in (10, 100, 200, 300, 360))
    label, points = reason(prio(facts(events=visits)), "familiar_face")
    assert label == "Familiar face — 5 ED visits in 12 months"
    assert points == 22  # 20 + 2 for the one visit above the threshold
    three = tuple(("ed_visit", ago(days=d)) for d in (10, 100, 200))
    assert "familiar_face" not in codes(prio(facts(events=three)))


def test_unsheltered_raises_priority() -> None:
    housed = prio(facts(last_contact=ago(days=2)))
    unsheltered = prio(facts(last_contact=ago(days=2), housing_status="unsheltered"))
    assert reason(unsheltered, "unsheltered") == ("Unsheltered", 15)
    assert unsheltered.score == housed.score + 15
    assert "unsheltered" in unsheltered.flags


def test_overdue_against_program_cadence_rises_per_day() -> None:
    def overdue_by(days: int) -> ClientPriority:
        fall = enrollment(
            ProgramCode.FALL_PREVENTION,
            "Fall prevention",
            14,
            last_visit_on=ON - timedelta(14 + days),
        )
        return prio(facts(enrollments=(fall,), last_contact=ago(days=1)))

    five = overdue_by(5)
    assert reason(five, "program:fall_prevention") == (
        "Fall prevention visit 5 days overdue (last completed visit 19 days ago)",
        15,
    )
    assert "overdue" in five.flags
    assert five.purpose == "Fall prevention visit"
    assert reason(overdue_by(6), "program:fall_prevention")[1] == 17
    assert reason(overdue_by(100), "program:fall_prevention")[1] == RULES.overdue_max_points
    due = overdue_by(0)
    assert reason(due, "program:fall_prevention") == (
        "Fall prevention visit due today (last completed visit 14 days ago)",
        5,
    )
    assert "overdue" not in due.flags
    assert "program:fall_prevention" not in codes(overdue_by(-1))


def test_ended_enrollments_do_not_count() -> None:
    ended = enrollment(
        ProgramCode.CHRONIC_DISEASE, "Chronic disease", 14, ended_on=ON - timedelta(1)
    )
    assert "program:chronic_disease" not in codes(prio(facts(enrollments=(ended,))))


def test_a_recent_fall() -> None:
    p = prio(facts(events=(("fall", ago(days=3)),)))
    assert reason(p, "recent_fall") == ("Fall 72 h ago", 25)
    assert p.purpose == "Fall assessment"
    assert "recent_fall" in p.flags
    # Older than the window and seen since: no longer a reason (unseen falls: tests/clinical).
    seen = facts(events=(("fall", ago(days=15)),), last_contact=ago(days=10))
    assert "recent_fall" not in codes(prio(seen))


def test_vaccine_due_for_homebound_vaccination_without_a_recent_vaccination() -> None:
    vaccine = enrollment(ProgramCode.HOMEBOUND_VACCINE, "Homebound vaccination", 90)
    due = prio(facts(enrollments=(vaccine,), last_vaccination_on=ON - timedelta(120)))
    assert reason(due, "vaccine_due") == ("Vaccine due — last vaccination 120 days ago", 15)
    assert due.visit_type is VisitType.VACCINATION
    assert "vaccine_due" in due.flags
    never = prio(facts(enrollments=(vaccine,)))
    assert reason(never, "vaccine_due")[0] == "Vaccine due — no vaccination on record"
    done = prio(facts(enrollments=(vaccine,), last_vaccination_on=ON - timedelta(30)))
    assert "vaccine_due" not in codes(done)


def test_fixed_appointment_is_must_with_its_window() -> None:
    start = NOW.replace(hour=14)
    end = NOW.replace(hour=15)
    appt = AppointmentFacts(start, end, "Wound check", VisitType.APPOINTMENT.value)
    p = prio(facts(appointments=(appt,), last_contact=ago(days=1)))
    assert p.tier is Tier.MUST
    assert p.appointment == (start, end)
    assert p.due_by == end
    assert reason(p, "appointment") == ("Fixed appointment 14:00–15:00 (Wound check)", 50)
    assert p.purpose == "Wound check"
    assert "appointment" in p.flags


def test_an_appointment_whose_window_has_passed_says_so() -> None:
    appt = AppointmentFacts(NOW.replace(hour=8), NOW.replace(hour=9))
    p = prio(facts(appointments=(appt,)))
    assert p.tier is Tier.MUST
    assert reason(p, "appointment")[0] == "Fixed appointment 08:00–09:00 — the window has passed"
    assert p.purpose == "Scheduled appointment"


def test_days_since_last_contact() -> None:
    assert reason(prio(facts(last_contact=ago(days=10))), "last_contact") == (
        "Last contact 10 days ago (completed visit)",
        5,
    )
    assert reason(prio(facts()), "last_contact") == ("No completed contact on record", 15)
    assert reason(prio(facts(last_contact=ago(days=300))), "last_contact")[1] == 15
    # Seen today: no points, so no reason clutters the list.
    assert "last_contact" not in codes(prio(facts(last_contact=ago(hours=1))))


def test_tier_thresholds_come_from_the_rules() -> None:
    f = facts(housing_status="unsheltered", last_contact=ago(days=30))  # 15 + 15 = 30
    assert prio(f).tier is Tier.HIGH
    assert prio(f, dataclasses.replace(RULES, high_tier_min_score=31)).tier is Tier.ROUTINE
    assert prio(facts(last_contact=ago(days=1))).tier is Tier.ROUTINE


def test_future_events_are_ignored() -> None:
    assert prio(facts(events=(("overdose", NOW + timedelta(hours=1)),))).tier is not Tier.MUST


def test_inactive_clients_get_no_reasons() -> None:
    p = prio(facts(active=False, events=(("overdose", ago(hours=1)),)))
    assert (p.tier, p.score, p.reasons, p.flags) == (Tier.ROUTINE, 0.0, (), frozenset())


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_priority(facts(), datetime(2026, 3, 16, 10), ON, RULES)


# --- Properties -------------------------------------------------------------------------------

KINDS = [k.value for k in EventKind]
MINUTES_400_DAYS = 400 * 24 * 60

event_st = st.tuples(
    st.sampled_from(KINDS),
    st.integers(min_value=0, max_value=MINUTES_400_DAYS).map(lambda m: ago(minutes=m)),
)
enrollment_st = st.builds(
    EnrollmentFacts,
    program_code=st.sampled_from([p.value for p in ProgramCode]),
    program_name=st.just("Program"),
    cadence_days=st.integers(min_value=1, max_value=120),
    enrolled_on=st.integers(min_value=0, max_value=400).map(lambda d: ON - timedelta(d)),
    ended_on=st.none() | st.integers(min_value=-30, max_value=30).map(lambda d: ON + timedelta(d)),
    last_visit_on=st.none()
    | st.integers(min_value=1, max_value=300).map(lambda d: ON - timedelta(d)),
)
appointment_st = st.integers(min_value=8, max_value=20).map(
    lambda h: AppointmentFacts(NOW.replace(hour=h), NOW.replace(hour=h) + timedelta(hours=1))
)
facts_st = st.builds(
    ClientFacts,
    client_id=st.integers(min_value=1, max_value=10_000),
    external_id=st.just("X"),
    name=st.just("Client"),
    housing_status=st.sampled_from([h.value for h in HousingStatus]),
    events=st.lists(event_st, max_size=12).map(tuple),
    enrollments=st.lists(enrollment_st, max_size=3).map(tuple),
    last_contact=st.none()
    | st.integers(min_value=0, max_value=MINUTES_400_DAYS).map(lambda m: ago(minutes=m)),
    appointments=st.lists(appointment_st, max_size=2).map(tuple),
    last_vaccination_on=st.none()
    | st.integers(min_value=0, max_value=400).map(lambda d: ON - timedelta(d)),
    referrals=st.lists(
        st.tuples(
            st.sampled_from(["hospital", "ems_crew", "self"]),
            st.integers(min_value=0, max_value=MINUTES_400_DAYS).map(lambda m: ago(minutes=m)),
            st.sampled_from(["", "chronic_disease"]),
        ),
        max_size=2,
    ).map(tuple),
)
points_st = st.floats(min_value=0, max_value=200, allow_nan=False).map(lambda x: round(x, 1))
rules_st = st.builds(
    PriorityRules,
    first_contact_hours=st.sampled_from([24.0, 48.0, 72.0]),
    first_contact_lookback_days=st.integers(min_value=1, max_value=60),
    recent_event_days=st.integers(min_value=1, max_value=60),
    overdose_first_contact_points=points_st,
    overdose_seen_points=points_st,
    discharge_first_contact_points=points_st,
    familiar_face_points=points_st,
    unsheltered_points=points_st,
    overdue_points_per_day=points_st,
    recent_fall_points=points_st,
    high_tier_min_score=points_st,
)


def better_or_equal(a: ClientPriority, b: ClientPriority) -> bool:
    """Is `a` at least as urgent as `b` (tier first, then score)?"""
    return (a.tier.rank, -a.score) <= (b.tier.rank, -b.score)


@given(facts_st, rules_st)
def test_score_is_the_sum_of_the_reasons_and_reasons_are_sorted(
    f: ClientFacts, rules: PriorityRules
) -> None:
    p = compute_priority(f, NOW, ON, rules)
    assert math.isclose(p.score, sum(r.points for r in p.reasons), abs_tol=0.011)
    assert [r.points for r in p.reasons] == sorted((r.points for r in p.reasons), reverse=True)
    assert len(codes(p)) == len(p.reasons)  # one reason per code
    assert p.flags <= {
        "unsheltered", "familiar_face", "recent_overdose", "recent_discharge",
        "recent_fall", "vaccine_due", "overdue", "appointment", "new_referral",
    }  # fmt: skip


@given(facts_st, rules_st)
def test_tier_follows_the_score_except_for_must_triggers(
    f: ClientFacts, rules: PriorityRules
) -> None:
    p = compute_priority(f, NOW, ON, rules)
    # MUST exactly when a deadline applies (first contact after an event, or an appointment);
    # otherwise HIGH by score, or because a fall went unseen (issue 11: escalated whatever the
    # score).
    assert (p.tier is Tier.MUST) == (p.due_by is not None)
    if p.tier is not Tier.MUST:
        unseen_fall = any(r.code == "unseen_fall" for r in p.reasons)
        assert (p.tier is Tier.HIGH) == (p.score >= rules.high_tier_min_score or unseen_fall)


@given(facts_st, st.integers(min_value=0, max_value=MINUTES_400_DAYS), st.data())
def test_a_more_recent_overdose_never_lowers_priority(
    f: ClientFacts, minutes_ago: int, data: st.DataObject
) -> None:
    sooner = data.draw(st.integers(min_value=0, max_value=minutes_ago))
    rules = data.draw(rules_st)
    older = compute_priority(
        dataclasses.replace(f, events=(*f.events, ("overdose", ago(minutes=minutes_ago)))),
        NOW, ON, rules,
    )  # fmt: skip
    newer = compute_priority(
        dataclasses.replace(f, events=(*f.events, ("overdose", ago(minutes=sooner)))),
        NOW, ON, rules,
    )  # fmt: skip
    assert better_or_equal(newer, older)


@given(facts_st, event_st, rules_st)
def test_adding_an_event_never_removes_a_reason(
    f: ClientFacts, event: tuple[str, datetime], rules: PriorityRules
) -> None:
    before = compute_priority(f, NOW, ON, rules)
    after = compute_priority(dataclasses.replace(f, events=(*f.events, event)), NOW, ON, rules)
    assert codes(before) <= codes(after)
    assert before.flags <= after.flags
    assert better_or_equal(after, before)


@settings(max_examples=50)
@given(st.lists(facts_st, max_size=15, unique_by=lambda f: f.client_id), st.randoms())
def test_rank_is_a_deterministic_total_order(
    clients: list[ClientFacts], rnd: random.Random
) -> None:
    priorities = [prio(f) for f in clients]
    ranked = rank(priorities)
    shuffled = list(priorities)
    rnd.shuffle(shuffled)
    assert rank(shuffled) == ranked
    keys = [p.sort_key for p in ranked]
    assert all(a < b for a, b in itertools.pairwise(keys))  # strictly increasing
    assert sorted(p.client_id for p in ranked) == sorted(f.client_id for f in clients)


@settings(max_examples=50)
@given(st.lists(facts_st, max_size=15, unique_by=lambda f: f.client_id))
def test_missed_deadlines_lead_the_must_tier_most_overdue_first(clients: list[ClientFacts]) -> None:
    musts = [p for p in rank(prio(f) for f in clients) if p.tier is Tier.MUST]
    missed = [p.deadline_missed_by for p in musts if p.deadline_missed_by is not None]
    assert [p.deadline_missed_by for p in musts[: len(missed)]] == missed  # a prefix
    assert missed == sorted(missed, reverse=True)


def test_rank_puts_must_before_high_before_routine_then_score() -> None:
    must = prio(facts(client_id=3, events=(("overdose", ago(hours=1)),)))
    high = prio(facts(client_id=1, housing_status="unsheltered", last_contact=ago(days=40)))
    routine = prio(facts(client_id=2, last_contact=ago(days=2)))
    high2 = dataclasses.replace(high, client_id=0)
    assert [p.client_id for p in rank([routine, high, must, high2])] == [3, 0, 1, 2]
    assert [p.tier for p in rank([routine, high, must])] == [Tier.MUST, Tier.HIGH, Tier.ROUTINE]


def test_labels_read_naturally_for_single_units() -> None:
    fall = enrollment(
        ProgramCode.FALL_PREVENTION, "Fall prevention", 14, last_visit_on=ON - timedelta(15)
    )
    p = prio(facts(enrollments=(fall,), last_contact=ago(days=1)))
    assert (
        reason(p, "program:fall_prevention")[0]
        == "Fall prevention visit 1 day overdue (last completed visit 15 days ago)"
    )
    assert reason(p, "last_contact")[0] == "Last contact yesterday (completed visit)"
    assert (
        prio(facts(events=(("overdose", ago(minutes=20)),)))
        .reasons[0]
        .label.startswith("Non-fatal overdose under 1 h ago")
    )
