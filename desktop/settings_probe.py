"""The settings window's OSRM "Test": one real request to the server the user typed in, for a
short drive from the program's map centre (the server's map must cover the program's area)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.geo import LatLon
from routing.matrix import GeodesicProvider, ProgressCallback, distance_matrix_m
from routing.osrm import OsrmProvider

# The second test point: this far north and east of the centre (about 3 km in the US).
_OFFSET_DEG = 0.02


def probe_points(centre: LatLon) -> tuple[LatLon, LatLon]:
    """The map centre and a point a few km north-east of it (south-west near the date line
    or a pole, so it stays a valid position)."""
    lat = centre.lat + (_OFFSET_DEG if centre.lat < 89.0 else -_OFFSET_DEG)
    lon = centre.lon + (_OFFSET_DEG if centre.lon < 179.0 else -_OFFSET_DEG)
    return centre, LatLon(lat, lon)


class _FallbackSpy:
    """The OSRM test's fallback: notes that OSRM could not route a cell, then estimates it."""

    def __init__(self) -> None:
        self.used = False

    def durations(
        self,
        locations: Sequence[LatLon],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> NDArray[np.int64]:
        self.used = True
        return GeodesicProvider().durations(locations, progress=progress, cancel=cancel)


@dataclass(frozen=True, slots=True)
class OsrmProbe:
    ok: bool
    message: str


def probe_osrm(url: str, centre: LatLon | None, cancel: threading.Event | None = None) -> OsrmProbe:
    """Ask the OSRM server at `url` for a drive starting at the map `centre` (raises
    `TravelTimeError` when it cannot be reached). Blocking: run it in a worker."""
    if centre is None:
        return OsrmProbe(
            False, "Enter the map centre first: the test asks for a short drive from there."
        )
    points = probe_points(centre)
    spy = _FallbackSpy()
    seconds = OsrmProvider(url, timeout_s=10.0, fallback=spy).durations(points, cancel=cancel)
    km = distance_matrix_m(points)[0, 1] / 1000.0
    if spy.used:
        return OsrmProbe(
            False,
            "The server answered but found no road near the map centre (its map may cover "
            "another area). Drive times would fall back to estimates.",
        )
    return OsrmProbe(
        True,
        f"The server works: from the map centre to a point {km:.1f} km away in a straight line "
        f"is {int(seconds[0, 1]) / 60:.0f} min by road.",
    )
