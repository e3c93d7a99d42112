"""Offline-first geocoding: the agency's address table, then the cache, then (only if the agency
configured one) its own Nominatim server, then a ZIP centroid from the address table.

Nothing leaves the machine unless `ProgramSettings.geocoder_url` is set: with no URL there is no
network code path at all. A `Geocoder` holds the address table and the cache in memory, so a
bulk import reads each table once; answers from the server are kept in `new_cache_entries` and
written by `save_cache` in the caller's unit of work (a dry run simply does not save them).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.enums import GeocodeQuality
from caseload.errors import UserError
from caseload.settings import ProgramSettings, load_in
from caseload.store.models import AddressPoint, GeocodeCacheEntry
from routing.geo import LatLon

USER_AGENT = "mih-rounds"
MAX_REMOTE_FAILURES = 3  # consecutive failures before the server is left alone for this run

# USPS-style abbreviations; applied to whole words on both sides of a match, so consistency is
# what counts, not which spelling wins.
ABBREVIATIONS: Mapping[str, str] = {
    "STREET": "ST",
    "ROAD": "RD",
    "AVENUE": "AVE",
    "AV": "AVE",
    "DRIVE": "DR",
    "BOULEVARD": "BLVD",
    "LANE": "LN",
    "COURT": "CT",
    "CIRCLE": "CIR",
    "PLACE": "PL",
    "PARKWAY": "PKWY",
    "HIGHWAY": "HWY",
    "TERRACE": "TER",
    "TRAIL": "TRL",
    "PLAZA": "PLZ",
    "SQUARE": "SQ",
    "EXPRESSWAY": "EXPY",
    "FREEWAY": "FWY",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
    "SUITE": "STE",
    "APARTMENT": "APT",
}

_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")


def normalise_zip(zip_code: str) -> str:
    """The 5-digit ZIP of '27701', '27701-1234' or '277011234'; '' when there is none."""
    match = _ZIP.fullmatch(zip_code.strip())
    return match.group(1) if match else ""


def normalise_street(address: str) -> str:
    """'1058 W. Club Boulevard' -> '1058 W CLUB BLVD'."""
    words = re.sub(r"[^A-Z0-9]+", " ", address.upper()).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def normalise_address(address: str, zip_code: str) -> str:
    """The match key of an address: normalised street, '|', 5-digit ZIP (or nothing)."""
    return f"{normalise_street(address)}|{normalise_zip(zip_code)}"


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    location: LatLon | None
    quality: GeocodeQuality
    source: str

    @property
    def lat(self) -> float | None:
        return None if self.location is None else self.location.lat

    @property
    def lon(self) -> float | None:
        return None if self.location is None else self.location.lon


NOT_FOUND = GeocodeResult(None, GeocodeQuality.NONE, "not found")


@dataclass(frozen=True, slots=True)
class AddressIndex:
    """The address table in memory: by match key, by street alone (when unique), ZIP centroids."""

    by_key: Mapping[str, LatLon]
    by_street: Mapping[str, LatLon]
    zip_centroids: Mapping[str, tuple[LatLon, int]]

    @classmethod
    def build(cls, points: Iterable[tuple[str, LatLon]]) -> AddressIndex:
        """From (match key, location) pairs. ZIP centroids are the median of the ZIP's points
        (robust to the odd badly placed point that a mean would follow)."""
        by_key: dict[str, LatLon] = {}
        streets: dict[str, set[LatLon]] = defaultdict(set)
        per_zip: dict[str, list[LatLon]] = defaultdict(list)
        for key, location in points:
            by_key.setdefault(key, location)
            street, _, zip5 = key.partition("|")
            streets[street].add(location)
            if zip5:
                per_zip[zip5].append(location)
        centroids = {
            z: (
                LatLon(
                    statistics.median(p.lat for p in pts), statistics.median(p.lon for p in pts)
                ),
                len(pts),
            )
            for z, pts in per_zip.items()
        }
        unique_streets = {s: next(iter(locs)) for s, locs in streets.items() if len(locs) == 1}
        return cls(by_key=by_key, by_street=unique_streets, zip_centroids=centroids)


def load_address_index(session: Session) -> AddressIndex:
    rows = session.execute(select(AddressPoint.match_key, AddressPoint.lat, AddressPoint.lon))
    return AddressIndex.build((key, LatLon(lat, lon)) for key, lat, lon in rows)


class RemoteUnavailableError(Exception):
    """The configured geocoder could not be asked (network error, timeout, HTTP error)."""


class NominatimClient:
    """The agency's own Nominatim server via geopy: structured search, rate-limited, timeout."""

    def __init__(self, url: str, *, min_delay_s: float = 1.0, timeout_s: float = 10.0) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(
                f"the geocoder URL {url!r} is not usable; expected http://host[:port][/path] or "
                "https://... of your own Nominatim server (Settings > geocoder_url)"
            )
        path = parts.path.rstrip("/")
        path = path.removesuffix("/search")
        self.url = url
        self._nominatim = Nominatim(
            domain=parts.netloc + path,
            scheme=parts.scheme,
            user_agent=USER_AGENT,
            timeout=timeout_s,
        )
        self._search = RateLimiter(
            self._nominatim.geocode,
            min_delay_seconds=min_delay_s,
            max_retries=0,
            swallow_exceptions=False,
        )

    def lookup(self, address: str, city: str, state: str, zip_code: str) -> GeocodeResult:
        from geopy.exc import GeopyError

        query = {
            k: v
            for k, v in (
                ("street", address),
                ("city", city),
                ("state", state),
                ("postalcode", zip_code),
            )
            if v
        }
        try:
            found: Any = self._search(query, exactly_one=True)
        except GeopyError as exc:
            raise RemoteUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        if found is None:
            return GeocodeResult(None, GeocodeQuality.NONE, f"geocoder {self.url}: not found")
        raw: Mapping[str, Any] = found.raw
        return GeocodeResult(
            LatLon(float(found.latitude), float(found.longitude)),
            _nominatim_quality(raw),
            f"geocoder {self.url}",
        )


