"""Display offsets for markers that would cover each other (a pure function: screen points in,
screen points out). The positions a caller stores are never touched: only where a marker is
drawn moves, and the caller draws a thin line back to the true point.

The same rule as `roundsSpread` in `maps.plan_map`'s page script (which redoes it on every
zoom): start with every point alone; while two drawn points of different groups are closer
than `min_px`, merge their groups; a group of several is drawn evenly on a circle around the
mean of its true points (the first member at twelve o'clock), just wide enough that
neighbours on the circle are `min_px` apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]


def spread(points: Sequence[Point], min_px: float) -> list[Point]:
    """Where to draw each point so that no two drawn points are closer than `min_px`; a point
    with no close neighbour stays where it is."""
    groups: list[list[int]] = [[i] for i in range(len(points))]
    while True:
        shown = _layout(points, groups, min_px)
        pair = _overlapping(groups, shown, min_px)
        if pair is None:
            return shown
        a, b = pair
        groups[a].extend(groups[b])
        del groups[b]


def _layout(points: Sequence[Point], groups: list[list[int]], min_px: float) -> list[Point]:
    shown = list(points)
    for members in groups:
        n = len(members)
        if n < 2:
            continue
        cx = sum(points[i][0] for i in members) / n
        cy = sum(points[i][1] for i in members) / n
        radius = min_px / (2 * math.sin(math.pi / n)) * 1.02
        for k, i in enumerate(sorted(members)):
            angle = -math.pi / 2 + 2 * math.pi * k / n
            shown[i] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return shown


def _overlapping(
    groups: list[list[int]], shown: list[Point], min_px: float
) -> tuple[int, int] | None:
    for a in range(len(groups)):
        for b in range(a + 1, len(groups)):
            if any(math.dist(shown[i], shown[j]) < min_px for i in groups[a] for j in groups[b]):
                return a, b
    return None
