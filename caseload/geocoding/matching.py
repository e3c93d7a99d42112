"""Matching a parsed address against the address table, most trustworthy step first:

1. `exact`: same house number and street (after normalising) and, when the query gives them,
   the same ZIP or city.
2. `interpolated`: same street, no such number: a point between the nearest house numbers on
   the same side of the street (same parity), as street numbering runs along the block.
3. `street`: the street name is misspelt: only among table addresses with the same house number
   in the query's ZIP or city, the most similar street name scoring at least `FUZZY_THRESHOLD`
   (a made-up street therefore never comes back `exact`, and rarely at all).

Anything else is left to the caller (the agency's geocoder, a ZIP centre, or nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rapidfuzz import fuzz

from caseload.enums import GeocodeQuality
from caseload.geocoding.index import AddressIndex, TablePoint, metres_between
from caseload.geocoding.parse import ParsedAddress
from caseload.geocoding.result import GeocodeResult
from routing.geo import LatLon

SOURCE = "address table"
# Street-name similarity (rapidfuzz ratio, 0-100) needed for a `street` match. The candidates
# are already few (same house number, same ZIP or city), so 70 can accept two wrong letters
# ('Hillsbroough', 'Mangnum'); on the Durham table no invented street reached it
# (tests/caseload/test_geocode_matching.py measures both).
FUZZY_THRESHOLD = 70.0
SUFFIX_MISMATCH_PENALTY = 15.0  # 'Duke St' and 'Duke Ave' are different streets
AMBIGUOUS_M = 150.0  # same number and street, no ZIP or city, points this far apart: ambiguous
MAX_NUMBER_GAP = 400  # interpolate only between house numbers this close (a few blocks)
MAX_SEGMENT_M = 2_500.0  # ... and points this close (a street that bends stays near its line)
ONE_SIDED_NUMBERS = 20  # past the end of the known numbers: the nearest house within this many


def match_in_table(index: AddressIndex, query: ParsedAddress) -> GeocodeResult | None:
    if query.number is None or not query.street.name:
        return None
    on_street = index.by_street.get(query.street.key, ())
    return (
        _exact(on_street, query)
        or _interpolated(on_street, query)
        or _fuzzy(index.by_number.get(query.number, ()), query)
    )


def _in_area(points: Sequence[TablePoint], query: ParsedAddress) -> list[TablePoint]:
    """The points in the query's ZIP, else in its city, else (the query names neither) all."""
    if query.zip5:
        in_zip = [p for p in points if p.zip5 == query.zip5]
        if in_zip:
            return in_zip
    if query.city:
        return [p for p in points if p.city == query.city]
    return [] if query.zip5 else list(points)


def _spread_m(points: Sequence[TablePoint]) -> float:
    first = points[0].location
    return max(metres_between(first, p.location) for p in points)


def _exact(on_street: Sequence[TablePoint], query: ParsedAddress) -> GeocodeResult | None:
    hits = _in_area([p for p in on_street if p.number == query.number], query)
    if not hits:
        return None
    if not query.zip5 and not query.city and _spread_m(hits) > AMBIGUOUS_M:
        return None  # the same address in two places (two towns): the query cannot say which
    # Several rows for one address (a table with duplicates): the location most of them give.
    counts = Counter(p.location for p in hits)
    best = next(p for p in hits if counts[p.location] == max(counts.values()))
    return GeocodeResult(best.location, GeocodeQuality.EXACT, SOURCE, best.display, 100.0, 0.0)


def _interpolated(on_street: Sequence[TablePoint], query: ParsedAddress) -> GeocodeResult | None:
    number = query.number
    assert number is not None
    same_side = _in_area([p for p in on_street if p.number % 2 == number % 2], query)
    below = [p for p in same_side if p.number < number]
    above = [p for p in same_side if p.number > number]
    low, high = (below[-1] if below else None), (above[0] if above else None)
    if low is not None and high is not None:
        gap_m = metres_between(low.location, high.location)
        if high.number - low.number <= MAX_NUMBER_GAP and gap_m <= MAX_SEGMENT_M:
            t = (number - low.number) / (high.number - low.number)
            location = LatLon(
                low.location.lat + t * (high.location.lat - low.location.lat),
                low.location.lon + t * (high.location.lon - low.location.lon),
            )
            return GeocodeResult(
                location,
                GeocodeQuality.INTERPOLATED,
                SOURCE,
                f"between {low.display} and {high.display}",
                None,
                min(t, 1 - t) * gap_m,
            )
    near = [p for p in (low, high) if p is not None and abs(p.number - number) <= ONE_SIDED_NUMBERS]
    if not near:
        return None
    nearest = min(near, key=lambda p: abs(p.number - number))
    return GeocodeResult(
        nearest.location, GeocodeQuality.INTERPOLATED, SOURCE, f"next to {nearest.display}"
    )


def _directions_agree(point: TablePoint, query: ParsedAddress) -> bool:
    """A direction missing on one side is allowed; 'N Duke St' is never 'S Duke St'."""
    q, p = query.street, point.street
    return (not q.predir or not p.predir or q.predir == p.predir) and (
        not q.postdir or not p.postdir or q.postdir == p.postdir
    )


def street_similarity(point: TablePoint, query: ParsedAddress) -> float:
    score = float(fuzz.ratio(query.street.name, point.street.name))
    q_suffix, p_suffix = query.street.suffix, point.street.suffix
    if q_suffix and p_suffix and q_suffix != p_suffix:
        score -= SUFFIX_MISMATCH_PENALTY
    return score


def _fuzzy(same_number: Sequence[TablePoint], query: ParsedAddress) -> GeocodeResult | None:
    if not query.zip5 and not query.city:
        return None  # without a ZIP or city, a similar name could be anywhere in the table
    best: TablePoint | None = None
    best_score = FUZZY_THRESHOLD
    for point in _in_area(same_number, query):
        if not _directions_agree(point, query):
            continue
        score = street_similarity(point, query)
        if score >= best_score and (best is None or score > best_score):
            best, best_score = point, score
    if best is None:
        return None
    return GeocodeResult(
        best.location, GeocodeQuality.STREET, SOURCE, best.display, round(best_score, 1)
    )
