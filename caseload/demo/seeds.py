"""Seed lists for the demo program: invented people, real-looking places around Durham, NC.

The lists are data files in `resources/demo/` (their sources are in the README there), read
once on first use. Every person is invented. Station locations and street names are public facts
used only to make the demo look like a real Durham program; addresses built from them are
invented too. The order of every list matters: the generator picks from them with a seeded
`random.Random`, so the same seed gives the same demo only while the files keep their order.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass
from importlib import resources

_PACKAGE = "resources.demo"


@dataclass(frozen=True, slots=True)
class Station:
    name: str
    address: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    name: str
    lat: float
    lon: float
    spread_deg: float  # standard deviation of the scatter around the centre, in degrees
    weight: float  # share of housed clients living here
    zip: str
    city: str
    streets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """A place unsheltered clients are usually found: a camp, a shelter, a day centre."""

    kind: str  # a PlaceKind value
    label: str
    description: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class DemoSeeds:
    stations: tuple[Station, ...]  # Durham fire/EMS stations used as crew bases
    neighbourhoods: tuple[Neighbourhood, ...]  # where housed clients live
    camps: tuple[Site, ...]  # where unsheltered clients are found
    shelters: tuple[Site, ...]
    day_centres: tuple[Site, ...]
    camp_details: tuple[str, ...]  # what tells one tent from another
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    hispanic_first_names: tuple[str, ...]
    hispanic_last_names: tuple[str, ...]
    safety_notes: tuple[str, ...]  # "{last}" stands for the client's last name


@functools.cache
def demo_seeds() -> DemoSeeds:
    """The seed lists, read from the package's data files on the first call only."""
    names = _json("names.json")
    notes = _json("notes.json")
    sites = _csv("sites.csv")
    return DemoSeeds(
        stations=tuple(
            Station(r["name"], r["address"], float(r["lat"]), float(r["lon"]))
            for r in _csv("stations.csv")
        ),
        neighbourhoods=tuple(
            Neighbourhood(
                r["name"],
                float(r["lat"]),
                float(r["lon"]),
                float(r["spread_deg"]),
                float(r["weight"]),
                r["zip"],
                r["city"],
                tuple(r["streets"].split(";")),
            )
            for r in _csv("neighbourhoods.csv")
        ),
        camps=_sites(sites, "camp"),
        shelters=_sites(sites, "shelter"),
        day_centres=_sites(sites, "day_centre"),
        camp_details=notes["camp_details"],
        first_names=names["first_names"],
        last_names=names["last_names"],
        hispanic_first_names=names["hispanic_first_names"],
        hispanic_last_names=names["hispanic_last_names"],
        safety_notes=notes["safety_notes"],
    )


def _text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(name), newline="")))


def _json(name: str) -> dict[str, tuple[str, ...]]:
    """A JSON object whose values are lists of strings."""
    return {key: tuple(values) for key, values in json.loads(_text(name)).items()}


def _sites(rows: list[dict[str, str]], group: str) -> tuple[Site, ...]:
    return tuple(
        Site(r["kind"], r["label"], r["description"], float(r["lat"]), float(r["lon"]))
        for r in rows
        if r["group"] == group
    )
