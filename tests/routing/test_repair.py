"""The post-search repair: plans dropped visits where they fit, makes room by moving a visit to
another crew, lets a higher priority replace a lower one, and keeps locked prefixes."""

from __future__ import annotations

import time

from routing import Job, Problem, TimeWindow, Vehicle, assert_valid
from routing.explain import explain_dropped
from routing.repair import repair
from routing.schedule import schedule_with_breaks
from routing.solution import Route, Solution, summarize
from tests.routing.factories import line

FAR = time.monotonic() + 3600  # a deadline the repair never reaches on these tiny cases


def _as_solution(problem: Problem, routes: list[Route], dropped: list[Job]) -> Solution:
    unassigned = explain_dropped(problem, routes, dropped, search_found=True, cancelled=False)
    return Solution(tuple(routes), tuple(unassigned), summarize(problem, routes, unassigned))


def test_repair_inserts_and_makes_room() -> None:
    """A dropped visit goes where it fits, or a visit moves to another crew to make room for it
    (here: only crew 1 has skill 5)."""
    d = line(4, 600)
    jobs = (
        Job(1, 1, 1800, skills=frozenset({5})),
        Job(2, 2, 1800),
        Job(3, 3, 1800, priority=50),
    )
    vehicles = (
        Vehicle(1, 0, 0, TimeWindow(0, 5999), skills=frozenset({5})),
        Vehicle(2, 0, 0, TimeWindow(0, 10_000)),
    )
    problem = Problem(jobs, vehicles, d)
    # Crew 1 does job 2, so the skilled job 1 does not fit; job 3 is simply left out.
    start = [schedule_with_breaks(problem, vehicles[0], [2])]
    repaired = repair(problem, start, [jobs[0], jobs[2]], deadline=FAR)
    plan = {r.vehicle_id: r.job_ids for r in repaired}
    assert plan[1] == (1,)
    assert sorted(plan[2]) == [2, 3]
    assert_valid(problem, _as_solution(problem, repaired, []))


def test_higher_priority_replaces_a_lower_one() -> None:
    """One crew, room for one visit: the MUST visit the search dropped replaces the routine one
    (an ejection), and the routine one is then the dropped visit."""
    d = line(3, 600)
    jobs = (Job(1, 1, 3000, priority=10), Job(2, 2, 3000, priority=100))
    vehicles = (Vehicle(1, 0, 0, TimeWindow(0, 5400)),)  # each fits alone, not both
    problem = Problem(jobs, vehicles, d)
    start = [schedule_with_breaks(problem, vehicles[0], [1])]
    repaired = repair(problem, start, [jobs[1]], deadline=FAR)
    assert [r.job_ids for r in repaired] == [(2,)]
    assert_valid(problem, _as_solution(problem, repaired, [jobs[0]]))


def test_a_lower_priority_never_replaces_a_higher_one() -> None:
    d = line(3, 600)
    jobs = (Job(1, 1, 3000, priority=60), Job(2, 2, 3000, priority=40))
    vehicles = (Vehicle(1, 0, 0, TimeWindow(0, 5400)),)  # each fits alone, not both
    problem = Problem(jobs, vehicles, d)
    start = [schedule_with_breaks(problem, vehicles[0], [1])]
    repaired = repair(problem, start, [jobs[1]], deadline=FAR)
    assert [r.job_ids for r in repaired] == [(1,)]


def test_locked_prefix_stays_first() -> None:
    """An insertion never goes before a crew's locked visits."""
    d = line(3, 300)
    jobs = (Job(1, 2, 600), Job(2, 1, 600))
    # An open route (no end): job 2 first would save 300 s of travel.
    vehicles = (Vehicle(1, 0, None, TimeWindow(0, 10_000), locked_jobs=(1,)),)
    problem = Problem(jobs, vehicles, d)
    start = [schedule_with_breaks(problem, vehicles[0], [1])]
    repaired = repair(problem, start, [jobs[1]], deadline=FAR)
    # Job 2 lies on the way to job 1 (cheaper first), but job 1 is locked first.
    assert [r.job_ids for r in repaired] == [(1, 2)]
    assert_valid(problem, _as_solution(problem, repaired, []))


def test_no_time_left_changes_nothing() -> None:
    """The repair keeps its deadline: past it, even a visit that fits stays dropped."""
    d = line(3, 600)
    jobs = (Job(1, 1, 600), Job(2, 2, 600))
    vehicles = (Vehicle(1, 0, 0, TimeWindow(0, 10_000)),)
    problem = Problem(jobs, vehicles, d)
    start = [schedule_with_breaks(problem, vehicles[0], [1])]
    repaired = repair(problem, start, [jobs[1]], deadline=time.monotonic() - 1)
    assert [r.job_ids for r in repaired] == [(1,)]


def test_repair_inserts_an_overdue_visit_where_it_is_least_late() -> None:
    """Travel alone would add the dropped visit at the far end of the route; its soft
    deadline (the shift start, 100 travel seconds per second late) puts it first."""
    d = line(4, 600)
    overdue = Job(3, 3, 1800, priority=100, soft_deadline_s=0, lateness_cost_per_min=100)
    jobs = (Job(1, 1, 1800, priority=60), Job(2, 2, 1800, priority=60), overdue)
    vehicles = (Vehicle(1, 0, 0, TimeWindow(0, 20_000)),)
    problem = Problem(jobs, vehicles, d)
    start = [schedule_with_breaks(problem, vehicles[0], [1, 2])]
    repaired = repair(problem, start, [overdue], deadline=FAR)
    assert [r.job_ids for r in repaired] == [(3, 1, 2)]
    assert repaired[0].steps[1].late_s == 1800
    assert_valid(problem, _as_solution(problem, repaired, []))
    plain = Problem((*jobs[:2], Job(3, 3, 1800, priority=100)), vehicles, d)
    by_travel = repair(plain, start, [plain.job(3)], deadline=FAR)
    assert by_travel[0].job_ids.index(3) > 0  # front costs 1200 s more travel
