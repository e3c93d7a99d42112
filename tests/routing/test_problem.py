"""Problem types validate on construction and say where the mistake is."""

from __future__ import annotations

import numpy as np
import pytest

from routing import Break, Job, Problem, ProblemError, TimeWindow, Vehicle
from routing.problem import sorted_windows

D = np.zeros((3, 3), dtype=np.int64)


@pytest.mark.parametrize(
    ("make", "where"),
    [
        (lambda: TimeWindow(10, 5), "ends"),
        (lambda: Job(7, 0, -1), "job 7: service"),
        (lambda: Job(7, 0, priority=101), "job 7: priority"),
        (lambda: Job(7, 0, time_windows=(TimeWindow(0, 10), TimeWindow(5, 20))), "job 7"),
        (lambda: Vehicle(3, 0, 0, None, breaks=(Break(1, (), 10), Break(1, (), 10))), "vehicle 3"),
        (lambda: Problem((Job(1, 5),), (), D), "job 1: location index 5"),
        (lambda: Problem((Job(1, 0), Job(1, 1)), (), D), "job 1: duplicate"),
        (lambda: Problem((Job(1, 0, pinned_vehicle=9),), (), D), "pinned vehicle 9"),
        (lambda: Problem((), (Vehicle(2, 4, 0, None),), D), "vehicle 2: start index 4"),
        (lambda: Problem((), (), [[0, 1]]), "durations: must be a square"),
        (lambda: Problem((), (), [[0, -1], [1, 0]]), "negative travel time at [0][1]"),
        (lambda: Problem((), (), [[0, 1.5], [1, 0]]), "whole seconds"),
        (
            lambda: Problem(
                (Job(1, 0, skills=frozenset({2})),), (Vehicle(1, 0, 0, None, locked_jobs=(1,)),), D
            ),
            "skill",
        ),
        (lambda: Problem((), (Vehicle(1, 0, 0, None, locked_jobs=(4,)),), D), "locked job 4"),
    ],
)
def test_invalid_values_name_the_culprit(make: object, where: str) -> None:
    with pytest.raises(ProblemError, match=None) as info:
        make()  # type: ignore[operator]
    assert where in str(info.value)


def test_durations_are_read_only_int64() -> None:
    p = Problem((), (), [[0, 2], [3, 0]])
    assert p.durations.dtype == np.int64
    assert not p.durations.flags.writeable
    assert p.travel_s(0, 1) == 2 and p.travel_s(None, 1) == 0


def test_sorted_windows_merges() -> None:
    assert sorted_windows([TimeWindow(5, 9), TimeWindow(0, 4), TimeWindow(20, 30)]) == (
        TimeWindow(0, 9),
        TimeWindow(20, 30),
    )


def test_lookup_by_id() -> None:
    p = Problem((Job(5, 1),), (Vehicle(8, None, None, None),), D)
    assert p.job(5).location_index == 1 and p.vehicle(8).start_index is None
    assert p.has_job(5) and not p.has_job(6)
