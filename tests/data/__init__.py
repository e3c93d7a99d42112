"""Reference data the tests read, kept in the repository (see the README in each folder)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent
DURHAM_ADDRESS_POINTS = DATA / "durham" / "address-points.csv"
DURHAM_COUNTY_BOUNDARY = DATA / "durham" / "county-boundary.geojson"
BENCHMARKS = DATA / "benchmarks"  # solomon/C101.txt and its rows of bks.csv
