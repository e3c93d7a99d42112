"""The pin editor's script for the plan map page (`maps.plan_map`): place a client's location
by clicking the map or dragging the pin. Kept apart from the map's own script so the map can
change without touching it; it only needs ``window.roundsMap`` and ``window.roundsChannel``.

- ``roundsPinEdit(lat, lon, label)``: show a draggable pin at lat/lon (``null``: none yet; the
  next click on the map places it) and pan to it; clicks on the map move it.
- ``roundsPinStop()``: remove the pin and stop listening to clicks.
- Every drop or click reports the point to ``roundsChannel.objects.roundsPinBridge.pinMoved``
  and dispatches a ``rounds-pin-moved`` DOM event (for tests and other listeners).

The pin is an HTML icon (no image files: the page is offline).
"""

from __future__ import annotations

import json

BRIDGE_NAME = "roundsPinBridge"

PIN_EDITOR_JS = """
(function () {
  if (window.roundsPinEdit) { return; }
  var pinIcon = L.divIcon({
    className: "rounds-pin",
    html: "<div style='width:22px;height:22px;border-radius:50% 50% 50% 0;"
      + "background:#D55E00;border:2px solid #fff;box-shadow:0 0 3px #000;"
      + "transform:rotate(-45deg)'></div>",
    iconSize: [22, 22],
    iconAnchor: [11, 26]
  });
  window.roundsPin = null;
  function report(lat, lon) {
    var channel = window.roundsChannel;
    var bridge = channel && channel.objects["@BRIDGE@"];
    if (bridge && bridge.pinMoved) { bridge.pinMoved(lat, lon); }
    document.dispatchEvent(new CustomEvent("rounds-pin-moved", {detail: {lat: lat, lon: lon}}));
  }
  function place(lat, lon) {
    if (!window.roundsPin) {
      window.roundsPin = L.marker([lat, lon], {
        draggable: true, icon: pinIcon, title: window.roundsPinLabel || "", zIndexOffset: 1000
      }).addTo(window.roundsMap);
      window.roundsPin.on("dragend", function (e) {
        var p = e.target.getLatLng();
        report(p.lat, p.lng);
      });
    } else {
      window.roundsPin.setLatLng([lat, lon]);
    }
  }
  function clicked(e) {
    place(e.latlng.lat, e.latlng.lng);
    report(e.latlng.lat, e.latlng.lng);
  }
  window.roundsPinStop = function () {
    if (window.roundsPin) { window.roundsMap.removeLayer(window.roundsPin); }
    window.roundsPin = null;
    window.roundsMap.off("click", clicked);
    window.roundsMap.getContainer().style.cursor = "";
    return true;
  };
  window.roundsPinEdit = function (lat, lon, label) {
    window.roundsPinStop();
    window.roundsPinLabel = label || "";
    if (lat !== null && lon !== null) {
      place(lat, lon);
      window.roundsMap.setView([lat, lon], Math.max(window.roundsMap.getZoom(), 15));
    }
    window.roundsMap.on("click", clicked);
    window.roundsMap.getContainer().style.cursor = "crosshair";
    return true;
  };
})();
""".replace("@BRIDGE@", BRIDGE_NAME)


def edit_call(lat: float | None, lon: float | None, label: str) -> str:
    """The script that starts editing at lat/lon (None: no pin until the user clicks)."""
    return f"roundsPinEdit({json.dumps(lat)}, {json.dumps(lon)}, {json.dumps(label)})"


STOP_CALL = "roundsPinStop()"
