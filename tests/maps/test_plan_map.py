"""maps.plan_map and maps.assets: an offline page, local assets, and the redraw payload."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import folium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maps import assets as assets_module
from maps.assets import map_assets
from maps.errors import MapAssetsMissingError
from maps.model import (
    UNASSIGNED_COLOR,
    MapData,
    MapMarker,
    MapPolyline,
    group_colors,
    popup_html,
)
from maps.plan_map import QWEBCHANNEL_JS, build_map_html, map_payload, payload_js
from routing.geo import LatLon
from tests.maps.outline_data import durham_outline

NETWORK_URL = re.compile(r"(?:https?|wss?|ftp)://", re.IGNORECASE)


def small_plan(crews: int = 2, stops_per_crew: int = 3) -> MapData:
    """A day with `crews` routes, one unassigned visit and a base."""
    colors = group_colors(f"Crew {c}" for c in range(crews))
    markers: list[MapMarker] = []
    lines: list[MapPolyline] = []
    for c, (crew, color) in enumerate(colors.items()):
        points = tuple(LatLon(35.95 + 0.02 * c, -78.95 + 0.03 * s) for s in range(stops_per_crew))
        lines.append(MapPolyline(crew, color, points, tooltip=crew))
        for s, point in enumerate(points):
            markers.append(
                MapMarker(
                    key=f"v{c}-{s}",
                    position=point,
                    label=str(s + 1),
                    group=crew,
                    color=color,
                    tier=("MUST", "HIGH", "ROUTINE")[s % 3],
                    popup_html=popup_html(f"Client {c}-{s}", [("ETA", "09:30")]),
                    tooltip=f"{s + 1}. Client {c}-{s}",
                )
            )
    markers.append(
        MapMarker(
            "u1",
            LatLon(36.05, -78.8),
            kind="unassigned",
            tier="MUST",
            color=UNASSIGNED_COLOR,
            tooltip="No crew with the skill",
        )
    )
    markers.append(
        MapMarker(
            "base-1",
            LatLon(35.9968, -78.8980),
            label="B",
            kind="base",
            color="#333333",
            tooltip="Station 1",
        )
    )
    return MapData(tuple(markers), tuple(lines), durham_outline(), "Plan for Tue 3 Mar")


def test_assets_are_existing_local_files() -> None:
    assets = map_assets()
    for url in (assets.leaflet_js, assets.leaflet_css, assets.jquery_js):
        parts = urlsplit(url)
        assert parts.scheme == "file"
        assert Path(url2pathname(parts.path)).is_file()


def test_missing_assets_raise_an_error_that_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import xstatic.pkg.leaflet

    monkeypatch.setattr(xstatic.pkg.leaflet, "BASE_DIR", str(tmp_path))
    with pytest.raises(MapAssetsMissingError, match="xstatic-leaflet"):
        assets_module.map_assets()


def test_page_without_tiles_references_no_network_url() -> None:
    page = build_map_html(small_plan())
    assert not NETWORK_URL.search(page), NETWORK_URL.findall(page)
    assets = map_assets()
    assert assets.leaflet_js in page and assets.jquery_js in page and assets.leaflet_css in page
    assert "L.tileLayer" not in page
    assert QWEBCHANNEL_JS not in page
    for unwanted in ("bootstrap", "awesome", "fontawesome", "glyphicons"):
        assert unwanted not in page.lower()


def test_page_does_not_touch_foliums_shared_asset_lists() -> None:
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    build_map_html(small_plan(), qwebchannel=True)
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css


def test_tiles_and_qwebchannel_only_when_asked() -> None:
    page = build_map_html(
        small_plan(),
        tile_url="https://tiles.example.org/{z}/{x}/{y}.png",
        tile_attribution="Example",
        qwebchannel=True,
    )
    assert "L.tileLayer" in page and "tiles.example.org" in page
    assert f'src="{QWEBCHANNEL_JS}"' in page
    hosts = {urlsplit(u).hostname for u in re.findall(r"https?://[^\"' ]+", page)}
    assert hosts == {"tiles.example.org"}


def test_payload_has_one_entry_per_marker_and_polyline() -> None:
    data = small_plan(crews=3, stops_per_crew=4)
    payload = map_payload(data)
    assert len(payload["markers"]) == len(data.markers) == 3 * 4 + 2
    assert len(payload["polylines"]) == len(data.polylines) == 3
    assert [m["key"] for m in payload["markers"]] == [m.key for m in data.markers]
    assert payload["polylines"][0]["points"][0] == data.polylines[0].points[0].to_latlon()
    assert len(payload["outline"]) == 1
    json.dumps(payload)  # JSON-able


def test_tier_sets_marker_size_and_outline() -> None:
    by_key = {m["key"]: m for m in map_payload(small_plan())["markers"]}
    must, high, routine = by_key["v0-0"], by_key["v0-1"], by_key["v0-2"]
    assert must["size"] > high["size"] > routine["size"]
    assert must["border"] > high["border"] > routine["border"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_payload_js_is_inert_inside_a_script_element(text: str) -> None:
    """User text (names, notes) can never close the script element or inject markup."""
    data = MapData(
        markers=(
            MapMarker(
                "k", LatLon(36, -78.9), label=text[:3], tooltip=text, popup_html=popup_html(text)
            ),
        ),
        title=text,
    )
    literal = payload_js(data)
    assert "<" not in literal and ">" not in literal and "&" not in literal
    assert json.loads(literal) == map_payload(data)


def test_page_escapes_the_title_and_embeds_the_payload() -> None:
    data = MapData(markers=(MapMarker("a", LatLon(36, -78.9)),), title="</script><b>x")
    page = build_map_html(data)
    assert "</script><b>" not in page
    assert payload_js(data) in page


def test_empty_map_renders() -> None:
    page = build_map_html(MapData())
    assert "roundsInit(" in page and not NETWORK_URL.search(page)
