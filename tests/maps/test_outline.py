"""maps.outline: GeoJSON rings and Douglas-Peucker simplification to a point budget."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from maps.errors import OutlineError
from maps.outline import (
    load_outline,
    max_deviation_m,
    parse_outline,
    rings_from_geojson,
    simplify_rings,
)
from routing.geo import LatLon
from tests.data import DURHAM_COUNTY_BOUNDARY as DURHAM
from tests.maps.outline_data import durham_outline


@st.composite
def star_rings(draw: st.DrawFn) -> tuple[LatLon, ...]:
    """Random simple (star-shaped) rings of distinct points around a centre, 3..300 vertices."""
    n = draw(st.integers(min_value=3, max_value=300))
    angles = sorted(
        set(draw(st.lists(st.floats(0, 2 * math.pi, exclude_max=True), min_size=n, max_size=n)))
    )
    radii = draw(st.lists(st.floats(0.001, 0.2), min_size=len(angles), max_size=len(angles)))
    lat0, lon0 = draw(st.floats(-60, 60)), draw(st.floats(-170, 170))
    points = dict.fromkeys(
        LatLon(lat0 + r * math.sin(a), lon0 + r * math.cos(a))
        for a, r in zip(angles, radii, strict=True)
    )
    assume(len(points) >= 3)
    return tuple(points)


@settings(max_examples=150, deadline=None)
@given(star_rings(), st.integers(min_value=3, max_value=120))
def test_simplify_keeps_at_most_n_original_vertices_in_order(
    ring: tuple[LatLon, ...], n: int
) -> None:
    (out,) = simplify_rings([ring], n)
    assert 3 <= len(out) <= n
    positions = [ring.index(p) for p in out]
    assert positions == sorted(positions), "vertices stay in ring order"
    assert out[0] == ring[0], "the first vertex is an anchor"
    if n >= len(ring):
        assert out == ring, "a ring within budget is returned unchanged"


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=3, max_value=12),
    st.integers(min_value=2, max_value=25),
    st.floats(0.0, 1.0),
)
def test_simplify_recovers_the_corners_of_a_densified_polygon(
    corners: int, per_edge: int, phase: float
) -> None:
    """Collinear points between the corners of a regular polygon carry no shape: with a budget
    of at least the corner count the simplified ring lies on the original (deviation ~ 0)."""
    center = LatLon(36.0, -78.9)
    pts = [
        (
            center.lat + 0.1 * math.sin(2 * math.pi * (k + phase) / corners),
            center.lon + 0.1 * math.cos(2 * math.pi * (k + phase) / corners),
        )
        for k in range(corners)
    ]
    ring: list[LatLon] = []
    for k in range(corners):
        (a_lat, a_lon), (b_lat, b_lon) = pts[k], pts[(k + 1) % corners]
        ring += [
            LatLon(a_lat + (b_lat - a_lat) * t / per_edge, a_lon + (b_lon - a_lon) * t / per_edge)
            for t in range(per_edge)
        ]
    (out,) = simplify_rings([tuple(ring)], corners)
    assert len(out) == corners
    assert max_deviation_m(tuple(ring), out) < 0.5


def test_durham_outline_simplifies_to_budget_and_stays_close() -> None:
    full = load_outline(DURHAM, max_points=None)
    assert len(full) == 1 and len(full[0]) > 500
    for budget, tolerance_m in ((20, 400.0), (56, 60.0)):
        simple = load_outline(DURHAM, max_points=budget)
        assert sum(len(r) for r in simple) <= budget
        assert max_deviation_m(full[0], simple[0]) < tolerance_m


def test_bundled_durham_outline_is_small_and_matches_the_county() -> None:
    rings = durham_outline()
    assert len(rings) == 1
    assert 20 <= len(rings[0]) <= 59  # <= 60 positions in the file including the closing one
    full = load_outline(DURHAM, max_points=None)
    assert max_deviation_m(full[0], rings[0]) < 100.0


def test_multipolygon_rings_are_sorted_largest_first_and_share_the_budget() -> None:
    def square(lon: float, lat: float, size: float) -> list[list[float]]:
        return [
            [lon, lat],
            [lon + size, lat],
            [lon + size, lat + size],
            [lon, lat + size],
            [lon, lat],
        ]

    doc = {
        "type": "MultiPolygon",
        "coordinates": [[square(0, 0, 0.01)], [square(1, 1, 0.5)], [square(2, 2, 0.001)]],
    }
    rings = rings_from_geojson(doc)
    assert [len(r) for r in rings] == [4, 4, 4]
    assert rings[0][0] == LatLon(1, 1)
    assert sum(len(r) for r in simplify_rings(rings, 8)) <= 8


def test_unreadable_or_empty_outlines_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutlineError, match="Cannot read"):
        load_outline(tmp_path / "missing.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(OutlineError, match="not valid GeoJSON"):
        load_outline(bad)
    points = tmp_path / "points.geojson"
    points.write_text(json.dumps({"type": "Point", "coordinates": [0, 0]}))
    with pytest.raises(OutlineError, match="no Polygon"):
        load_outline(points)


def test_an_outline_setting_is_parsed_and_empty_text_is_no_outline() -> None:
    """A program's outline is GeoJSON text: rings when set, none when empty, a clear error
    when it is not GeoJSON."""
    square = {
        "type": "Polygon",
        "coordinates": [
            [[-75.0, 40.0], [-74.9, 40.0], [-74.9, 40.1], [-75.0, 40.1], [-75.0, 40.0]]
        ],
    }
    rings = parse_outline(json.dumps(square))
    assert rings == (
        (LatLon(40.0, -75.0), LatLon(40.0, -74.9), LatLon(40.1, -74.9), LatLon(40.1, -75.0)),
    )
    assert parse_outline("") == ()
    assert parse_outline("  ") == ()
    with pytest.raises(OutlineError, match="not valid GeoJSON"):
        parse_outline("{not json")
