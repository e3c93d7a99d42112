"""The agency's address table in memory, arranged for the matching steps: by street (house
numbers in order, for exact hits and interpolation), by house number (for fuzzy street names)
and ZIP centres."""

from __future__ import annotations

import math
import statistics
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload.geocoding.normalise import normalise_city, normalise_zip
from caseload.geocoding.parse import StreetParts, parse_address
from caseload.store.models import AddressPoint
from routing.geo import LatLon

EARTH_RADIUS_M = 6_371_008.8


def metres_between(a: LatLon, b: LatLon) -> float:
    """Great-circle distance (haversine); plenty for comparing points within a county."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class AddressRow:
    """One row of the address table as stored."""

    address: str
    city: str
    zip: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class TablePoint:
    number: int
    street: StreetParts
    city: str  # normalised
    zip5: str
    location: LatLon
    display: str  # '2000 Chapel Hill Rd, Durham 27707' as the table spells it


@dataclass(frozen=True, slots=True)
class ZipCentre:
    location: LatLon
    count: int
    spread_m: float  # median distance of the ZIP's points from the centre


@dataclass(frozen=True, slots=True)
class AddressIndex:
    by_street: Mapping[str, Sequence[TablePoint]]  # street key -> points by house number
    by_number: Mapping[int, Sequence[TablePoint]]
    zip_centres: Mapping[str, ZipCentre]
    size: int

    @classmethod
    def build(cls, rows: Iterable[AddressRow]) -> AddressIndex:
        """ZIP centres are the median of the ZIP's points: robust to the odd badly placed point
        that a mean would follow."""
        by_street: dict[str, list[TablePoint]] = defaultdict(list)
        by_number: dict[int, list[TablePoint]] = defaultdict(list)
        per_zip: dict[str, list[LatLon]] = defaultdict(list)
        size = 0
        for row in rows:
            size += 1
            location = LatLon(row.lat, row.lon)
            zip5 = normalise_zip(row.zip)
            if zip5:
                per_zip[zip5].append(location)
            parsed = parse_address(row.address, row.city, zip5)
            if parsed.number is None or not parsed.street.name:
                continue
            display = ", ".join(p for p in (row.address, " ".join((row.city, zip5)).strip()) if p)
            point = TablePoint(
                parsed.number, parsed.street, normalise_city(row.city), zip5, location, display
            )
            by_street[parsed.street.key].append(point)
            by_number[parsed.number].append(point)
        for points in by_street.values():
            points.sort(key=lambda p: p.number)
        return cls(
            by_street=dict(by_street),
            by_number=dict(by_number),
            zip_centres={z: _centre(pts) for z, pts in per_zip.items()},
            size=size,
        )


def _centre(points: Sequence[LatLon]) -> ZipCentre:
    centre = LatLon(
        statistics.median(p.lat for p in points), statistics.median(p.lon for p in points)
    )
    spread = statistics.median(metres_between(centre, p) for p in points)
    return ZipCentre(centre, len(points), spread)


_CACHE_SIZE = 4  # databases whose index is kept in memory (usually one)
_cache: dict[str, tuple[tuple[object, ...], AddressIndex]] = {}
_cache_lock = threading.Lock()


def cached_address_index(session: Session) -> AddressIndex:
    """The address table's index, rebuilt only when the table changed since the last call in
    this process (rows added, removed or moved): opening a geocoder for one lookup in the app
    then costs one small query instead of reading and indexing 100,000 rows again."""
    stamp = tuple(
        session.execute(
            select(
                func.count(AddressPoint.id),
                func.max(AddressPoint.id),
                func.sum(AddressPoint.lat),
                func.sum(AddressPoint.lon),
            )
        ).one()
    )
    bind = session.get_bind()
    where = bind.engine.url.render_as_string(hide_password=True)
    with _cache_lock:
        known = _cache.get(where)
    if known is not None and known[0] == stamp:
        return known[1]
    index = load_address_index(session)
    with _cache_lock:
        _cache.pop(where, None)
        while len(_cache) >= _CACHE_SIZE:
            del _cache[next(iter(_cache))]
        _cache[where] = (stamp, index)
    return index


def load_address_index(session: Session) -> AddressIndex:
    rows = session.execute(
        select(
            AddressPoint.address,
            AddressPoint.city,
            AddressPoint.zip,
            AddressPoint.lat,
            AddressPoint.lon,
        )
    )
    return AddressIndex.build(AddressRow(*row) for row in rows)
