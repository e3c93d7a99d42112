"""maps.overlap.spread: display positions for markers at (nearly) one place."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from maps.overlap import spread

coords = st.floats(min_value=0, max_value=400, allow_nan=False)


def test_stops_at_one_address_are_drawn_apart() -> None:
    same = [(100.0, 100.0)] * 4 + [(300.0, 50.0)]
    shown = spread(same, min_px=20)
    assert shown[4] == (300.0, 50.0), "a stop with no close neighbour stays put"
    for i in range(4):
        for j in range(i + 1, 4):
            assert math.dist(shown[i], shown[j]) >= 20 * 0.99
    assert same == [(100.0, 100.0)] * 4 + [(300.0, 50.0)], "the input is not changed"


@given(st.lists(st.tuples(coords, coords), max_size=30), st.floats(min_value=5, max_value=40))
def test_no_two_drawn_points_overlap(points: list[tuple[float, float]], min_px: float) -> None:
    shown = spread(points, min_px)
    assert len(shown) == len(points)
    for i in range(len(shown)):
        for j in range(i + 1, len(shown)):
            assert math.dist(shown[i], shown[j]) >= min_px * 0.999


@given(st.lists(st.tuples(coords, coords), max_size=30), st.floats(min_value=5, max_value=40))
def test_points_without_close_neighbours_stay_put(
    points: list[tuple[float, float]], min_px: float
) -> None:
    shown = spread(points, min_px)
    for i, p in enumerate(points):
        # far from every other point (farther than any circle could reach): not moved
        reach = min_px * (1 + len(points))
        if all(math.dist(p, q) > 2 * reach for j, q in enumerate(points) if j != i):
            assert shown[i] == p
