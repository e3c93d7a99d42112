"""Coordinates. One value type instead of bare tuples: VROOM speaks [lon, lat], folium
[lat, lon]; each has exactly one conversion point here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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
