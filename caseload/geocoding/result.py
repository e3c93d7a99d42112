"""What a lookup returns: where, how much to trust it, what it matched and how closely."""

from __future__ import annotations

from dataclasses import dataclass

from caseload.enums import GeocodeQuality
from routing.geo import LatLon


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """`matched` is the address (or ZIP) the point belongs to; `score` is 100 for an exact match
    and the street-name similarity (0-100) for a fuzzy one; `distance_m` is how far the point may
    be from the door: the nearest known house for an interpolated point, the typical spread of a
    ZIP's addresses for a ZIP centre."""

    location: LatLon | None
    quality: GeocodeQuality
    source: str
    matched: str = ""
    score: float | None = None
    distance_m: float | None = None

    @property
    def lat(self) -> float | None:
        return None if self.location is None else self.location.lat

    @property
    def lon(self) -> float | None:
        return None if self.location is None else self.location.lon


NOT_FOUND = GeocodeResult(None, GeocodeQuality.NONE, "not found")
