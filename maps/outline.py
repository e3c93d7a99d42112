"""Area outlines (e.g. a county boundary) for maps drawn without base tiles.

`load_outline` reads the exterior rings of a GeoJSON Polygon/MultiPolygon (a geometry, a Feature
or a FeatureCollection) and simplifies them with Douglas-Peucker to a point budget. Holes are
ignored: the outline is drawn for orientation, never used to clip or test containment.

Rings are returned *open* (the closing point that GeoJSON repeats is dropped); Leaflet closes
polygons itself.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from maps.errors import OutlineError
from routing.geo import LatLon

Ring = tuple[LatLon, ...]

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0
_TIE_M = 1e-6


def load_outline(path: str | Path, *, max_points: int | None = 60) -> tuple[Ring, ...]:
    """Exterior rings of every polygon in the GeoJSON file at `path`, largest first,
    simplified to at most `max_points` vertices in total (None: as stored)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OutlineError(f"Cannot read the outline file {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutlineError(f"The outline file {path} is not valid GeoJSON: {exc}") from exc
    rings = rings_from_geojson(document, source=str(path))
    return rings if max_points is None else simplify_rings(rings, max_points)


@functools.lru_cache(maxsize=8)
def parse_outline(text: str, *, max_points: int | None = None) -> tuple[Ring, ...]:
    """The rings of a GeoJSON outline held as text (a program setting); () for empty text.
    Cached: every map redraw after a plan edit asks for it, on the UI thread."""
    if not text.strip():
        return ()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OutlineError(f"The area outline is not valid GeoJSON: {exc}") from exc
    rings = rings_from_geojson(document, source="The area outline")
    return rings if max_points is None else simplify_rings(rings, max_points)


def rings_from_geojson(document: Any, *, source: str = "GeoJSON") -> tuple[Ring, ...]:
    """Exterior rings (open, largest area first) of all Polygon/MultiPolygon geometries."""
    rings: list[Ring] = []
    for geometry in _geometries(document):
        gtype = geometry.get("type")
        coords = geometry.get("coordinates")
        if gtype == "Polygon":
            polygons = [coords]
        elif gtype == "MultiPolygon":
            polygons = list(coords or [])
        else:
            continue
        for polygon in polygons:
            if not polygon:
                continue
            ring = _open_ring(polygon[0], source)
            if len(ring) >= 3:
                rings.append(ring)
    if not rings:
        raise OutlineError(f"{source} holds no Polygon or MultiPolygon with at least 3 points.")
    rings.sort(key=lambda r: -abs(_area_m2(_project(r))))
    return tuple(rings)


def simplify_rings(rings: Sequence[Ring], max_points: int) -> tuple[Ring, ...]:
    """Douglas-Peucker on every ring with one shared budget of `max_points` vertices.

    Each vertex gets the distance at which Douglas-Peucker would keep it (clamped so a vertex
    never outranks the one that split its segment), and the `max_points` highest-ranked vertices
    overall survive, which equals Douglas-Peucker at the tolerance that fits the budget. A ring
    needs 3 vertices; the smallest rings are dropped when the budget cannot hold them all.
    """
    if max_points < 3:
        raise ValueError("an outline needs at least 3 points")
    kept_rings = [r for r in rings if len(r) >= 3][: max_points // 3]
    ranked: list[tuple[float, int, int]] = []  # (-importance, ring index, vertex index)
    for ri, ring in enumerate(kept_rings):
        for vi, importance in enumerate(_importance(_project(ring))):
            ranked.append((-importance, ri, vi))
    ranked.sort()
    chosen: list[set[int]] = [set() for _ in kept_rings]
    for _neg, ri, vi in ranked[:max_points]:
        chosen[ri].add(vi)
    out: list[Ring] = []
    for ri, ring in enumerate(kept_rings):
        if len(chosen[ri]) >= 3:
            out.append(tuple(ring[i] for i in sorted(chosen[ri])))
    return tuple(out)


def max_deviation_m(original: Ring, simplified: Ring) -> float:
    """Largest distance (metres, local planar approximation) from a vertex of `original` to the
    closed ring `simplified`: how far the simplification strays."""
    lat0 = _mean_lat(original)
    sp = [_to_xy(p, lat0) for p in simplified]
    segments = list(zip(sp, sp[1:] + sp[:1], strict=True))
    worst = 0.0
    for p in original:
        xy = _to_xy(p, lat0)
        worst = max(worst, min(_point_segment_distance(xy, a, b) for a, b in segments))
    return worst


# --- internals ------------------------------------------------------------------------------

XY = tuple[float, float]


def _geometries(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    dtype = document.get("type")
    if dtype == "FeatureCollection":
        found: list[dict[str, Any]] = []
        for feature in document.get("features") or []:
            found.extend(_geometries(feature))
        return found
    if dtype == "Feature":
        return _geometries(document.get("geometry"))
    if dtype == "GeometryCollection":
        return [g for sub in document.get("geometries") or [] for g in _geometries(sub)]
    return [document]


def _open_ring(coords: Any, source: str) -> Ring:
    try:
        ring = [LatLon.from_lonlat(pair[:2]) for pair in coords]
    except (TypeError, ValueError, IndexError) as exc:
        raise OutlineError(f"{source}: a ring has an invalid [lon, lat] position ({exc}).") from exc
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return tuple(ring)


def _mean_lat(ring: Sequence[LatLon]) -> float:
    return sum(p.lat for p in ring) / len(ring)


def _to_xy(p: LatLon, lat0: float) -> XY:
    return (
        p.lon * _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0)),
        p.lat * _M_PER_DEG_LAT,
    )


def _project(ring: Sequence[LatLon]) -> list[XY]:
    lat0 = _mean_lat(ring)
    return [_to_xy(p, lat0) for p in ring]


def _area_m2(xy: Sequence[XY]) -> float:
    return 0.5 * sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(xy, [*xy[1:], xy[0]], strict=True)
    )


