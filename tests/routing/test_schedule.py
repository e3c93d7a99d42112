"""The solver's scheduler: a route order becomes times (earliest schedule, breaks placed), or a
ScheduleError says which window, shift or break cannot be kept."""

from __future__ import annotations

import pytest

from routing import Break, Job, Problem, RoutingError, TimeWindow, Vehicle
from routing.schedule import ScheduleError, earliest_in, schedule_route, schedule_with_breaks
from tests.routing.factories import HOUR, line

W = (TimeWindow(100, 200), TimeWindow(400, 500))


@pytest.mark.parametrize(
    ("t", "expected"),
    [(0, 100), (150, 150), (200, 200), (201, 400), (500, 500), (501, None)],
)
def test_earliest_in_sorted_windows(t: int, expected: int | None) -> None:
    assert earliest_in(W, t) == expected


def test_earliest_in_no_windows_is_any_time() -> None:
    assert earliest_in((), 12_345) == 12_345


def test_schedule_error_is_a_routing_error() -> None:
    assert issubclass(ScheduleError, RoutingError)


def test_route_times_add_up_and_the_start_waits_for_the_first_window() -> None:
    """Travel 600 s to job 1 (window from 09:00): the crew leaves at 08:50, not 08:00, and
    does not idle at the door; job 2 follows right after."""
    d = line(3, 600)
    jobs = (Job(1, 1, 900, (TimeWindow(9 * HOUR, 10 * HOUR),)), Job(2, 2, 300))
    vehicle = Vehicle(1, 0, 0, TimeWindow(8 * HOUR, 12 * HOUR))
    route = schedule_route(Problem(jobs, (vehicle,), d), vehicle, [("job", 1), ("job", 2)])
    start, one, two, end = route.steps
    assert [s.type for s in route.steps] == ["start", "job", "job", "end"]
    assert start.departure_s == 9 * HOUR - 600
    assert (one.arrival_s, one.waiting_s, one.departure_s) == (9 * HOUR, 0, 9 * HOUR + 900)
    assert two.arrival_s == one.departure_s + 600
    assert end.arrival_s == two.departure_s + 1200
    assert (route.travel_s, route.service_s, route.waiting_s) == (2400, 1200, 0)


def test_break_during_the_drive_has_no_location() -> None:
    """A break whose window opens while the crew is on the road is taken part-way."""
    d = line(2, 3600)
    jobs = (Job(1, 1, 600),)
    lunch = Break(7, (TimeWindow(8 * HOUR + 1800, 9 * HOUR),), 1800)
    vehicle = Vehicle(1, 0, 0, TimeWindow(8 * HOUR, 12 * HOUR), breaks=(lunch,))
    route = schedule_route(Problem(jobs, (vehicle,), d), vehicle, [("break", 7), ("job", 1)])
    brk = route.steps[1]
    assert (brk.type, brk.id, brk.location_index) == ("break", 7, None)
    assert brk.service_start_s == 8 * HOUR + 1800
    # Half the drive before the break, half after it.
    assert route.steps[2].arrival_s == 8 * HOUR + 1800 + 1800 + 1800


@pytest.mark.parametrize(
    ("shift_end", "window", "message"),
    [
        (12 * HOUR, (TimeWindow(0, 8 * HOUR + 300),), "after its last window closes"),
        (8 * HOUR + 1000, (), "after its shift"),
    ],
)
def test_unkeepable_orders_raise_with_the_reason(
    shift_end: int, window: tuple[TimeWindow, ...], message: str
) -> None:
    d = line(2, 600)
    vehicle = Vehicle(1, 0, 0, TimeWindow(8 * HOUR, shift_end))
    problem = Problem((Job(1, 1, 300, window),), (vehicle,), d)
    with pytest.raises(ScheduleError, match=message):
        schedule_route(problem, vehicle, [("job", 1)])


def test_with_breaks_places_the_break_in_a_gap_that_works() -> None:
    """Without hints every placement is tried: the lunch window only fits between the visits."""
    d = line(3, 600)
    jobs = (
        Job(1, 1, 1800, (TimeWindow(8 * HOUR, 9 * HOUR),)),
        Job(2, 2, 1800, (TimeWindow(13 * HOUR, 14 * HOUR),)),
    )
    lunch = Break(1, (TimeWindow(11 * HOUR, 12 * HOUR),), 1800)
    vehicle = Vehicle(1, 0, 0, TimeWindow(8 * HOUR, 16 * HOUR), breaks=(lunch,))
    route = schedule_with_breaks(Problem(jobs, (vehicle,), d), vehicle, [1, 2])
    assert [(s.type, s.id) for s in route.steps[1:-1]] == [("job", 1), ("break", 1), ("job", 2)]
    assert route.steps[2].service_start_s == 11 * HOUR


def test_with_breaks_follows_the_solvers_hint() -> None:
    """The solver's break start puts the break after both visits, though before would work."""
    d = line(3, 600)
    jobs = (Job(1, 1, 600), Job(2, 2, 600))
    lunch = Break(1, (TimeWindow(8 * HOUR, 16 * HOUR),), 1800)
    vehicle = Vehicle(1, 0, 0, TimeWindow(8 * HOUR, 16 * HOUR), breaks=(lunch,))
    problem = Problem(jobs, (vehicle,), d)
    starts = {1: 8 * HOUR + 600, 2: 8 * HOUR + 1800}
    hinted = schedule_with_breaks(
        problem, vehicle, [1, 2], service_starts=starts, break_starts={1: 8 * HOUR + 2400}
    )
    assert [s.type for s in hinted.steps] == ["start", "job", "job", "break", "end"]
    plain = schedule_with_breaks(problem, vehicle, [1, 2])
    assert [s.type for s in plain.steps] == ["start", "break", "job", "job", "end"]


def test_with_breaks_raises_when_no_placement_works() -> None:
    d = line(2, 600)
    lunch = Break(1, (TimeWindow(14 * HOUR, 15 * HOUR),), 1800)
    vehicle = Vehicle(1, 0, 0, TimeWindow(8 * HOUR, 12 * HOUR), breaks=(lunch,))
    problem = Problem((Job(1, 1, 600),), (vehicle,), d)
    with pytest.raises(ScheduleError):
        schedule_with_breaks(problem, vehicle, [1])
