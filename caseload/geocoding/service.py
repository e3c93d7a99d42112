"""Looking up addresses on request (`rounds geocode`, the client panel's "find address")."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from caseload.geocoding.geocoder import open_geocoder, save_cache
from caseload.geocoding.result import GeocodeResult
from caseload.store.database import Database

Progress = Callable[[int, int, str], None]


def geocode_addresses(
    db: Database,
    queries: Sequence[str],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[GeocodeResult]:
    """One result per query, in order (each query a whole address line). Answers of the
    agency's geocoder, when one is configured, are cached in the database."""
    results: list[GeocodeResult] = []
    with db.session() as session:
        geocoder = open_geocoder(session)
        for done, query in enumerate(queries, 1):
            if cancel is not None and cancel.is_set():
                break
            results.append(geocoder.geocode(query))
            if progress is not None:
                progress(done, len(queries), "locating addresses")
        save_cache(session, geocoder)
    return results
