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
def test_groups_are_spread_and_nothing_moves_far(
    points: list[tuple[float, float]], min_px: float
) -> None:
    shown = spread(points, min_px)
    assert len(shown) == len(points)
    for before, after in zip(points, shown, strict=True):
        # a marker moves at most the circle's radius plus the group's reach
        assert math.dist(before, after) <= min_px * (2 + len(points) / 5)
    # markers at exactly one place always end up apart
    for i, p in enumerate(points):
        for j in range(i + 1, len(points)):
            if points[j] == p:
                assert math.dist(shown[i], shown[j]) >= min_px * 0.6
