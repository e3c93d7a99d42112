"""Render a `MapData` as a self-contained, offline Leaflet page (folium for the page and map).

Design: folium builds the page, the `L.map` and (only when configured) a tile layer; everything
else is drawn by one small script from a JSON payload (`map_payload`). The same script's
`roundsUpdate(payload)` redraws after an edit without reloading the page, so the first draw and
every update share one code path.

JavaScript API on the page (for `desktop.map_view` and tests):

- ``window.roundsMap``: the `L.map`.
- ``window.roundsMarkers[key]``: the Leaflet layer of each marker.
- ``window.roundsRoutes``: the polylines currently drawn.
- ``roundsUpdate(payload, fit=false)``: replace markers and polylines; returns the marker count.
- ``roundsHighlight(key)``: enlarge, bring forward, open the (compact) popup and pan to a
  marker; returns whether the key exists (an empty key clears the highlight).
- ``roundsSpread()``: markers that would overlap at the current zoom are drawn around their
  common centre (the rule of `maps.overlap.spread`), each with a thin line to its true
  position (a display offset of the icon only: every marker's ``getLatLng()`` stays the true
  position). Runs after every draw and zoom; ``window.roundsOffsets[key]`` is each marker's
  offset in pixels.
- ``window.roundsLegend``: the legend control (crew colours, the pin and lock marks).
- ``window.roundsBridge``: a QWebChannel object; a marker click calls
  ``roundsBridge.markerClicked(key)`` when it exists, and always dispatches a DOM
  ``rounds-marker-clicked`` event with ``detail.key``.
"""

from __future__ import annotations

import json
from html import escape as html_escape
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from maps.assets import map_assets
from maps.model import MapData, MapMarker, MapPolyline, label_color
from routing.geo import LatLon

QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
#: Map background without tiles: a light, neutral paper colour.
NO_TILES_BACKGROUND = "#F2F1EC"

# Diameter (px) and border width (px) of a marker by tier; MUST is the biggest, darkest outline.
_TIER_STYLE: dict[str, tuple[int, int]] = {"MUST": (30, 3), "HIGH": (25, 2), "ROUTINE": (21, 1)}
# Caseload maps show hundreds of clients: small unlabelled dots, still sized by tier.
_CLIENT_SIZE: dict[str, int] = {"MUST": 14, "HIGH": 11, "ROUTINE": 9}


def map_payload(data: MapData) -> dict[str, Any]:
    """The JSON-able drawing instructions `roundsUpdate` takes (and the first draw uses)."""
    return {
        "title": data.title,
        "markers": [_marker_json(m) for m in data.markers],
        "polylines": [_polyline_json(p) for p in data.polylines],
        "outline": [[p.to_latlon() for p in ring] for ring in data.outline or ()],
        "legend": [{"label": label, "color": color} for label, color in data.legend],
    }