def _point_segment_distance(p: XY, a: XY, b: XY) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _importance(xy: Sequence[XY]) -> list[float]:
    """Douglas-Peucker rank of each vertex of a closed ring (iterative, no recursion limit).

    Anchors: vertex 0 and the vertex farthest from it, both ranked infinite; the third
    vertex of a ring is the one farthest from that anchor chord, so any 3 kept points form
    the ring's widest triangle.
    """
    n = len(xy)
    rank = [0.0] * n
    rank[0] = math.inf
    far = max(range(n), key=lambda i: math.hypot(xy[i][0] - xy[0][0], xy[i][1] - xy[0][1]))
    rank[far] = math.inf
    # Segments to split, as (start, end, clamp): indices walk the ring, end may wrap to n (= 0).
    stack: list[tuple[int, int, float]] = [(0, far, math.inf), (far, n, math.inf)]
    while stack:
        start, end, clamp = stack.pop()
        if end - start < 2:
            continue
        a, b = xy[start], xy[end % n]
        best_i, best_d = -1, -1.0
        for i in range(start + 1, end):
            d = _point_segment_distance(xy[i], a, b)
            if d > best_d + _TIE_M:  # near-ties go to the first vertex, not to float noise
                best_i, best_d = i, d
        value = min(best_d, clamp)
        rank[best_i] = value
        stack.append((start, best_i, value))
        stack.append((best_i, end, value))
    return rank


def outline_geojson(
    rings: Sequence[Ring], properties: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A GeoJSON Feature (MultiPolygon, closed rings, 6 decimals ≈ 0.1 m) for `rings`.

    How `resources/durham_outline.geojson` (the demo program's outline) was made::

        rings = load_outline("tests/data/durham/county-boundary.geojson", max_points=56)
        doc = outline_geojson(rings, {"name": ..., "source": ...})
        Path("resources/durham_outline.geojson").write_text(json.dumps(doc, indent=1))
    """
    polygons = [[[[round(p.lon, 6), round(p.lat, 6)] for p in (*ring, ring[0])]] for ring in rings]
    return {
        "type": "Feature",
        "properties": dict(properties or {}),
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }
