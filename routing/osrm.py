"""Road travel times from an OSRM server's table service (an agency's own ``osrm-routed``).

``GET {base_url}/table/v1/{profile}/{lon,lat;...}?annotations=duration&sources=..&destinations=..``
(see the OSRM HTTP API docs). Large matrices are requested in blocks of at most
``chunk_size`` sources x ``chunk_size`` destinations (``osrm-routed --max-table-size``
defaults to 100). Cells OSRM cannot route (``null``: a point snapped to a disconnected piece
of road, a tightly clipped extract) take the fallback provider's value for that cell.

Results are cached by coordinate set: in memory, and optionally on disk (one ``.npy`` file per
set, keyed by a hash of the rounded coordinates, the URL and the profile). The cache holds the
raw OSRM seconds with ``NaN`` for unroutable cells, so changing the fallback or the overhead
never needs a new request. The same points in another order or with repeats hit the cache.

HTTP is the standard library's ``urllib.request``: no extra runtime dependency.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from routing.geo import LatLon
from routing.matrix import (
    GeodesicProvider,
    ProgressCallback,
    TravelTimeCancelled,
    TravelTimeError,
    TravelTimeProvider,
)

__all__ = ["OsrmProvider"]

_log = logging.getLogger(__name__)

# Six decimals (~0.1 m) is what OSRM itself keeps of a coordinate.
_COORD_DECIMALS = 6
_MEMORY_CACHE_ENTRIES = 32
_MEMORY_CACHE_BYTES = 256 * 2**20  # a 2,000-location matrix is 32 MB
_CHECK_HINT = (
    "Check that osrm-routed is running and reachable from this computer, and that the OSRM "
    "URL and profile in the settings are right."
)


class OsrmProvider:
    """Travel times from OSRM's ``/table`` service.

    base_url: the server, e.g. ``http://127.0.0.1:5000`` (a path prefix is kept).
    profile: the profile segment of the URL (``car``; ``osrm-routed`` serves one dataset and
        ignores it, a proxy in front of several may not).
    chunk_size: the most sources and the most destinations in one request.
    timeout_s: per HTTP request.
    fallback: provides the value of cells OSRM returns as ``null`` (default: the offline
        :class:`~routing.matrix.GeodesicProvider`, which includes its own per-leg overhead).
    cache_dir: where to keep matrices between runs (``None``: in memory only).
    leg_overhead_s: seconds added to every off-diagonal cell OSRM answered (parking, walking
        to the door, which OSRM does not know about). Default 0: the pure OSRM driving time.
        To match the default fallback set it to its ``leg_overhead_s`` (120).
    """

    def __init__(
        self,
        base_url: str,
        profile: str = "car",
        *,
        chunk_size: int = 100,
        timeout_s: float = 30.0,
        fallback: TravelTimeProvider | None = None,
        cache_dir: Path | None = None,
        leg_overhead_s: int = 0,
    ) -> None:
        parsed = urllib.parse.urlsplit(base_url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise TravelTimeError(
                f"OSRM server URL {base_url!r} is not an http:// or https:// URL "
                f"(expected something like http://127.0.0.1:5000)"
            )
        if not profile or "/" in profile or not profile.isprintable():
            raise TravelTimeError(f"OSRM profile {profile!r} is not a valid profile name")
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise TravelTimeError(f"OSRM chunk size must be a positive integer, got {chunk_size!r}")
        if not (math.isfinite(timeout_s) and timeout_s > 0):
            raise TravelTimeError(
                f"OSRM timeout must be a positive number of seconds: {timeout_s!r}"
            )
        if isinstance(leg_overhead_s, bool) or not isinstance(leg_overhead_s, int):
            raise TravelTimeError(f"per-leg overhead must be whole seconds, got {leg_overhead_s!r}")
        if leg_overhead_s < 0:
            raise TravelTimeError(f"per-leg overhead must be 0 or more seconds: {leg_overhead_s}")
        self.base_url = base_url.strip().rstrip("/")
        self.profile = profile
        self.chunk_size = chunk_size
        self.timeout_s = float(timeout_s)
        self.fallback: TravelTimeProvider = fallback if fallback is not None else GeodesicProvider()
        self.cache_dir = cache_dir
        self.leg_overhead_s = leg_overhead_s
        self._memory: OrderedDict[str, NDArray[np.float64]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"OsrmProvider({self.base_url!r}, profile={self.profile!r}, "
            f"chunk_size={self.chunk_size}, cache_dir={self.cache_dir!r})"
        )

    # --- the provider interface -------------------------------------------------------------

    def durations(
        self,
        locations: Sequence[LatLon],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> NDArray[np.int64]:
        """Road travel times in whole seconds, shape ``(n, n)``, zero diagonal.

        Raises :class:`~routing.matrix.TravelTimeError` when the server cannot be reached or
        refuses the request, :class:`~routing.matrix.TravelTimeCancelled` when ``cancel`` is
        set (checked before every request)."""
        n = len(locations)
        if n == 0:
            return np.zeros((0, 0), dtype=np.int64)
        unique, index = self._canonical(locations)
        raw = self._raw_matrix(unique, progress, cancel)
        seconds = raw[np.ix_(index, index)]
        seconds[~np.isnan(seconds)] += float(self.leg_overhead_s)
        np.fill_diagonal(seconds, 0.0)
        missing = np.isnan(seconds)
        if missing.any():
            involved = np.flatnonzero(missing.any(axis=0) | missing.any(axis=1))
            sub = self.fallback.durations([locations[int(i)] for i in involved], cancel=cancel)
            filled = np.full((n, n), np.nan)
            filled[np.ix_(involved, involved)] = sub
            seconds[missing] = filled[missing]
        np.rint(seconds, out=seconds)
        return seconds.astype(np.int64)

    # --- cache ------------------------------------------------------------------------------

    @staticmethod
    def _canonical(
        locations: Sequence[LatLon],
    ) -> tuple[list[tuple[float, float]], NDArray[np.intp]]:
        """The sorted distinct rounded (lon, lat) pairs, and each location's index among them."""
        pairs = [(round(p.lon, _COORD_DECIMALS), round(p.lat, _COORD_DECIMALS)) for p in locations]
        unique = sorted(set(pairs))
        position = {pair: i for i, pair in enumerate(unique)}
        index = np.fromiter((position[p] for p in pairs), dtype=np.intp, count=len(pairs))
        return unique, index

    def _cache_key(self, coords: Sequence[tuple[float, float]]) -> str:
        text = json.dumps(
            {
                "url": self.base_url,
                "profile": self.profile,
                "coordinates": [[f"{lon:.6f}", f"{lat:.6f}"] for lon, lat in coords],
            },
            separators=(",", ":"),
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def _raw_matrix(
        self,
        coords: list[tuple[float, float]],
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> NDArray[np.float64]:
        key = self._cache_key(coords)
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                self._memory.move_to_end(key)
        if hit is None:
            hit = self._load(key, len(coords))
        if hit is None:
            hit = self._fetch(coords, progress, cancel)
            self._store(key, hit)
        elif progress is not None:
            progress(1, 1, "road travel times (cached)")
        hit.flags.writeable = False  # shared by later calls: callers get fancy-indexed copies
        with self._lock:
            self._memory[key] = hit
            self._memory.move_to_end(key)
            total = sum(m.nbytes for m in self._memory.values())
            while len(self._memory) > 1 and (
                len(self._memory) > _MEMORY_CACHE_ENTRIES or total > _MEMORY_CACHE_BYTES
            ):
                _, evicted = self._memory.popitem(last=False)
                total -= evicted.nbytes
        return hit

    def _cache_file(self, key: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / f"osrm-table-{key}.npy"

    def _load(self, key: str, n: int) -> NDArray[np.float64] | None:
        path = self._cache_file(key)
        if path is None or not path.is_file():
            return None
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None  # unreadable or truncated: fetch again and overwrite it
        if data.shape != (n, n) or data.dtype != np.float64:
            return None
        return np.asarray(data, dtype=np.float64)

    def _store(self, key: str, matrix: NDArray[np.float64]) -> None:
        path = self._cache_file(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".osrm-", suffix=".npy.tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    np.save(fh, matrix, allow_pickle=False)
                Path(tmp).replace(path)  # atomic: readers never see half a file
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            # The matrix itself is fine: use it, say why it could not be kept for next time.
            _log.warning(
                "cannot write the travel-time cache in %s: %s (check that the folder is "
                "writable); the matrix will be fetched again next time",
                path.parent,
                exc,
            )

    # --- HTTP -------------------------------------------------------------------------------

    def _fetch(
        self,
        coords: list[tuple[float, float]],
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> NDArray[np.float64]:
        n = len(coords)
        out = np.full((n, n), np.nan)
        blocks = [range(s, min(s + self.chunk_size, n)) for s in range(0, n, self.chunk_size)]
        total = len(blocks) ** 2
        done = 0
        for sources in blocks:
            for destinations in blocks:
                if cancel is not None and cancel.is_set():
                    raise TravelTimeCancelled("road travel-time matrix cancelled")
                out[sources.start : sources.stop, destinations.start : destinations.stop] = (
                    self._table(coords, sources, destinations)
                )
                done += 1
                if progress is not None:
                    progress(done, total, "road travel times from OSRM")
        np.fill_diagonal(out, 0.0)
        return out

    def _table(
        self,
        coords: list[tuple[float, float]],
        sources: range,
        destinations: range,
    ) -> NDArray[np.float64]:
        """One ``/table`` request for a block; ``null`` cells come back as NaN."""
        if sources == destinations and len(sources) == 1:
            return np.zeros((1, 1))  # OSRM wants two coordinates at least; a point to itself
        if sources == destinations:
            points = list(sources)
            query: dict[str, str] = {"annotations": "duration"}
        else:
            points = list(sources) + list(destinations)
            k = len(sources)
            query = {
                "annotations": "duration",
                "sources": ";".join(str(i) for i in range(k)),
                "destinations": ";".join(str(i) for i in range(k, len(points))),
            }
        path = ";".join(f"{coords[i][0]:.6f},{coords[i][1]:.6f}" for i in points)
        url = (
            f"{self.base_url}/table/v1/{urllib.parse.quote(self.profile, safe='')}/{path}"
            f"?{urllib.parse.urlencode(query, safe=';')}"
        )
        body = self._get(url)
        durations: Any = body.get("durations")
        shape = (len(sources), len(destinations))
        try:
            matrix = np.array(
                [[math.nan if v is None else float(v) for v in row] for row in durations],
                dtype=np.float64,
            )
        except (TypeError, ValueError) as exc:
            raise self._bad_answer(url, "its 'durations' are not a matrix of numbers") from exc
        if matrix.shape != shape:
            raise self._bad_answer(url, f"'durations' has shape {matrix.shape}, expected {shape}")
        if (matrix[~np.isnan(matrix)] < 0).any():
            raise self._bad_answer(url, "'durations' contains negative times")
        return matrix

    def _get(self, url: str) -> dict[str, Any]:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = _osrm_message(exc)
            exc.close()
            raise TravelTimeError(
                f"OSRM server at {self.base_url} answered HTTP {exc.code} {exc.reason}"
                f"{detail} for {_shorten(url)}. {_CHECK_HINT}"
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timeout(url) from exc
            raise TravelTimeError(
                f"cannot reach the OSRM server at {self.base_url}: {exc.reason} "
                f"(request {_shorten(url)}). {_CHECK_HINT}"
            ) from exc
        except TimeoutError as exc:
            raise self._timeout(url) from exc
        except OSError as exc:
            raise TravelTimeError(
                f"connection to the OSRM server at {self.base_url} failed: {exc} "
                f"(request {_shorten(url)}). {_CHECK_HINT}"
            ) from exc
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._bad_answer(url, "the answer is not JSON") from exc
        if not isinstance(body, dict):
            raise self._bad_answer(url, "the answer is not a JSON object")
        if body.get("code") != "Ok":
            raise TravelTimeError(
                f"OSRM server at {self.base_url} refused the table request: "
                f"{body.get('code')}: {body.get('message', '')} ({_shorten(url)}). {_CHECK_HINT}"
            )
        return body

    def _timeout(self, url: str) -> TravelTimeError:
        return TravelTimeError(
            f"the OSRM server at {self.base_url} did not answer within {self.timeout_s:g} s "
            f"(request {_shorten(url)}). {_CHECK_HINT} A smaller chunk size or a longer "
            f"timeout may help."
        )

    def _bad_answer(self, url: str, what: str) -> TravelTimeError:
        return TravelTimeError(
            f"unexpected answer from {self.base_url} (is it an OSRM server?): {what}; "
            f"request {_shorten(url)}. {_CHECK_HINT}"
        )


def _osrm_message(exc: urllib.error.HTTPError) -> str:
    """OSRM explains a 4xx in a JSON body: ``{"code": "InvalidQuery", "message": "..."}``."""
    try:
        body = json.loads(exc.read(4096))
    except (OSError, ValueError):
        return ""
    if isinstance(body, dict) and "code" in body:
        return f" ({body['code']}: {body.get('message', '')})"
    return ""


def _shorten(url: str, limit: int = 160) -> str:
    return url if len(url) <= limit else f"{url[: limit - 20]}...{url[-17:]}"
