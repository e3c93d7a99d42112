"""Coordinates and the distance between them.

`LatLon`, one value type instead of bare tuples: VROOM speaks [lon, lat], folium [lat, lon];
each has exactly one conversion point here.

The one definition of the distance between two points: ellipsoidal (WGS84), Andoyer-Lambert,
i.e. the great-circle angle between the *reduced* latitudes with a first-order correction for
the flattening of the ellipsoid. Against the exact WGS84 geodesic (Karney, as in
``geopy.distance.geodesic``) the error is ~1e-6 relative around one town (under 10 cm at
40 km), below 1e-4 for any two points on Earth except nearly antipodal ones (up to 0.2 %, where
the formula degrades to the plain great circle). Plain haversine on a sphere is off by up to
~0.5 %. ``tests/routing/test_geo.py`` and ``test_matrix.py`` check these bounds.

It is computed with numpy over many pairs at once (`GeodesicPoints`); `distance_m` is the same
formula for one pair, `distances_from_m` from one point to many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# WGS84
_A_M = 6_378_137.0
_F = 1.0 / 298.257223563


@dataclass(frozen=True, slots=True)
class LatLon:
    """A WGS84 position in decimal degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0):
            raise ValueError(f"latitude {self.lat} is outside -90..90")
        if not (-180.0 <= self.lon <= 180.0):
            raise ValueError(f"longitude {self.lon} is outside -180..180")

    def to_lonlat(self) -> list[float]:
        """As VROOM/GeoJSON order: [lon, lat]."""
        return [self.lon, self.lat]

    def to_latlon(self) -> list[float]:
        """As folium/Leaflet order: [lat, lon]."""
        return [self.lat, self.lon]

    @classmethod
    def from_lonlat(cls, pair: Sequence[float]) -> LatLon:
        if len(pair) != 2:
            raise ValueError(f"expected [lon, lat], got {list(pair)!r}")
        return cls(lat=float(pair[1]), lon=float(pair[0]))


def _coordinates(locations: Sequence[LatLon]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lat = np.fromiter((p.lat for p in locations), dtype=np.float64, count=len(locations))
    lon = np.fromiter((p.lon for p in locations), dtype=np.float64, count=len(locations))
    return np.radians(lat), np.radians(lon)


@dataclass(frozen=True, slots=True)
class GeodesicPoints:
    """Points prepared for distances: per-point sines and cosines of the reduced latitude b,
    of half of b and of half of the longitude."""

    sin_b: NDArray[np.float64]
    cos_b: NDArray[np.float64]
    sin_hb: NDArray[np.float64]
    cos_hb: NDArray[np.float64]
    sin_hl: NDArray[np.float64]
    cos_hl: NDArray[np.float64]

    @classmethod
    def of(cls, locations: Sequence[LatLon]) -> GeodesicPoints:
        lat, lon = _coordinates(locations)
        beta = np.arctan((1.0 - _F) * np.tan(lat))
        return cls(
            sin_b=np.sin(beta),
            cos_b=np.cos(beta),
            sin_hb=np.sin(beta / 2),
            cos_hb=np.cos(beta / 2),
            sin_hl=np.sin(lon / 2),
            cos_hl=np.cos(lon / 2),
        )

    def __len__(self) -> int:
        return len(self.sin_b)

    def rows_m(self, rows: slice) -> NDArray[np.float64]:
        """Distances in metres from the points in ``rows`` to all points (shape rows x n)."""
        return _distance_rows_m(rows, self)


def _distance_rows_m(rows: slice, t: GeodesicPoints) -> NDArray[np.float64]:
    """Andoyer-Lambert distances (metres) from the points in ``rows`` to all points.

    Every per-pair quantity is built from per-point sines and cosines with products and sums
    only (no per-pair trigonometry except one arcsin), each product formed in the same operand
    order for (i, j) and (j, i) so that the matrix is exactly symmetric. Half-angle differences
    are formed as sin(x/2 - y/2) = sin(x/2)cos(y/2) - cos(x/2)sin(y/2), which keeps full
    relative precision for nearby points (the same point gives exactly 0)."""
    # h = haversine of the central angle between the reduced latitudes b:
    # sin^2(db/2) + cos b1 cos b2 sin^2(dl/2).
    h = t.sin_hb * t.cos_hb[rows, None]
    h -= t.cos_hb * t.sin_hb[rows, None]
    h *= h
    dl = t.sin_hl * t.cos_hl[rows, None]
    dl -= t.cos_hl * t.sin_hl[rows, None]
    dl *= dl
    dl *= t.cos_b[rows, None] * t.cos_b
    h += dl
    del dl
    np.clip(h, 0.0, 1.0, out=h)
    sb = t.sin_b[rows, None]
    sin_b = t.sin_b
    sigma = np.arcsin(np.sqrt(h))
    sigma *= 2.0
    sin_sigma = np.sqrt(h * (1.0 - h))
    sin_sigma *= 2.0
    # sin^2 P cos^2 Q and cos^2 P sin^2 Q with P, Q the half-sum and half-difference of b1, b2.
    s_sum = (sb + sin_b) * 0.5
    s_sum *= s_sum
    s_diff = (sin_b - sb) * 0.5
    s_diff *= s_diff
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - sin_sigma) * s_sum
        x /= 1.0 - h
        y = (sigma + sin_sigma) * s_diff
        y /= h
    # h == 0: the same point (y is 0/0, the limit is 0). h -> 1: (nearly) antipodal points,
    # where Andoyer-Lambert breaks down (x -> a/0): use the uncorrected great circle there.
    np.nan_to_num(y, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    x[h > 1.0 - 1e-9] = 0.0
    x += y
    x *= -0.5 * _F
    x += sigma
    x *= _A_M
    return x


def distances_from_m(origin: LatLon, points: Sequence[LatLon]) -> NDArray[np.float64]:
    """Distances in metres from `origin` to each of `points` (float64, one per point)."""
    return GeodesicPoints.of([origin, *points]).rows_m(slice(0, 1))[0, 1:]


def distance_m(a: LatLon, b: LatLon) -> float:
    """The distance in metres between two points (the formula of the module docstring)."""
    return float(distances_from_m(a, [b])[0])
