"""Benchmark: time per address lookup in the offline geocoder at 2,500 and 100,000 table rows.

    .venv/bin/python -m tests.bench.geocode_bench [--queries 2000] [--sizes 2500 100000]

The table is the bundled Durham address points, padded with invented rows (more house numbers
on the same streets, and invented streets in the same ZIPs) to each size. Queries are messy
variants of real rows (typos, units, case, missing ZIPs; see tests/caseload/address_variants.py)
plus one invented street in five. Prints the time to build the index, then per query (each
query answered once: no in-memory cache hits) the median, 95th percentile and mean, and the
split by quality. Target (issue 15): well under 10 ms per query. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter, defaultdict

from caseload.geocoding import AddressIndex, AddressRow, Geocoder, parse_address
from tests.caseload.address_variants import (
    TableRow,
    invented_queries,
    messy_queries,
    read_table,
    street_rows,
)
from tests.data import DURHAM_ADDRESS_POINTS

TARGET_MS = 10.0


def padded_table(rows: list[TableRow], size: int, seed: int = 5) -> list[AddressRow]:
    """The Durham rows, then invented ones until `size` rows."""
    rng = random.Random(seed)
    table = [AddressRow(r.address, r.city, r.zip, r.lat, r.lon) for r in rows][:size]
    streets = street_rows(rows)
    n = 0
    while len(table) < size:
        n += 1
        base = rng.choice(streets)
        parsed = parse_address(base.address)
        if n % 2 and parsed.number is not None:  # another house on a real street
            address = f"{parsed.number + 2 * rng.randint(1, 400)} {parsed.street.key}"
        else:  # a house on an invented street in the same ZIP
            address = f"{rng.randint(1, 9999)} Benchmark{n % 5000} {rng.choice(['Rd', 'St', 'Dr'])}"
        table.append(
            AddressRow(
                address,
                base.city,
                base.zip,
                base.lat + rng.uniform(-0.01, 0.01),
                base.lon + rng.uniform(-0.01, 0.01),
            )
        )
    return table


def run(size: int, queries: int) -> None:
    rows = read_table(DURHAM_ADDRESS_POINTS)
    table = padded_table(rows, size)
    start = time.perf_counter()
    index = AddressIndex.build(table)
    build_s = time.perf_counter() - start
    asked = list(messy_queries(rows, queries)) + list(invented_queries(rows, queries // 4))
    random.Random(3).shuffle(asked)
    geocoder = Geocoder(index=index, cache={})
    times_ms: list[float] = []
    by_quality: dict[str, list[float]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for q in asked:
        key = (q.address, q.city, q.zip)
        if key in seen:
            continue  # a repeat would be answered from memory
        seen.add(key)
        start = time.perf_counter()
        found = geocoder.geocode(q.address, q.city, "NC", q.zip)
        elapsed = (time.perf_counter() - start) * 1000
        times_ms.append(elapsed)
        by_quality[found.quality.value].append(elapsed)
    times_ms.sort()
    p95 = times_ms[int(0.95 * (len(times_ms) - 1))]
    counts = Counter({k: len(v) for k, v in by_quality.items()})
    print(
        f"{size:>7,} rows: index built in {build_s:.2f} s; {len(times_ms)} queries: median "
        f"{statistics.median(times_ms):.3f} ms, p95 {p95:.3f} ms, mean "
        f"{statistics.fmean(times_ms):.3f} ms, max {times_ms[-1]:.2f} ms "
        f"(target < {TARGET_MS:.0f} ms)"
    )
    for quality, spent in sorted(by_quality.items()):
        mean_ms = statistics.fmean(spent)
        print(f"          {quality:<13} {counts[quality]:>5} queries, mean {mean_ms:.3f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 100_000])
    args = parser.parse_args(argv)
    for size in args.sizes:
        run(size, args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
