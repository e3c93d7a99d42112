"""The demo program's area: Durham County, NC (its outline and a map centre downtown).

Set by the demo on the program settings like any agency would set its own; nothing outside the
demo knows about Durham.
"""

from __future__ import annotations

import dataclasses
import functools
from importlib import resources

from caseload.settings import ProgramSettings

DURHAM_CENTRE_LAT = 35.9940  # downtown Durham
DURHAM_CENTRE_LON = -78.8986


@functools.cache
def durham_outline_geojson() -> str:
    """The bundled, already simplified Durham County outline (GeoJSON text)."""
    return resources.files("resources").joinpath("durham_outline.geojson").read_text("utf-8")


def with_demo_area(program: ProgramSettings) -> ProgramSettings:
    """`program` with the demo's area: the Durham County outline and a centre downtown."""
    return dataclasses.replace(
        program,
        area_outline_geojson=durham_outline_geojson(),
        map_centre_lat=DURHAM_CENTRE_LAT,
        map_centre_lon=DURHAM_CENTRE_LON,
    )
