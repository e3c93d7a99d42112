"""The agency's own geocoder (a self-hosted Nominatim) through geopy: only when configured.

With no `ProgramSettings.geocoder_url` there is no network code path at all; patient addresses
never go to a public service by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from caseload.enums import GeocodeQuality
from caseload.errors import UserError
from caseload.geocoding.result import GeocodeResult
from routing.geo import LatLon

USER_AGENT = "mih-rounds"


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
            str(raw.get("display_name", ""))[:200],
        )


def _nominatim_quality(raw: Mapping[str, Any]) -> GeocodeQuality:
    """A house or building is `exact`; anything broader (a street, a suburb, a postcode) is
    `zip`: routable only when the manager accepts approximate locations, and then 'call ahead'."""
    cls, kind = raw.get("class", ""), raw.get("type", "")
    if cls == "building" or kind in ("house", "building", "apartments", "residential_building"):
        return GeocodeQuality.EXACT
    return GeocodeQuality.ZIP
