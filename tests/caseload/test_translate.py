"""Reading a routing solution as the plan read model (pure: no database): clock times on a
daylight-saving day, and every unplanned visit's reason worded from routing's structured facts."""

from __future__ import annotations

from datetime import timedelta

from caseload.enums import Tier
from caseload.planning.build import BuiltProblem, PlanEdits, build_problem
from caseload.planning.translate import explain_unassigned, to_day_plan
from routing import explain, solve, validate
from routing.problem import TimeWindow
from routing.solution import Solution, Unassigned, summarize
from tests.caseload.plan_data import DAY, LEG_S, ZONE, at, crew, durations, spread, timed_plan


def _built() -> BuiltProblem:
    crews = [
        crew("Medic 1", 7, 15, staff_id=1),
        crew("Bilingual 2", 7, 15, frozenset({"lang:es"}), staff_id=2),
    ]
    cands = [spread(1), spread(2, skills=frozenset({"lang:es", "vaccine"}))]
    return build_problem(DAY, ZONE, crews, cands, durations)


def _word(built: BuiltProblem, item: Unassigned, *, cancelled: bool = False) -> str:
    return explain_unassigned(built, item, cancelled=cancelled)


def test_missing_skills_are_named_in_words() -> None:
    built = _built()
    ids = built.skill_ids
    nobody = Unassigned(2, "x", explain.NO_SKILL, missing_skills=frozenset({ids["vaccine"]}))
    assert _word(built, nobody) == (
        "No crew on shift has vaccine administration, which this visit needs."
    )
    both = frozenset({ids["lang:es"], ids["paramedic"]})
    split = Unassigned(2, "x", explain.NO_SKILL, missing_skills=both)
    assert _word(built, split) == (
        "No single crew on shift has all of: a Spanish speaker, a paramedic."
    )
    pinned = Unassigned(
        2, "x", explain.NO_SKILL, vehicle_id=1, missing_skills=frozenset({ids["lang:es"]})
    )
    assert _word(built, pinned) == "Pinned to Medic 1, who lacks a Spanish speaker."


def test_crews_are_named_by_the_id_map_not_by_routing_s_english() -> None:
    built = _built()
    # routing's sentence says "crew 2"; the wording comes from vehicle_id, never from the text.
    fits = Unassigned(1, "it would fit on crew 2's route", explain.NOT_SCHEDULED, vehicle_id=2)
    assert _word(built, fits) == (
        "Would fit on Bilingual 2's route, but the search stopped before placing it "
        "(allow more time)."
    )
    assert "was cancelled" in _word(built, fits, cancelled=True)
    assert _word(built, Unassigned(1, "x", explain.PINNED, vehicle_id=2)) == (
        "Pinned to Bilingual 2, who takes no visits."
    )
    assert _word(built, Unassigned(1, "x", explain.NOT_SCHEDULED)) == (
        "Not planned: the search stopped before a plan was found."
    )


def test_windows_are_local_clock_times_even_on_a_dst_day() -> None:
    built = _built()
    # 02:30 EST is 9000 s after midnight; 10:00 EDT is 9 h after midnight on this 23-hour day.
    window = TimeWindow(6 * 3600, 9 * 3600)
    outside = Unassigned(1, "x", explain.OUTSIDE_SHIFTS, windows=(window,))
    assert _word(built, outside) == (
        "Its time window (07:00–10:00) lies outside every able crew's shift."
    )
    unreachable = Unassigned(1, "x", explain.UNREACHABLE, windows=(window,))
    assert _word(built, unreachable) == (
        "No able crew can reach it in its window (07:00–10:00) and finish within the shift, "
        "even as its only visit."
    )


def test_outranked_says_what_it_lost_to() -> None:
    crews = [crew("Medic 1", 7, 15)]
    built = build_problem(DAY, ZONE, crews, [spread(1), spread(3, tier=Tier.HIGH)], durations)
    assert _word(built, Unassigned(1, "x", explain.OUTRANKED)) == (
        "Every crew able to serve it is fully booked with other MUST visits."
    )
    assert _word(built, Unassigned(3, "x", explain.OUTRANKED)) == (
        "Every crew able to serve it is fully booked with more urgent visits."
    )


def test_an_unknown_code_falls_back_to_routing_s_sentence() -> None:
    assert _word(_built(), Unassigned(1, "something new", "future_code")) == "Something new"


def test_routes_get_aware_times_from_the_day_origin_on_a_dst_day() -> None:
    """Spring forward: local midnight + 8 h is 09:00 EDT; every time is counted in UTC."""
    plan = timed_plan([crew("Medic 1", 9, 15)], {"Medic 1": [spread(1), spread(2)]})
    (route,) = plan.routes
    first, second = route.stops
    assert route.leaves_base == at(9)
    assert first.arrival == at(9, 10) and first.departure == at(9, 55)
    assert second.arrival == first.departure + timedelta(seconds=LEG_S)
    assert route.returns == second.departure + timedelta(seconds=LEG_S)
    assert route.travel_s == 3 * LEG_S
    assert all(s.start.tzinfo is ZONE for s in route.stops)
    assert [s.seq for s in route.stops] == [1, 2]


def test_a_solved_plan_explains_a_visit_no_crew_can_serve() -> None:
    built = _built()
    solution = solve(built.problem, time_limit_s=60.0, solution_limit=50, workers=1)
    assert validate(built.problem, solution) == []
    plan = to_day_plan(built, solution, PlanEdits())
    assert [(u.candidate.key, u.reason) for u in plan.unassigned] == [
        ("c2", "No crew on shift has vaccine administration, which this visit needs.")
    ]
    assert [s.key for r in plan.routes for s in r.stops] == ["c1"]
    assert plan.served_priority == 100


def test_manual_reasons_replace_routing_s() -> None:
    built = _built()
    unassigned = [Unassigned(1, "x", "manual"), Unassigned(2, "y", "manual")]
    solution = Solution((), tuple(unassigned), summarize(built.problem, [], unassigned))
    plan = to_day_plan(built, solution, PlanEdits(), worded={1: "Removed by hand."})
    assert {u.candidate.key: u.reason for u in plan.unassigned} == {
        "c1": "Removed by hand.",
        "c2": "Y",
    }
