"""The travel-time provider the program's settings ask for: offline by default."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from caseload.settings import ProgramSettings
from routing.matrix import GeodesicProvider, TravelTimeProvider


def travel_time_provider(program: ProgramSettings) -> TravelTimeProvider:
    """Great-circle x circuity / speed (offline), or the agency's own OSRM server if set."""
    geodesic = GeodesicProvider(
        circuity=program.circuity,
        speed_kmh=program.speed_kmh,
        leg_overhead_s=program.leg_overhead_s,
    )
    if not program.osrm_url:
        return geodesic
    from routing.osrm import OsrmProvider

    cache = Path(platformdirs.user_cache_dir("mih-rounds")) / "osrm"
    return OsrmProvider(
        program.osrm_url, fallback=geodesic, cache_dir=cache, leg_overhead_s=program.leg_overhead_s
    )
