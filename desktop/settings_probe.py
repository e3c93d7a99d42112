"""The settings window's OSRM "Test": one real request to the server the user typed in."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.geo import LatLon
from routing.matrix import GeodesicProvider, ProgressCallback, distance_matrix_m
from routing.osrm import OsrmProvider

# Downtown Durham and Duke University Hospital: the OSRM "Test" asks for the drive between them.
TEST_POINTS = (LatLon(35.9940, -78.8986), LatLon(36.0071, -78.9373))


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


def probe_osrm(url: str, cancel: threading.Event | None = None) -> OsrmProbe:
    """Ask the OSRM server at `url` for the drive between two points in Durham (raises
    `TravelTimeError` when it cannot be reached). Blocking: run it in a worker."""
    spy = _FallbackSpy()
    seconds = OsrmProvider(url, timeout_s=10.0, fallback=spy).durations(TEST_POINTS, cancel=cancel)
    km = distance_matrix_m(TEST_POINTS)[0, 1] / 1000.0
    if spy.used:
        return OsrmProbe(
            False,
            "The server answered but found no road between two test points in Durham, NC "
            "(its map may cover another area). Drive times would fall back to estimates.",
        )
    return OsrmProbe(
        True,
        f"The server works: downtown Durham to Duke Hospital ({km:.1f} km in a straight line) "
        f"is {int(seconds[0, 1]) / 60:.0f} min by road.",
    )
