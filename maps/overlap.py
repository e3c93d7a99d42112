"""Display offsets for markers that would cover each other (a pure function: screen points in,
screen points out). The positions a caller stores are never touched: only where a marker is
drawn moves, and the caller draws a thin line back to the true point.

The same rule as `roundsSpread` in `maps.plan_map`'s page script (which must redo it on every
zoom): greedy groups of points closer than `min_px` to a group's first point, each group's
members placed evenly on a circle around that point, the first at twelve o'clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]


def spread(points: Sequence[Point], min_px: float) -> list[Point]:
    """Where to draw each point so that no two drawn points of a group are closer than about
    `min_px`; a point with no close neighbour stays where it is."""
    groups: list[tuple[Point, list[int]]] = []
    for i, (x, y) in enumerate(points):
        for centre, members in groups:
            if math.dist(centre, (x, y)) < min_px:
                members.append(i)
                break
        else:
            groups.append(((x, y), [i]))
    shown = list(points)
    for (cx, cy), members in groups:
        n = len(members)
        if n < 2:
            continue
        radius = max(min_px, n * min_px * 1.1 / (2 * math.pi))
        for k, i in enumerate(members):
            angle = -math.pi / 2 + 2 * math.pi * k / n
            shown[i] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return shown
