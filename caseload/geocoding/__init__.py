"""Finding a client's coordinates offline, with an honest quality (see `geocoder`)."""

from __future__ import annotations

from caseload.geocoding.geocoder import Geocoder, open_geocoder, save_cache
from caseload.geocoding.index import AddressIndex, AddressRow, load_address_index, metres_between
from caseload.geocoding.normalise import (
    ABBREVIATIONS,
    cache_key,
    normalise_address,
    normalise_street,
    normalise_zip,
)
from caseload.geocoding.parse import ParsedAddress, parse_address
from caseload.geocoding.remote import USER_AGENT, NominatimClient, RemoteUnavailableError
from caseload.geocoding.result import NOT_FOUND, GeocodeResult

__all__ = [
    "ABBREVIATIONS",
    "NOT_FOUND",
    "USER_AGENT",
    "AddressIndex",
    "AddressRow",
    "GeocodeResult",
    "Geocoder",
    "NominatimClient",
    "ParsedAddress",
    "RemoteUnavailableError",
    "cache_key",
    "load_address_index",
    "metres_between",
    "normalise_address",
    "normalise_street",
    "normalise_zip",
    "open_geocoder",
    "parse_address",
    "save_cache",
]
