"""Travel-time matrices: one interface, an offline default provider.

Every provider returns a square ``numpy.int64`` matrix of **seconds**, ``m[i, j]`` being the
travel time from ``locations[i]`` to ``locations[j]``, with a zero diagonal.

The default, :class:`GeodesicProvider`, needs no network: the ellipsoidal (WGS84) distance
between every pair of points, times a circuity factor (roads are not straight lines), divided by
an average speed, plus a fixed per-leg overhead (parking, walking to the door). It is computed
with numpy over the whole matrix at once: 2,000 locations take a fraction of a second, where
``geopy.distance.geodesic`` pair by pair takes minutes.

The distance is `routing.geo`'s (WGS84, Andoyer-Lambert; its accuracy is stated there).
The offline defaults (circuity, speed, per-leg overhead) are defined here once, as the
`DEFAULT_*` constants that `TravelTimeSettings` and every settings type elsewhere start from.
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
from routing.geo import GeodesicPoints, LatLon

__all__ = [
    "DEFAULT_CIRCUITY",
    "DEFAULT_LEG_OVERHEAD_S",
    "DEFAULT_SPEED_KMH",
    "GeodesicProvider",
    "ProgressCallback",
    "TravelTimeCancelled",
    "TravelTimeError",
    "TravelTimeProvider",
    "TravelTimeSettings",
    "distance_matrix_m",
]

DEFAULT_CIRCUITY = 1.3
"""Road distance / straight-line distance (1.2-1.4 is typical for US towns)."""
DEFAULT_SPEED_KMH = 35.0
"""Average driving speed over the road distance, town and county roads mixed."""
DEFAULT_LEG_OVERHEAD_S = 120
"""Parking and walking to the door, added to every leg between two different stops."""

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

    circuity: float = DEFAULT_CIRCUITY
    speed_kmh: float = DEFAULT_SPEED_KMH
    leg_overhead_s: int = DEFAULT_LEG_OVERHEAD_S

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


def _iter_distance_blocks(
    locations: Sequence[LatLon],
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> NDArray[np.float64]:
    n = len(locations)
    out = np.zeros((n, n), dtype=np.float64)
    if n < 2:
        return out
    points = GeodesicPoints.of(locations)
    for start in range(0, n, _BLOCK_ROWS):
        _check_cancel(cancel)
        stop = min(start + _BLOCK_ROWS, n)
        out[start:stop] = points.rows_m(slice(start, stop))
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
        self,
        circuity: float = DEFAULT_CIRCUITY,
        speed_kmh: float = DEFAULT_SPEED_KMH,
        leg_overhead_s: int = DEFAULT_LEG_OVERHEAD_S,
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
