"""Coordinates and the one distance formula: the scalar and vectorised forms agree with each
other and with the travel-time matrix, and with geopy's exact geodesic."""

from __future__ import annotations

import numpy as np
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.geo import GeodesicPoints, LatLon, distance_m, distances_from_m
from routing.matrix import distance_matrix_m

durham_points = st.builds(
    LatLon,
    lat=st.floats(min_value=35.85, max_value=36.25, allow_nan=False),
    lon=st.floats(min_value=-79.15, max_value=-78.70, allow_nan=False),
)
any_points = st.builds(
    LatLon,
    lat=st.floats(min_value=-89.9, max_value=89.9, allow_nan=False),
    lon=st.floats(min_value=-180.0, max_value=180.0, allow_nan=False),
)


def test_latlon_orders_and_bounds() -> None:
    p = LatLon(35.99, -78.9)
    assert p.to_lonlat() == [-78.9, 35.99]
    assert p.to_latlon() == [35.99, -78.9]
    assert LatLon.from_lonlat([-78.9, 35.99]) == p
    with pytest.raises(ValueError, match="latitude"):
        LatLon(91.0, 0.0)
    with pytest.raises(ValueError, match="longitude"):
        LatLon(0.0, 181.0)


@given(st.lists(any_points, min_size=2, max_size=8))
def test_scalar_distance_is_the_matrix_entry(points: list[LatLon]) -> None:
    matrix = distance_matrix_m(points)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            if i != j:
                assert distance_m(a, b) == pytest.approx(matrix[i, j], rel=1e-12, abs=1e-9)


@given(durham_points, st.lists(durham_points, min_size=1, max_size=10))
def test_distances_from_one_point_are_a_matrix_row(origin: LatLon, points: list[LatLon]) -> None:
    row = distances_from_m(origin, points)
    expected = distance_matrix_m([origin, *points])[0, 1:]
    np.testing.assert_allclose(row, expected, rtol=1e-12, atol=1e-9)
    assert row.shape == (len(points),)


@given(any_points, any_points)
def test_distance_is_symmetric_and_zero_for_the_same_point(a: LatLon, b: LatLon) -> None:
    assert distance_m(a, b) == pytest.approx(distance_m(b, a), rel=1e-12, abs=1e-9)
    assert distance_m(a, a) == 0.0


@settings(max_examples=30)
@given(durham_points, durham_points)
def test_distance_matches_geopy_around_durham(a: LatLon, b: LatLon) -> None:
    exact = float(geodesic((a.lat, a.lon), (b.lat, b.lon)).meters)
    assert abs(distance_m(a, b) - exact) <= 1e-5 * exact + 0.01


def test_one_degree_of_latitude_is_the_ellipsoids_not_the_spheres() -> None:
    """35-36 N: 110.95 km on the WGS84 ellipsoid (a sphere of mean radius says 111.19 km)."""
    assert distance_m(LatLon(35.0, -78.0), LatLon(36.0, -78.0)) == pytest.approx(110_950, abs=10)


def test_prepared_points_give_rows_of_the_matrix() -> None:
    points = [LatLon(35.99, -78.9), LatLon(35.78, -78.64), LatLon(36.07, -79.79)]
    prepared = GeodesicPoints.of(points)
    assert len(prepared) == 3
    np.testing.assert_array_equal(prepared.rows_m(slice(1, 3)), distance_matrix_m(points)[1:3])
