"""Each report measure on a small hand-built data set, the number worked out by hand."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC

import pytest

from caseload.reports import outcomes, process, trend
from caseload.reports.costs import UnitCosts
from caseload.reports.data import EnrollmentRow, ReportData, VisitRow
from caseload.reports.deidentify import age_group, client_rows, zip3
from caseload.reports.measure import (
    WITHHELD,
    Measure,
    Period,
    Unit,
    format_value,
    shown,
    withhold_complements,
)
from caseload.reports.periods import recent_months, recent_quarters, recent_years
from caseload.reports.service import compute_measures
from tests.caseload.report_data import at, d, data, enrol, event, referral, visit

MARCH = Period(d("2026-03-01"), d("2026-03-31"), at("2026-04-30"))


def one(measures: list[Measure], key: str, subgroup: str = "") -> float | None:
    [m] = [m for m in measures if m.key == key and m.subgroup == subgroup]
    return m.value


def march_process() -> ReportData:
    return data(
        enrollments=[
            enrol(1, "high_utilizer", "2026-03-01"),
            enrol(2, "overdose_followup", "2026-03-10", "2026-03-25"),
            enrol(3, "high_utilizer", "2026-02-01"),
            enrol(4, "fall", "2026-04-05"),
        ],
        referrals=[
            referral(1, "ems_crew", at("2026-02-28", 20)),  # before the period
            referral(1, "hospital", at("2026-03-01", 9)),
            referral(2, "ems_crew", at("2026-03-09", 10)),
            referral(4, "clinic", at("2026-03-31", 20)),
        ],
        visits=[
            visit(1, "2026-03-01", "no_contact", 1),
            visit(1, "2026-03-02", "completed", 1, hour=15),  # 30 h after referral
            visit(2, "2026-03-10", "no_contact", 2),
            visit(2, "2026-03-12", "cancelled", None),
            visit(2, "2026-03-14", "completed", 2, hour=10),  # 120 h after referral
            visit(3, "2026-03-20", "completed", 1, hour=11),
            visit(3, "2026-03-21", "refused", 1),
            visit(3, "2026-04-02", "completed", 1),  # after the period
        ],
    )


def test_referrals_by_source_count_the_periods_referrals() -> None:
    got = process.referrals_by_source(march_process(), MARCH)
    assert one(got, "referrals") == 3  # the 28 Feb referral is outside March
    assert {m.subgroup: m.value for m in got if m.subgroup} == {
        "clinic": 1,
        "ems_crew": 1,
        "hospital": 1,
    }


def test_first_contact_time_and_share_within_72_h() -> None:
    got = process.first_contact(march_process(), MARCH)
    # Contacts 30 h and 120 h after their referrals; the 31 March referral has none yet.
    assert one(got, "first_contact_median_h") == pytest.approx(75.0)
    # 3 referrals past their deadline by 30 April, 1 met it.
    assert one(got, "first_contact_within_deadline") == pytest.approx(100 / 3)
    assert got[1].basis == 3
    assert "72 h" in got[1].label


def test_a_referral_still_inside_its_deadline_is_left_out() -> None:
    early = Period(MARCH.start, MARCH.end, at("2026-04-02", 12))  # 31 March 20:00 + 72 h later
    got = process.first_contact(march_process(), early)
    assert got[1].basis == 2
    assert one(got, "first_contact_within_deadline") == pytest.approx(50.0)


def test_reach_rate() -> None:
    assert one(process.reach_rate(march_process(), MARCH), "reach_rate") == pytest.approx(200 / 3)


def test_attempts_per_contact_leave_cancelled_visits_out() -> None:
    # Attempts: 2 no contact + 1 refused + 3 completed in March = 6; completed 3.
    assert one(process.attempts_per_contact(march_process(), MARCH), "attempts_per_contact") == 2.0


def test_visits_per_clinician_day() -> None:
    # Clinician-days with an attempt: staff 1 on 1, 2, 20, 21 March; staff 2 on 10, 14 March.
    got = process.visits_per_clinician_day(march_process(), MARCH)
    assert one(got, "visits_per_clinician_day") == pytest.approx(3 / 6)


def test_enrolments_ended_enrolments_and_caseload() -> None:
    rows = march_process()
    got = process.enrolments(rows, MARCH)
    assert one(got, "enrolments") == 2
    assert one(got, "enrolments_ended") == 1
    assert one(got, "enrolments", "Post-overdose") == 1
    size = process.caseload_size(rows, MARCH)
    assert one(size, "caseload") == 2  # clients 1 and 3; 2 ended, 4 starts in April
    assert one(size, "caseload", "Familiar faces") == 2


# --- before/after enrolment --------------------------------------------------------------------

DECEMBER = Period(d("2026-12-01"), d("2026-12-31"), at("2027-01-15"))


def window_data(costs: UnitCosts | None = None) -> ReportData:
    # Client 1 enrolled 1 June 2026: 90-day "before" = 4 Mar..1 Jun, "after" = 2 Jun..30 Aug.
    calls = ["2026-03-03", "2026-03-04", "2026-06-01", "2026-06-02", "2026-08-30", "2026-08-31"]
    return data(
        enrollments=[enrol(1, "high_utilizer", "2026-06-01"), enrol(2, "fall", "2026-10-15")],
        events=[
            *(event(1, "call_911", at(day)) for day in calls),
            event(1, "ed_visit", at("2026-05-01")),
            event(1, "ed_visit", at("2026-05-20")),
            event(1, "ed_visit", at("2026-07-01")),
            event(2, "call_911", at("2026-10-20")),
        ],
        costs=costs,
    )


def test_window_edges() -> None:
    days = [d("2026-03-03"), d("2026-03-04"), d("2026-06-01"), d("2026-06-02"), d("2026-08-30")]
    days.append(d("2026-08-31"))
    assert outcomes.window_counts(days, d("2026-06-01"), 90) == (2, 2)
    assert outcomes.window_counts(days, d("2026-06-01"), 180) == (3, 3)


def test_enrolment_day_in_local_time_counts_before() -> None:
    # 03:00 UTC on 2 June is 23:00 on 1 June in New York: the enrolment day, so "before".
    late = at("2026-06-01", 23).astimezone(UTC)  # stored as UTC: 2 June 03:00
    rows = data(enrollments=[enrol(1, "fall", "2026-06-01")], events=[event(1, "ed_visit", late)])
    got = outcomes.before_after(rows, DECEMBER)
    assert one(got, "ed_visit_before_90", "90 days") == 1
    assert one(got, "ed_visit_after_90", "90 days") == 0


def test_before_after_counts_only_clients_enrolled_long_enough() -> None:
    got = outcomes.before_after(window_data(), DECEMBER)
    assert one(got, "cohort_90", "90 days") == 1  # client 2 (15 Oct) has not had 90 days
    cohort = next(m for m in got if m.key == "cohort_90")
    assert cohort.note.startswith("1 enrolled more recently")
    assert one(got, "call_911_before_90", "90 days") == 2
    assert one(got, "call_911_after_90", "90 days") == 2
    assert one(got, "call_911_before_180", "180 days") == 3
    assert one(got, "ed_visit_before_90", "90 days") == 2
    assert one(got, "ed_visit_after_90", "90 days") == 1
    # 1 client x 90 days = 2.957 client-months; 2 calls -> 67.6 per 100 client-months.
    assert one(got, "call_911_before_90_rate", "90 days") == pytest.approx(200 / (90 / 30.4375))
    assert one(got, "cohort_365", "365 days") == 0
    assert one(got, "call_911_before_365_rate", "365 days") is None


def test_cost_avoidance_is_net_events_times_unit_costs() -> None:
    costs = UnitCosts(ed_visit_usd=1000, call_911_usd=100, window_days=90)
    got = outcomes.cost_avoidance(window_data(costs), DECEMBER)
    # ED 2 before, 1 after: 1 avoided x $1,000; 911 calls 2 and 2: none; no transports.
    assert one(got, "avoided_ed_visit", "90 days") == 1
    assert one(got, "avoided_call_911", "90 days") == 0
    assert one(got, "cost_avoided", "90 days") == 1000
    assert got[0].definition.startswith("ESTIMATE")
    assert "regression to the mean" in got[0].definition


def test_readmissions_after_followed_up_discharges() -> None:
    rows = data(
        enrollments=[enrol(c, "high_utilizer", "2026-01-01") for c in (1, 2, 3)],
        events=[
            event(1, "hospital_discharge", at("2026-03-05")),
            event(1, "hospital_admission", at("2026-03-30")),  # 25 days later: readmitted
            event(2, "hospital_discharge", at("2026-03-10")),
            event(3, "hospital_discharge", at("2026-03-12")),  # seen 13 days later: no follow-up
            event(4, "hospital_discharge", at("2026-03-12")),  # not enrolled
        ],
        visits=[
            visit(1, "2026-03-08", "completed"),
            visit(2, "2026-03-12", "completed"),
            visit(3, "2026-03-25", "completed"),
            visit(4, "2026-03-13", "completed"),
        ],
    )
    got = outcomes.readmissions(rows, MARCH)
    assert one(got, "discharges_followed_up") == 2
    assert one(got, "readmissions_30d") == 50.0


def test_readmissions_need_admissions_on_record() -> None:
    rows = data(
        enrollments=[enrol(1, "high_utilizer", "2026-01-01")],
        events=[event(1, "hospital_discharge", at("2026-03-05"))],
        visits=[visit(1, "2026-03-06", "completed")],
    )
    got = outcomes.readmissions(rows, MARCH)
    assert one(got, "readmissions_30d") is None
    assert "hospital_admission" in got[1].note


def test_overdoses_after_enrolment() -> None:
    rows = data(
        enrollments=[
            enrol(1, "overdose_followup", "2026-03-10"),
            enrol(3, "overdose_followup", "2026-01-01", "2026-03-01"),
        ],
        events=[
            event(1, "overdose", at("2026-03-10")),  # the enrolment day: not after
            event(1, "overdose", at("2026-03-15")),
            event(1, "overdose", at("2026-03-20")),
            event(2, "overdose", at("2026-03-15")),  # never enrolled
            event(3, "overdose", at("2026-03-05")),  # enrolment had ended
        ],
    )
    got = outcomes.overdoses_after_enrolment(rows, MARCH)
    assert one(got, "overdoses_enrolled") == 2
    assert one(got, "overdose_clients_enrolled") == 1


def test_ed_or_transport_within_24_h_of_a_visit() -> None:
    rows = data(
        visits=[visit(c, "2026-03-05", "completed", hour=10) for c in (1, 2, 3, 4)],
        events=[
            event(1, "ed_visit", at("2026-03-06", 9)),  # 23 h later
            event(2, "ed_visit", at("2026-03-06", 11)),  # 25 h later
            event(3, "ems_transport", at("2026-03-05", 18)),
            event(4, "ed_visit", at("2026-03-05", 9)),  # before the visit
        ],
    )
    got = outcomes.ed_after_visit(rows, MARCH)
    assert one(got, "ed_within_24h") == 2
    assert one(got, "ed_within_24h_pct") == 50.0


# --- suppression and de-identification ---------------------------------------------------------


def count(n: float) -> Measure:
    return Measure("x", process.P, "X", "", n, Unit.COUNT)


def test_small_counts_are_suppressed() -> None:
    assert [shown(count(n)) for n in (0, 1, 10, 11, -3)] == ["0", "<11", "<11", "11", "<11"]
    assert shown(count(5), below=0) == "5"  # internal use: unsuppressed
    pct = Measure("p", process.P, "P", "", 40.0, Unit.PERCENT, basis=5)
    assert shown(pct) == "n<11"
    assert shown(Measure("p", process.P, "P", "", 40.0, Unit.PERCENT, basis=11)) == "40%"
    # A net difference of two shown counts reveals nothing new: only its basis suppresses it.
    assert shown(Measure("n", process.P, "N", "", 10, Unit.NET, basis=31)) == "+10"
    assert shown(Measure("n", process.P, "N", "", -3, Unit.NET, basis=5)) == "n<11"


def test_one_small_count_in_a_breakdown_withholds_the_next_smallest() -> None:
    """Referrals 60 = EMS 40 + clinic 13 + APS 7: "<11" alone would let a reader work out APS
    as 60 - 40 - 13, so clinic (the next smallest) is withheld too; EMS stays."""

    def ref(n: int, source: str = "") -> Measure:
        return Measure("referrals", process.P, "R", "", n, Unit.COUNT, source)

    def tier(n: int, name: str) -> Measure:
        return Measure("caseload_tier", process.P, "T", "", n, Unit.COUNT, name)

    measures = [ref(60), ref(40, "EMS"), ref(13, "clinic"), ref(7, "APS")]
    out = withhold_complements(measures)
    assert [shown(m) for m in out] == ["60", "40", WITHHELD, "<11"]
    assert [format_value(m) for m in out] == ["60", "40", "13", "7"]  # staff still see all
    assert withhold_complements(measures, below=0) == tuple(measures)
    # Two small cells already hide each other; no small cell: nothing withheld.
    two_small = [ref(60), ref(45, "EMS"), ref(8, "clinic"), ref(7, "APS")]
    assert not any(m.withheld for m in withhold_complements(two_small))
    none_small = [ref(60), ref(40, "EMS"), ref(20, "clinic")]
    assert not any(m.withheld for m in withhold_complements(none_small))
    # The caseload by tier adds up to the caseload (a total under another key).
    tiers = [tier(3, "MUST"), tier(30, "HIGH"), tier(80, "ROUTINE")]
    assert [shown(m) for m in withhold_complements(tiers)] == ["<11", WITHHELD, "80"]
    # A series without a total (the monthly trend) is not a breakdown.
    months = [
        Measure("trend_visits_completed", process.P, "V", "", n, Unit.COUNT, k)
        for n, k in ((5, "2026-01"), (40, "2026-02"))
    ]
    assert not any(m.withheld for m in withhold_complements(months))


def test_safe_harbor_zip_and_age() -> None:
    assert zip3("03601") == "000"  # a restricted three-digit area
    assert zip3("27701-1234") == "277"
    assert zip3("") == ""
    assert age_group(d("1936-06-02"), d("2026-06-01")) == "89"
    assert age_group(d("1936-06-02"), d("2026-06-02")) == "90+"


def test_client_rows_have_relative_days_and_no_ids() -> None:
    rows = window_data()
    out = client_rows(rows, DECEMBER, random.Random(1))
    assert len(out.rows) == 2
    by_year = {r[out.columns.index("days_enrolled_by_period_end")]: r for r in out.rows}
    first = dict(zip(out.columns, by_year["213"], strict=True))  # 1 Jun -> 31 Dec = 213 days
    assert first["enrolment_year"] == "2026"
    assert first["call_911_before_90"] == "2" and first["call_911_after_90"] == "2"
    assert first["call_911_after_365"] == ""  # not observed yet
    assert sorted(r[0] for r in out.rows) == ["S00001", "S00002"]
    assert not any("date" in c or "name" in c or "external" in c for c in out.columns)


def test_every_measure_has_a_definition() -> None:
    measures = compute_measures(march_process(), MARCH)
    assert measures and all(m.definition and m.label for m in measures)
    assert {m.group.value for m in measures} == {"process", "outcome", "balancing", "cost"}


def test_report_periods_are_calendar_months_and_quarters() -> None:
    months = recent_months(d("2026-03-10"), 3)
    assert [(p.label, p.start, p.end) for p in months] == [
        ("Mar 2026", d("2026-03-01"), d("2026-03-10")),  # so far
        ("Feb 2026", d("2026-02-01"), d("2026-02-28")),
        ("Jan 2026", d("2026-01-01"), d("2026-01-31")),
    ]
    quarters = recent_quarters(d("2026-03-10"), 2)
    assert [(p.label, p.start, p.end) for p in quarters] == [
        ("Q1 2026", d("2026-01-01"), d("2026-03-10")),
        ("Q4 2025", d("2025-10-01"), d("2025-12-31")),
    ]


# --- caseload by tier, ended enrolments by reason ----------------------------------------------


def test_caseload_by_priority_tier_on_the_last_day() -> None:
    rows = replace(
        march_process(),
        enrollments=[*march_process().enrollments, enrol(5, "fall", "2026-03-30")],
        tiers={1: "MUST", 3: "ROUTINE", 4: "HIGH", 2: "HIGH"},  # 2 ended, 4 starts in April
    )
    got = process.caseload_by_tier(rows, MARCH)
    assert {m.subgroup: m.value for m in got} == {
        "MUST": 1,
        "HIGH": 0,
        "ROUTINE": 1,
        "not ranked": 1,  # client 5: enrolled but not ranked (inactive that day)
    }
    assert next(m for m in got if m.subgroup == "MUST").clients == (1,)


def test_graduations_and_disenrolments_by_reason() -> None:
    def ended(cid: int, end: str, kind: str, reason: str = "") -> EnrollmentRow:
        return EnrollmentRow(cid, "fall", d("2026-01-05"), d(end), kind, reason)

    rows = data(
        enrollments=[
            ended(1, "2026-03-03", "graduated"),
            ended(2, "2026-03-04", "graduated"),
            ended(3, "2026-02-27", "graduated"),  # before March
            ended(4, "2026-03-10", "disenrolled", "Declined further visits"),
            ended(5, "2026-03-11", "disenrolled", "declined further visits "),
            ended(6, "2026-03-12", "disenrolled", "moved away: to Ohio"),
            ended(7, "2026-03-13", ""),  # ended before outcomes were recorded
            enrol(8, "fall", "2026-03-01"),
        ]
    )
    got = process.ended_by_reason(rows, MARCH)
    assert one(got, "graduations") == 2
    assert one(got, "disenrolments") == 3
    assert one(got, "disenrolments", "declined further visits") == 2
    assert one(got, "disenrolments", "moved away") == 1  # the detail stays out
    assert one(got, "enrolments_ended_unrecorded") == 1
    assert not any("Ohio" in m.label + m.subgroup for m in got)


def test_transported_and_rescheduled_visits() -> None:
    def row(cid: int, status: str, hour: float) -> VisitRow:
        done = at("2026-03-05", hour)
        return VisitRow(cid, None, d("2026-03-05"), status, 1, None, done)  # not completed_at

    rows = data(
        visits=[
            visit(1, "2026-03-05", "completed", hour=10),
            row(2, "transported", 11),
            row(3, "rescheduled", 9),
            row(4, "no_contact", 9),
        ],
        events=[event(2, "ed_visit", at("2026-03-05", 11))],  # recorded with the transport
    )
    balancing = outcomes.ed_after_visit(rows, MARCH)
    assert one(balancing, "ed_within_24h") == 1  # the transport, once
    assert one(balancing, "ed_within_24h_pct") == 50.0  # of 2 visits that met the client
    assert one(balancing, "transported_from_visit") == 1
    # Attempts: completed, transported, no contact (not rescheduled) per 1 completed.
    assert one(process.attempts_per_contact(rows, MARCH), "attempts_per_contact") == 3.0
    assert one(process.reach_rate(rows, MARCH), "reach_rate") is None  # no referrals


def test_monthly_trend_per_100_client_months() -> None:
    period = Period(d("2026-02-15"), d("2026-03-31"), at("2026-04-30"))
    rows = data(
        enrollments=[
            enrol(1, "high_utilizer", "2026-01-31"),  # enrolled 1 Feb onwards
            enrol(2, "fall", "2026-03-16", "2026-03-31"),  # 17..31 March: 15 days
        ],
        events=[
            event(1, "call_911", at("2026-02-10")),  # before the period
            event(1, "call_911", at("2026-02-20")),
            event(1, "ed_visit", at("2026-03-02")),
            event(2, "call_911", at("2026-03-16")),  # the enrolment day counts before
            event(2, "call_911", at("2026-03-20")),
            event(3, "call_911", at("2026-03-20")),  # never enrolled
        ],
        visits=[visit(1, "2026-02-16", "completed"), visit(1, "2026-03-03", "no_contact")],
    )
    got = trend.monthly_trend(rows, period)
    feb_months = 14 / (365.25 / 12)  # 15..28 Feb, one client
    mar_months = (31 + 15) / (365.25 / 12)
    assert one(got, "trend_call_911_rate", "2026-02") == pytest.approx(100 / feb_months)
    assert one(got, "trend_call_911_rate", "2026-03") == pytest.approx(100 / mar_months)
    assert one(got, "trend_ed_visit_rate", "2026-03") == pytest.approx(100 / mar_months)
    assert one(got, "trend_visits_completed", "2026-02") == 1
    assert one(got, "trend_visits_completed", "2026-03") == 0
    assert [m.basis for m in got if m.key == "trend_ed_visit_rate"] == [1, 2]


def test_twelve_month_periods_for_the_trend() -> None:
    years = recent_years(d("2026-03-10"), 2)
    assert [(p.label, p.start, p.end) for p in years] == [
        ("12 months to Mar 2026", d("2025-04-01"), d("2026-03-10")),
        ("12 months to Feb 2026", d("2025-03-01"), d("2026-02-28")),
    ]
    assert recent_years(d("2026-12-31"), 1)[0].start == d("2026-01-01")