def payload_js(data: MapData | dict[str, Any]) -> str:
    """`map_payload` as a JavaScript literal that is safe inside a ``<script>`` element."""
    payload = map_payload(data) if isinstance(data, MapData) else data
    return (
        json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def build_map_html(
    data: MapData,
    *,
    tile_url: str | None = None,
    tile_attribution: str = "",
    qwebchannel: bool = False,
    inline_assets: bool = False,
) -> str:
    """The complete HTML page for `data`.

    Without `tile_url` the page references only local files (Leaflet and jQuery from their
    registry packages) and shows a neutral background with `data.outline`. With `tile_url`
    (e.g. an agency tile server) a tile layer is added and the page will fetch from that host.
    `qwebchannel=True` loads Qt's ``qwebchannel.js`` and connects ``window.roundsBridge``.
    `inline_assets=True` embeds Leaflet and jQuery in the page instead of linking the files:
    QtWebEngine does not load file:// scripts into a local page that may access remote URLs,
    which a page with tiles needs.
    """
    assets = map_assets()
    m = folium.Map(
        location=_center(data),
        zoom_start=11,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        attribution_control=tile_url is not None,
    )
    # Instance attributes, never the class lists: other maps must stay unaffected.
    m.default_js = [] if inline_assets else [*assets.js]
    m.default_css = [] if inline_assets else [*assets.css]
    root = m.get_root()
    assert isinstance(root, Figure)
    if inline_assets:
        inline = f"<style>{assets.inline_css()}</style><script>{assets.inline_js()}</script>"
        root.header.add_child(Element(inline), name="rounds_assets", index=0)
    if qwebchannel:
        m.default_js.append(("qwebchannel", QWEBCHANNEL_JS))
    if tile_url is not None:
        folium.TileLayer(
            tiles=tile_url,
            attr=tile_attribution or _host_of(tile_url),
            name="Base map",
            max_zoom=19,
        ).add_to(m)
    _RoundsLayer(data, background=None if tile_url else NO_TILES_BACKGROUND).add_to(m)
    if data.title:
        root.title = html_escape(data.title)
    html: str = root.render()
    return html


class _RoundsLayer(MacroElement):
    """Our style sheet and script, rendered after the map's own script."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.js }}
            roundsInit({{ this._parent.get_name() }}, {{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, data: MapData, *, background: str | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "RoundsLayer"
        self.payload = payload_js(data)
        self.js = _JS
        self.css = _CSS + (
            f".leaflet-container {{ background: {background}; }}" if background else ""
        )


def _marker_json(m: MapMarker) -> dict[str, Any]:
    diameter, border = _TIER_STYLE[m.tier]
    if m.kind == "client":
        diameter, border = _CLIENT_SIZE[m.tier], 1
    return {
        "key": m.key,
        "lat": m.position.lat,
        "lon": m.position.lon,
        "label": m.label,
        "group": m.group,
        "color": m.color,
        "text": label_color(m.color),
        "tier": m.tier,
        "kind": m.kind,
        "size": diameter,
        "border": border,
        "popup": m.popup_html,
        "tooltip": m.tooltip,
        "pinned": m.pinned,
        "locked": m.locked,
    }


def _polyline_json(p: MapPolyline) -> dict[str, Any]:
    return {
        "group": p.group,
        "color": p.color,
        "points": [q.to_latlon() for q in p.points],
        "tooltip": p.tooltip,
    }


def _center(data: MapData) -> list[float]:
    points: list[LatLon] = [m.position for m in data.markers]
    points += [q for p in data.polylines for q in p.points]
    if not points and data.outline:
        points = [q for ring in data.outline for q in ring]
    if not points:
        return [0.0, 0.0]
    return [
        (min(p.lat for p in points) + max(p.lat for p in points)) / 2,
        (min(p.lon for p in points) + max(p.lon for p in points)) / 2,
    ]


def _host_of(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0] or "tiles"


_CSS = """
.rounds-icon { background: none; border: none; }
.rounds-pin {
  box-sizing: border-box; width: 100%; height: 100%; border-radius: 50%;
  display: flex; align-items: center; justify-content: center;
  font: bold 12px/1 "DejaVu Sans", Arial, sans-serif; border-style: solid;
  box-shadow: 0 1px 3px rgba(0,0,0,0.45); transition: transform 0.15s;
}
.rounds-tier-MUST .rounds-pin { border-color: #111; font-size: 13px; }
.rounds-tier-HIGH .rounds-pin { border-color: #333; }
.rounds-tier-ROUTINE .rounds-pin { border-color: #fff; }
.rounds-kind-unassigned .rounds-pin { border-style: dashed; opacity: 0.9; }
.rounds-kind-base .rounds-pin { border-radius: 3px; border-color: #111; }
.rounds-kind-client .rounds-pin { border-color: #fff; box-shadow: 0 0 2px rgba(0,0,0,0.6); }
.rounds-highlight .rounds-pin {
  transform: scale(1.6); box-shadow: 0 0 0 3px #ffeb3b, 0 0 8px 3px rgba(0,0,0,0.6);
}
.rounds-popup { font: 11px/1.3 "DejaVu Sans", Arial, sans-serif; }
.rounds-popup table { border-collapse: collapse; margin-top: 3px; }
.rounds-popup th { text-align: left; padding-right: 6px; font-weight: normal; color: #555;
                   vertical-align: top; }
.rounds-popup td { max-width: 170px; overflow: hidden; text-overflow: ellipsis;
                   white-space: nowrap; }
.leaflet-popup-content { margin: 6px 10px; }
.rounds-badges { position: absolute; top: -6px; right: -8px; display: flex; gap: 1px; }
.rounds-badge { width: 12px; height: 12px; border-radius: 50%; background: #fff;
                box-shadow: 0 0 1px 1px rgba(0,0,0,0.5); display: flex;
                align-items: center; justify-content: center; }
.rounds-leader { pointer-events: none; }
.rounds-legend {
  background: rgba(255,255,255,0.92); padding: 4px 8px; border-radius: 4px;
  font: 11px/1.5 "DejaVu Sans", Arial, sans-serif; box-shadow: 0 1px 3px rgba(0,0,0,0.35);
  max-height: 45vh; overflow-y: auto;
}
.rounds-legend-row { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.rounds-swatch { width: 12px; height: 12px; border-radius: 50%; border: 1px solid #333; }
.rounds-title {
  background: rgba(255,255,255,0.85); padding: 3px 8px; border-radius: 4px;
  font: bold 13px "DejaVu Sans", Arial, sans-serif;
}
"""

# One code path draws the first time and on every update. Text from the payload is escaped
# before it reaches innerHTML; `popup` is trusted markup (built with maps.model.popup_html).
_JS = """
function roundsEscape(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
  });
}
var ROUNDS_Z = {"MUST": 3000, "HIGH": 2000, "ROUTINE": 1000};
// Pin and padlock as inline SVG: no font glyph that a machine may lack.
var ROUNDS_PIN_SVG = '<svg width="10" height="10" viewBox="0 0 10 10">' +
    '<line x1="5" y1="5" x2="5" y2="10" stroke="#222" stroke-width="1.4"/>' +
    '<circle cx="5" cy="3.6" r="3" fill="#c62828"/></svg>';
var ROUNDS_LOCK_SVG = '<svg width="10" height="10" viewBox="0 0 10 10">' +
    '<path d="M3 5V3.4a2 2 0 0 1 4 0V5" stroke="#37474f" stroke-width="1.4" fill="none"/>' +
    '<rect x="1.8" y="4.6" width="6.4" height="5" rx="1" fill="#37474f"/></svg>';
function roundsBadges(m) {
  if (!m.pinned && !m.locked) { return ""; }
  var pin = '<span class="rounds-badge rounds-badge-pin">' + ROUNDS_PIN_SVG + "</span>";
  var lock = '<span class="rounds-badge rounds-badge-lock">' + ROUNDS_LOCK_SVG + "</span>";
  return '<div class="rounds-badges">' + (m.pinned ? pin : "") + (m.locked ? lock : "") +
      "</div>";
}
function roundsIcon(m, dx, dy) {
  var style = "width:100%;height:100%;background:" + m.color + ";color:" + m.text +
      ";border-width:" + m.border + "px";
  return L.divIcon({
    className: "rounds-icon rounds-kind-" + m.kind + " rounds-tier-" + m.tier,
    html: '<div class="rounds-pin" style="' + style + '">' + roundsEscape(m.label) + "</div>" +
        roundsBadges(m),
    iconSize: [m.size, m.size],
    iconAnchor: [m.size / 2 - dx, m.size / 2 - dy],
    popupAnchor: [dx, dy - m.size / 2],
    tooltipAnchor: [dx + m.size / 2, dy]
  });
}
function roundsMakeMarker(m) {
  var icon = roundsIcon(m, 0, 0);
  var z = (ROUNDS_Z[m.tier] || 0) + (m.kind === "base" ? 4000 : 0) +
      (m.kind === "unassigned" ? -500 : 0);
  var layer = L.marker([m.lat, m.lon], {icon: icon, zIndexOffset: z, keyboard: true,
                                        title: "", alt: m.label});
  layer.roundsKey = m.key;
  layer.roundsZ = z;
  layer.roundsData = m;
  layer.roundsOffset = [0, 0];
  if (m.popup) { layer.bindPopup(m.popup, {maxWidth: 260, autoPanPadding: [10, 10]}); }
  if (m.tooltip) { layer.bindTooltip(roundsEscape(m.tooltip), {direction: "right"}); }
  layer.on("click", function () {
    if (window.roundsBridge && window.roundsBridge.markerClicked) {
      window.roundsBridge.markerClicked(m.key);
    }
    document.dispatchEvent(new CustomEvent("rounds-marker-clicked", {detail: {key: m.key}}));
  });
  return layer;
}
function roundsDraw(payload, fit) {
  var map = window.roundsMap;
  window.roundsHighlighted = null;
  window.roundsLayer.clearLayers();
  window.roundsOutline.clearLayers();
  window.roundsMarkers = {};
  window.roundsRoutes = [];
  (payload.outline || []).forEach(function (ring) {
    L.polygon(ring, {color: "#5f6b73", weight: 2, opacity: 0.8, fillColor: "#ffffff",
                     fillOpacity: 0.55, interactive: false, className: "rounds-outline"})
      .addTo(window.roundsOutline);
  });
  (payload.polylines || []).forEach(function (p) {
    var line = L.polyline(p.points, {color: p.color, weight: 4, opacity: 0.8,
                                     className: "rounds-route"});
    if (p.tooltip) { line.bindTooltip(roundsEscape(p.tooltip), {sticky: true}); }
    line.roundsGroup = p.group;
    line.addTo(window.roundsLayer);
    window.roundsRoutes.push(line);
  });
  (payload.markers || []).forEach(function (m) {
    var layer = roundsMakeMarker(m);
    layer.addTo(window.roundsLayer);
    window.roundsMarkers[m.key] = layer;
  });
  roundsShowLegend(payload.legend || [], payload.markers || []);
  if (window.roundsTitle) {
    window.roundsTitle.getContainer().textContent = payload.title || "";
    window.roundsTitle.getContainer().style.display = payload.title ? "" : "none";
  }
  if (fit) {
    var bounds = L.latLngBounds([]);
    window.roundsLayer.eachLayer(function (l) {
      bounds.extend(l.getLatLng ? l.getLatLng() : l.getBounds());
    });
    // The area's outline stays in view too: where the stops lie within the county.
    var outline = window.roundsOutline.getBounds();
    if (outline.isValid()) { bounds.extend(outline); }
    if (bounds.isValid()) {
      if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
        map.setView(bounds.getCenter(), 14);
      } else {
        map.fitBounds(bounds, {padding: [30, 30], maxZoom: 16});
      }
    }
  }
  roundsSpread();
  return Object.keys(window.roundsMarkers).length;
}
var ROUNDS_SPREAD_PX = 30;  // the largest (MUST) marker
// Same rule as maps.overlap.spread (see there): merge groups whose drawn markers overlap,
// draw a group of several on a circle around the mean of its true positions.
function roundsLayoutGroups(groups) {
  groups.forEach(function (g) {
    var n = g.items.length;
    var cx = 0, cy = 0;
    g.items.forEach(function (it) { cx += it.p.x / n; cy += it.p.y / n; });
    var radius = n > 1 ? ROUNDS_SPREAD_PX / (2 * Math.sin(Math.PI / n)) * 1.02 : 0;
    g.items.forEach(function (it, k) {
      if (n < 2) { it.shown = it.p; return; }
      var angle = -Math.PI / 2 + 2 * Math.PI * k / n;
      it.shown = L.point(cx + radius * Math.cos(angle), cy + radius * Math.sin(angle));
    });
  });
}
function roundsOverlapping(groups) {
  for (var a = 0; a < groups.length; a++) {
    for (var b = a + 1; b < groups.length; b++) {
      for (var i = 0; i < groups[a].items.length; i++) {
        for (var j = 0; j < groups[b].items.length; j++) {
          if (groups[a].items[i].shown.distanceTo(groups[b].items[j].shown) < ROUNDS_SPREAD_PX) {
            return [a, b];
          }
        }
      }
    }
  }
  return null;
}
function roundsSpread() {
  var map = window.roundsMap;
  window.roundsSpreadLayer.clearLayers();
  window.roundsOffsets = {};
  var groups = [];
  var fixed = [];
  Object.keys(window.roundsMarkers).sort().forEach(function (key) {
    var layer = window.roundsMarkers[key];
    var item = {layer: layer, p: map.latLngToLayerPoint(layer.getLatLng())};
    // Hundreds of caseload dots are left as they are: spreading is for numbered stops.
    (layer.roundsData.kind === "client" ? fixed : groups).push({items: [item]});
  });
  for (;;) {
    roundsLayoutGroups(groups);
    var pair = roundsOverlapping(groups);
    if (!pair) { break; }
    groups[pair[0]].items = groups[pair[0]].items.concat(groups[pair[1]].items);
    groups.splice(pair[1], 1);
  }
  roundsLayoutGroups(fixed);
  groups.concat(fixed).forEach(function (g) {
    g.items.forEach(function (item) {
      var dx = Math.round(item.shown.x - item.p.x), dy = Math.round(item.shown.y - item.p.y);
      var layer = item.layer;
      if (dx || dy) {
        var shown = map.layerPointToLatLng(item.shown);
        L.polyline([layer.getLatLng(), shown], {color: "#333", weight: 1, opacity: 0.7,
            interactive: false, className: "rounds-leader"}).addTo(window.roundsSpreadLayer);
        L.circleMarker(layer.getLatLng(), {radius: 2, color: "#333", weight: 1,
            fillOpacity: 1, interactive: false, className: "rounds-leader"})
          .addTo(window.roundsSpreadLayer);
      }
      window.roundsOffsets[layer.roundsKey] = [dx, dy];
      if (layer.roundsOffset[0] !== dx || layer.roundsOffset[1] !== dy) {
        layer.roundsOffset = [dx, dy];
        layer.setIcon(roundsIcon(layer.roundsData, dx, dy));
        if (window.roundsHighlighted === layer && layer._icon) {
          layer._icon.classList.add("rounds-highlight");
        }
      }
    });
  });
}
function roundsShowLegend(legend, markers) {
  var box = window.roundsLegend.getContainer();
  var rows = legend.map(function (e) {
    return '<div class="rounds-legend-row"><span class="rounds-swatch" style="background:' +
        roundsEscape(e.color) + '"></span>' + roundsEscape(e.label) + "</div>";
  });
  if (markers.some(function (m) { return m.pinned; })) {
    rows.push('<div class="rounds-legend-row">' + ROUNDS_PIN_SVG + "pinned to its crew</div>");
  }
  if (markers.some(function (m) { return m.locked; })) {
    rows.push('<div class="rounds-legend-row">' + ROUNDS_LOCK_SVG + "locked (done or fixed)</div>");
  }
  box.innerHTML = rows.join("");
  box.style.display = rows.length ? "" : "none";
}
function roundsUpdate(payload, fit) {
  if (typeof payload === "string") { payload = JSON.parse(payload); }
  return roundsDraw(payload, !!fit);
}
function roundsHighlight(key) {
  var old = window.roundsHighlighted;
  if (old && old._icon) {
    old._icon.classList.remove("rounds-highlight");
    old.setZIndexOffset(old.roundsZ);
  }
  window.roundsHighlighted = null;
  var layer = key ? window.roundsMarkers[key] : null;
  if (!layer) { window.roundsMap.closePopup(); return false; }
  window.roundsHighlighted = layer;
  layer.setZIndexOffset(10000);
  if (layer._icon) { layer._icon.classList.add("rounds-highlight"); }
  window.roundsMap.panTo(layer.getLatLng());
  if (layer.getPopup()) { layer.openPopup(); }
  return true;
}
function roundsInit(map, payload) {
  window.roundsMap = map;
  window.roundsOutline = L.featureGroup().addTo(map);
  window.roundsSpreadLayer = L.featureGroup().addTo(map);
  window.roundsLayer = L.featureGroup().addTo(map);
  var Legend = L.Control.extend({
    onAdd: function () { return L.DomUtil.create("div", "rounds-legend"); }
  });
  window.roundsLegend = new Legend({position: "bottomright"}).addTo(map);
  map.on("zoomend", roundsSpread);
  var Title = L.Control.extend({
    onAdd: function () { var d = L.DomUtil.create("div", "rounds-title"); return d; }
  });
  window.roundsTitle = new Title({position: "topright"}).addTo(map);
  roundsDraw(payload, true);
  if (typeof QWebChannel !== "undefined" && window.qt && qt.webChannelTransport) {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      window.roundsBridge = channel.objects.roundsBridge;
      window.roundsChannel = channel;  // other page objects (e.g. maps.pin_editor's)
      document.dispatchEvent(new CustomEvent("rounds-bridge-ready"));
    });
  }
  window.roundsReady = true;
}
"""
