"""Travel-time matrices: one interface, an offline default provider.

Every provider returns a square ``numpy.int64`` matrix of **seconds**, ``m[i, j]`` being the
travel time from ``locations[i]`` to ``locations[j]``, with a zero diagonal.

The default, :class:`GeodesicProvider`, needs no network: the ellipsoidal (WGS84) distance
between every pair of points, times a circuity factor (roads are not straight lines), divided by
an average speed, plus a fixed per-leg overhead (parking, walking to the door). It is computed
with numpy over the whole matrix at once: 2,000 locations take a fraction of a second, where
``geopy.distance.geodesic`` pair by pair takes minutes.

Distance: Andoyer-Lambert, i.e. the great-circle angle between the *reduced* latitudes with a
first-order correction for the flattening of the ellipsoid. Against the exact WGS84 geodesic
(Karney, as in ``geopy.distance.geodesic``) the error is ~1e-6 relative around one town (under
10 cm at 40 km), below 1e-4 for any two points on Earth except nearly antipodal ones (up to
0.2 %, where the formula degrades to the plain great circle). Plain haversine on a sphere is off
by up to ~0.5 %. ``tests/routing/test_matrix.py`` checks these bounds.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from routing.errors import RoutingError
from routing.geo import LatLon

__all__ = [
    "GeodesicProvider",
    "ProgressCallback",
    "TravelTimeCancelled",
    "TravelTimeError",
    "TravelTimeProvider",
    "TravelTimeSettings",
    "distance_matrix_m",
]

# WGS84
_A_M = 6_378_137.0
_F = 1.0 / 298.257223563

# Rows computed per block: bounds temporary memory (a few MB per temporary) and gives the
# cancel token and the progress callback a chance to act on very large matrices.
_BLOCK_ROWS = 256

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, message)``: ``done`` of ``total`` units of work are finished."""


class TravelTimeError(RoutingError):
    """A travel-time matrix could not be computed for a reason the user can fix (a server
    that does not answer, a wrong URL or profile, bad settings). The message says what
    happened and what to check."""


class TravelTimeCancelled(Exception):  # noqa: N818 - a cancel is not an error
    """The caller's cancel token was set. Not an error: deliberately not a TravelTimeError."""


@runtime_checkable
class TravelTimeProvider(Protocol):
    """Anything that turns locations into a travel-time matrix."""

    def durations(
        self,
        locations: Sequence[LatLon],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> NDArray[np.int64]:
        """Travel times in whole seconds: shape ``(n, n)``, int64, zero diagonal.

        ``progress(done, total, message)`` is called as work completes; a set ``cancel``
        event makes the call raise :class:`TravelTimeCancelled` soon after."""
        ...


@dataclass(frozen=True, slots=True)
class TravelTimeSettings:
    """The knobs of the offline travel-time estimate.

    circuity: road distance / straight-line distance (1.2-1.4 is typical for US towns).
    speed_kmh: average driving speed over the road distance.
    leg_overhead_s: fixed time added to every leg between two different stops (parking,
        walking to the door); not added on the diagonal.
    """

    circuity: float = 1.3
    speed_kmh: float = 35.0
    leg_overhead_s: int = 120

    def __post_init__(self) -> None:
        if not (math.isfinite(self.circuity) and self.circuity > 0):
            raise TravelTimeError(
                f"circuity must be a positive number (road km per straight-line km, "
                f"typically 1.2-1.4), got {self.circuity!r}"
            )
        if not (math.isfinite(self.speed_kmh) and self.speed_kmh > 0):
            raise TravelTimeError(
                f"average speed must be a positive number of km/h, got {self.speed_kmh!r}"
            )
        if isinstance(self.leg_overhead_s, bool) or not isinstance(self.leg_overhead_s, int):
            raise TravelTimeError(
                f"per-leg overhead must be a whole number of seconds, got {self.leg_overhead_s!r}"
            )
        if self.leg_overhead_s < 0:
            raise TravelTimeError(
                f"per-leg overhead must be 0 or more seconds, got {self.leg_overhead_s}"
            )


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise TravelTimeCancelled("travel-time matrix cancelled")


def _coordinates(locations: Sequence[LatLon]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lat = np.fromiter((p.lat for p in locations), dtype=np.float64, count=len(locations))
    lon = np.fromiter((p.lon for p in locations), dtype=np.float64, count=len(locations))
    return np.radians(lat), np.radians(lon)


@dataclass(frozen=True, slots=True)
class _Trig:
    """Per-point sines and cosines: reduced latitude b, half of b, half of longitude."""

    sin_b: NDArray[np.float64]
    cos_b: NDArray[np.float64]
    sin_hb: NDArray[np.float64]
    cos_hb: NDArray[np.float64]
    sin_hl: NDArray[np.float64]
    cos_hl: NDArray[np.float64]

    @classmethod
    def of(cls, locations: Sequence[LatLon]) -> _Trig:
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


def _distance_rows_m(rows: slice, t: _Trig) -> NDArray[np.float64]:
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


def _iter_distance_blocks(
    locations: Sequence[LatLon],
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> NDArray[np.float64]:
    n = len(locations)
    out = np.zeros((n, n), dtype=np.float64)
    if n < 2:
        return out
    trig = _Trig.of(locations)
    for start in range(0, n, _BLOCK_ROWS):
        _check_cancel(cancel)
        stop = min(start + _BLOCK_ROWS, n)
        out[start:stop] = _distance_rows_m(slice(start, stop), trig)
        if progress is not None:
            progress(stop, n, "travel times (straight-line estimate)")
    np.fill_diagonal(out, 0.0)
    return out


def distance_matrix_m(locations: Sequence[LatLon]) -> NDArray[np.float64]:
    """Ellipsoidal (WGS84) distances in metres between every pair, as a float64 matrix."""
    return _iter_distance_blocks(locations, None, None)


class GeodesicProvider:
    """Offline travel times: distance x circuity / speed + a per-leg overhead, in seconds."""

    __slots__ = ("settings",)

    def __init__(
        self, circuity: float = 1.3, speed_kmh: float = 35.0, leg_overhead_s: int = 120
    ) -> None:
        self.settings = TravelTimeSettings(
            circuity=circuity, speed_kmh=speed_kmh, leg_overhead_s=leg_overhead_s
        )

    @classmethod
    def from_settings(cls, settings: TravelTimeSettings) -> GeodesicProvider:
        return cls(settings.circuity, settings.speed_kmh, settings.leg_overhead_s)

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"GeodesicProvider(circuity={s.circuity!r}, speed_kmh={s.speed_kmh!r}, "
            f"leg_overhead_s={s.leg_overhead_s!r})"
        )

    def durations(
        self,
        locations: Sequence[LatLon],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> NDArray[np.int64]:
        """Travel times in whole seconds (rounded to nearest); see the module docstring."""
        s = self.settings
        seconds = _iter_distance_blocks(locations, progress, cancel)
        seconds *= s.circuity * 3.6 / s.speed_kmh  # metres / (km/h / 3.6) = seconds
        seconds += float(s.leg_overhead_s)
        np.rint(seconds, out=seconds)
        result = seconds.astype(np.int64)
        np.fill_diagonal(result, 0)
        return result