def _nominatim_quality(raw: Mapping[str, Any]) -> GeocodeQuality:
    cls, kind = raw.get("class", ""), raw.get("type", "")
    if cls == "building" or kind in ("house", "building", "apartments", "residential_building"):
        return GeocodeQuality.ADDRESS
    if cls == "highway":
        return GeocodeQuality.STREET
    if kind == "postcode":
        return GeocodeQuality.ZIP
    return GeocodeQuality.APPROXIMATE


def cache_key(address: str, city: str, state: str, zip_code: str) -> str:
    parts = (normalise_street(address), normalise_street(city), state.strip().upper())
    return "|".join((*parts, normalise_zip(zip_code)))[:300]


@dataclass
class Geocoder:
    """Find coordinates for an address. See the module docstring for the order of sources."""

    index: AddressIndex
    cache: dict[str, GeocodeResult]
    remote: NominatimClient | None = None
    new_cache_entries: dict[str, GeocodeResult] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    remote_requests: int = 0
    _remote_failures: int = 0

    def geocode(self, address: str, city: str, state: str, zip_code: str) -> GeocodeResult:
        zip5 = normalise_zip(zip_code)
        street = normalise_street(address)
        if street:
            hit = self.index.by_key.get(f"{street}|{zip5}")
            if hit is None and not zip5:
                hit = self.index.by_street.get(street)
            if hit is not None:
                return GeocodeResult(hit, GeocodeQuality.ADDRESS, "address table")
            key = cache_key(address, city, state, zip_code)
            cached = self.cache.get(key)
            if cached is None and self.remote is not None:
                cached = self._ask_remote(key, address, city, state, zip_code)
            if cached is not None and cached.location is not None:
                return cached
        if zip5 in self.index.zip_centroids:
            centre, count = self.index.zip_centroids[zip5]
            return GeocodeResult(
                centre, GeocodeQuality.ZIP, f"ZIP {zip5} centre ({count} address points)"
            )
        return NOT_FOUND

    def _ask_remote(
        self, key: str, address: str, city: str, state: str, zip_code: str
    ) -> GeocodeResult | None:
        assert self.remote is not None
        self.remote_requests += 1
        try:
            result = self.remote.lookup(address, city, state, zip_code)
        except RemoteUnavailableError as exc:
            self._remote_failures += 1
            message = f"the geocoder at {self.remote.url} did not answer ({exc})"
            if self._remote_failures >= MAX_REMOTE_FAILURES:
                message += "; it is not asked again during this run"
                self.remote = None
            self.warnings.append(message)
            return None
        self._remote_failures = 0
        self.cache[key] = result
        self.new_cache_entries[key] = result
        return result


def open_geocoder(
    session: Session,
    settings: ProgramSettings | None = None,
    *,
    min_delay_s: float = 1.0,
    timeout_s: float = 10.0,
) -> Geocoder:
    """A geocoder over the database's address table and cache (read once, now)."""
    chosen = settings if settings is not None else load_in(session, ProgramSettings)
    cache = {
        entry.query_key: GeocodeResult(
            None if entry.lat is None or entry.lon is None else LatLon(entry.lat, entry.lon),
            GeocodeQuality(entry.quality),
            entry.source,
        )
        for entry in session.scalars(select(GeocodeCacheEntry))
    }
    remote = (
        NominatimClient(chosen.geocoder_url, min_delay_s=min_delay_s, timeout_s=timeout_s)
        if chosen.geocoder_url.strip()
        else None
    )
    return Geocoder(index=load_address_index(session), cache=cache, remote=remote)


def save_cache(session: Session, geocoder: Geocoder) -> int:
    """Write the server's new answers into the cache table; returns how many were written."""
    now = datetime.now(UTC)
    for key, result in geocoder.new_cache_entries.items():
        session.merge(
            GeocodeCacheEntry(
                query_key=key,
                lat=result.lat,
                lon=result.lon,
                quality=result.quality.value,
                source=result.source[:120],
                at=now,
            )
        )
    written = len(geocoder.new_cache_entries)
    geocoder.new_cache_entries.clear()
    return written
