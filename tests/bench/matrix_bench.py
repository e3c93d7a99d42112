"""Benchmark: the default (offline) travel-time matrix for 2,000 locations.

    .venv/bin/python -m tests.bench.matrix_bench [--n 2000] [--repeat 5]

Prints wall time (first call in this process, then the best and median of the repeats), the
memory the call allocates (tracemalloc peak: numpy reports its buffers to it) and the process's
peak RSS, and for scale the time geopy's exact geodesic would need pair by pair (extrapolated
from a sample). Target (issue 3): under 0.5 s. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
import tracemalloc

from routing.geo import LatLon
from routing.matrix import GeodesicProvider

TARGET_S = 0.5


def durham_locations(n: int, seed: int = 1) -> list[LatLon]:
    """``n`` random points in a ~40 x 45 km box around Durham NC."""
    rng = random.Random(seed)
    return [LatLon(rng.uniform(35.85, 36.25), rng.uniform(-79.15, -78.70)) for _ in range(n)]


def geopy_estimate_s(locations: list[LatLon], sample_pairs: int = 20_000) -> float:
    """Seconds geopy.distance.geodesic would take for the full matrix, from a timed sample."""
    from geopy.distance import geodesic

    rng = random.Random(2)
    pairs = [
        ((a.lat, a.lon), (b.lat, b.lon))
        for a, b in (rng.sample(locations, 2) for _ in range(sample_pairs))
    ]
    start = time.perf_counter()
    for a, b in pairs:
        geodesic(a, b)
    per_pair = (time.perf_counter() - start) / sample_pairs
    n = len(locations)
    return per_pair * n * (n - 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=2000, help="number of locations (2000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats after the first")
    parser.add_argument("--no-geopy", action="store_true", help="skip the geopy estimate")
    args = parser.parse_args(argv)

    locations = durham_locations(args.n)
    provider = GeodesicProvider()

    tracemalloc.start()
    start = time.perf_counter()
    matrix = provider.durations(locations)
    first_s = time.perf_counter() - start
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        provider.durations(locations)
        times.append(time.perf_counter() - start)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    n = args.n
    print(f"Default travel-time matrix (GeodesicProvider, Andoyer-Lambert), {n:,} locations")
    size_mib = matrix.nbytes / 2**20
    print(f"  result            {matrix.shape[0]}x{matrix.shape[1]} int64, {size_mib:.1f} MiB")
    print(f"  first call        {first_s:.3f} s")
    if times:
        print(
            f"  repeats x{len(times):<7} best {min(times):.3f} s, "
            f"median {statistics.median(times):.3f} s"
        )
    print(f"  allocated (peak)  {peak_bytes / 2**20:.1f} MiB during one call (tracemalloc)")
    print(f"  process peak RSS  {rss_mb:.0f} MiB")
    worst = max([first_s, *times])
    verdict = "met" if worst < TARGET_S else "NOT met"
    print(f"  target < {TARGET_S} s  {verdict} (slowest call {worst:.3f} s)")
    if not args.no_geopy:
        est = geopy_estimate_s(locations)
        print(f"  for scale: geopy.distance.geodesic pair by pair ~ {est:.0f} s (extrapolated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
