"""The demo's bundled Durham County outline as rings, for map tests that want a real county."""

from __future__ import annotations

from caseload.demo.area import durham_outline_geojson
from maps.outline import Ring, parse_outline


def durham_outline() -> tuple[Ring, ...]:
    return parse_outline(durham_outline_geojson())
