"""Offline-first geocoding: the agency's address table (exact, interpolated, misspelt street),
then the agency's own geocoder when one is configured (its answers cached in the database),
then a ZIP centre, else nothing: no invented coordinates.

A `Geocoder` holds the address table and the cache in memory, so a bulk import reads each table
once and a repeated address is answered from memory; answers from the server are kept in
`new_cache_entries` and written by `save_cache` in the caller's unit of work (a dry run simply
does not save them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseload.enums import GeocodeQuality
from caseload.geocoding.index import AddressIndex, cached_address_index
from caseload.geocoding.matching import match_in_table
from caseload.geocoding.normalise import cache_key
from caseload.geocoding.parse import ParsedAddress, parse_address, street_line
from caseload.geocoding.remote import NominatimClient, RemoteUnavailableError
from caseload.geocoding.result import NOT_FOUND, GeocodeResult
from caseload.settings import ProgramSettings, load_in
from caseload.store.models import GeocodeCacheEntry
from routing.geo import LatLon

MAX_REMOTE_FAILURES = 3  # consecutive failures before the server is left alone for this run
MEMO_LIMIT = 50_000  # answers kept in memory per geocoder (one import, one CLI run)


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
    _memo: dict[str, GeocodeResult] = field(default_factory=dict)

    def geocode(
        self, address: str, city: str = "", state: str = "", zip_code: str = ""
    ) -> GeocodeResult:
        """`address` may be a whole line ('3117 Shannon Rd Apt 35, Durham NC 27707'); a city,
        state or ZIP given separately wins over one inside it."""
        key = cache_key(address, city, state, zip_code)
        known = self._memo.get(key)
        if known is not None:
            return known
        parsed = parse_address(address, city, zip_code)
        result = self._lookup(parsed, key, address, city, state, zip_code)
        if len(self._memo) < MEMO_LIMIT:
            self._memo[key] = result
        return result

    def _lookup(
        self, parsed: ParsedAddress, key: str, address: str, city: str, state: str, zip_code: str
    ) -> GeocodeResult:
        found = match_in_table(self.index, parsed)
        if found is not None:
            return found
        if parsed.street.name:
            cached = self.cache.get(key)
            if cached is None and self.remote is not None:
                cached = self._ask_remote(key, *_remote_fields(parsed, address, city, state))
            if cached is not None and cached.location is not None:
                return cached
        centre = self.index.zip_centres.get(parsed.zip5)
        if centre is not None:
            return GeocodeResult(
                centre.location,
                GeocodeQuality.ZIP,
                f"ZIP {parsed.zip5} centre ({centre.count} address points)",
                f"centre of ZIP {parsed.zip5}",
                None,
                round(centre.spread_m),
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


def _remote_fields(
    parsed: ParsedAddress, address: str, city: str, state: str
) -> tuple[str, str, str, str]:
    """Street, city, state, ZIP for the agency's geocoder: the address as written unless it
    carries a unit or a whole line (city, ZIP) that a structured search would choke on."""
    return street_line(address) or address, city or parsed.city.title(), state, parsed.zip5


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
    return Geocoder(index=cached_address_index(session), cache=cache, remote=remote)


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
