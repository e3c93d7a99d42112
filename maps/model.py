"""What to draw on a map, as plain frozen values (no folium, no Qt).

A `MapData` is built by `caseload/` (a plan: stops per crew, unassigned visits, crew bases; or a
caseload: each clinician's clients) and rendered by `maps.plan_map`. Every marker carries a stable
`key` (e.g. the visit or client id) so the desktop can link a map click to a table row and back.
"""

from __future__ import annotations

import colorsys
import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from routing.geo import LatLon

Tier = Literal["MUST", "HIGH", "ROUTINE"]
MarkerKind = Literal["stop", "unassigned", "base", "client"]

TIERS: tuple[Tier, ...] = ("MUST", "HIGH", "ROUTINE")
MARKER_KINDS: tuple[MarkerKind, ...] = ("stop", "unassigned", "base", "client")

#: Fill colour of unassigned visits; never handed out by `palette`.
UNASSIGNED_COLOR = "#9E9E9E"

# Okabe & Ito (2008) and Paul Tol's "muted" scheme: distinguishable with the common colour-vision
# deficiencies, ordered so that the first few (the usual number of crews) differ the most.
# Yellow and pale colours are left out: white-on-light labels and the grey of "unassigned".
_BASE_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#332288",  # indigo
    "#882255",  # wine
    "#117733",  # green
    "#AA4499",  # purple
    "#44AA99",  # teal
    "#999933",  # olive
)


@dataclass(frozen=True, slots=True)
class MapMarker:
    """One point on the map.

    `label` is drawn inside the marker (the stop number in route order; may be empty).
    `popup_html` is trusted HTML: build it with `popup_html()` so user text is escaped.
    `tooltip` is plain text.
    """

    key: str
    position: LatLon
    label: str = ""
    group: str = ""
    color: str = UNASSIGNED_COLOR
    tier: Tier = "ROUTINE"
    popup_html: str = ""
    tooltip: str = ""
    kind: MarkerKind = "stop"
    pinned: bool = False  # drawn as a small pin badge on the marker
    locked: bool = False  # drawn as a small padlock badge

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a map marker needs a non-empty key")
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, got {self.tier!r}")
        if self.kind not in MARKER_KINDS:
            raise ValueError(f"kind must be one of {MARKER_KINDS}, got {self.kind!r}")
        _check_color(self.color)


@dataclass(frozen=True, slots=True)
class MapPolyline:
    """A route (or any path) drawn in one group's colour, points in travel order."""

    group: str
    color: str
    points: tuple[LatLon, ...]
    tooltip: str = ""

    def __post_init__(self) -> None:
        _check_color(self.color)


@dataclass(frozen=True, slots=True)
class MapData:
    """Everything one map shows.

    `outline` is a tuple of rings (e.g. the county boundary from `maps.outline`), drawn under
    everything else; most useful when there are no base tiles. `legend` lists (label, colour)
    pairs, e.g. each crew's colour, shown in a corner of the map.
    """

    markers: tuple[MapMarker, ...] = ()
    polylines: tuple[MapPolyline, ...] = ()
    outline: tuple[tuple[LatLon, ...], ...] | None = None
    title: str = ""
    legend: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        repeated = sorted(k for k, n in Counter(m.key for m in self.markers).items() if n > 1)
        if repeated:
            raise ValueError(f"marker keys must be unique; repeated: {', '.join(repeated)}")


def palette(n: int) -> list[str]:
    """`n` distinct colours (``#RRGGBB``), colour-blind-friendly for the first 12.

    Beyond those, hues are spread by the golden angle at alternating lightness: still distinct,
    but no longer guaranteed to be distinguishable for every reader.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    colors = list(_BASE_PALETTE[:n])
    used = {c.upper() for c in colors} | {UNASSIGNED_COLOR}
    i = 0
    while len(colors) < n:
        hue = (0.07 + i * 0.381966) % 1.0
        lightness = (0.38, 0.50, 0.30)[i % 3]
        r, g, b = colorsys.hls_to_rgb(hue, lightness, 0.75)
        color = f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"
        if color not in used:
            used.add(color)
            colors.append(color)
        i += 1
    return colors


def group_colors(groups: Iterable[str]) -> dict[str, str]:
    """A colour per distinct group, in order of first appearance (stable across redraws as long
    as the order of groups is stable; sort the groups first for a plan-independent mapping)."""
    distinct = list(dict.fromkeys(groups))
    return dict(zip(distinct, palette(len(distinct)), strict=True))


def label_color(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (WCAG relative luminance)."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    # Contrast with white (1.05 / (lum + 0.05)) vs with black ((lum + 0.05) / 0.05).
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#FFFFFF"


def popup_html(title: str, rows: Iterable[tuple[str, str]] = ()) -> str:
    """Popup markup from plain text: a bold title and label/value rows, all escaped."""
    parts = [f"<div class='rounds-popup'><b>{html.escape(title)}</b>"]
    body = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
        for label, value in rows
    )
    if body:
        parts.append(f"<table>{body}</table>")
    parts.append("</div>")
    return "".join(parts)


def _check_color(color: str) -> None:
    if (
        len(color) != 7
        or color[0] != "#"
        or any(c not in "0123456789abcdefABCDEF" for c in color[1:])
    ):
        raise ValueError(f"colour must be '#RRGGBB', got {color!r}")
