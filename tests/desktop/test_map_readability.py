"""The plan map is readable: stops at one place are drawn apart (display offsets only: the
markers keep their true positions), a legend names each crew's colour and the pin and lock
marks, the county stays in view after a plan is fitted, and a stop's popup stays small."""

from __future__ import annotations

import json
from dataclasses import replace

from pytestqt.qtbot import QtBot

from desktop.map_view import PlanMapView
from maps.model import MapData, MapMarker, popup_html
from routing.geo import LatLon
from tests.desktop.test_map_view import (  # noqa: F401  (the `view` fixture)
    ARTIFACTS,
    MARKERS,
    grab_rendered,
    load,
    run_js,
    view,
    wait_js,
)
from tests.maps.test_plan_map import small_plan

SAME_PLACE = LatLon(35.9940, -78.8986)
ICON_CENTRES = (
    "JSON.stringify(Object.keys(window.roundsMarkers).sort().map(function (k) {"
    " var r = window.roundsMarkers[k]._icon.getBoundingClientRect();"
    " return [k, r.left + r.width / 2, r.top + r.height / 2]; }))"
)


def crowded_plan() -> MapData:
    """Medic 1's stops 2, 3, 5 and 6 at one address (an apartment block), as in the issue."""
    base = small_plan(crews=2, stops_per_crew=6)
    markers = [
        replace(m, position=SAME_PLACE, pinned=m.key == "v0-2", locked=m.key == "v0-5")
        if m.key in {"v0-1", "v0-2", "v0-4", "v0-5"}
        else m
        for m in base.markers
    ]
    return replace(
        base, markers=tuple(markers), legend=(("Medic 1", "#0072B2"), ("Medic 2", "#D55E00"))
    )


def test_stops_at_one_place_are_drawn_apart_at_their_true_positions(
    qtbot: QtBot,
    view: PlanMapView,  # noqa: F811
) -> None:
    data = crowded_plan()
    load(qtbot, view, data)
    wait_js(qtbot, view, MARKERS, len(data.markers))
    for zoom in (11, 14, 17):
        run_js(
            qtbot,
            view,
            f"window.roundsMap.setView([{SAME_PLACE.lat}, {SAME_PLACE.lon}], {zoom},"
            " {animate: false}); 1",
        )
        qtbot.wait(50)
        centres = {k: (x, y) for k, x, y in json.loads(run_js(qtbot, view, ICON_CENTRES))}
        crowded = [centres[k] for k in ("v0-1", "v0-2", "v0-4", "v0-5")]
        for i, a in enumerate(crowded):
            for b in crowded[i + 1 :]:
                gap = ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                assert gap >= 28, f"two stops at one place overlap at zoom {zoom} ({gap:.0f} px)"
    # Only the drawing moved: every marker still sits at the position it was given.
    positions = json.loads(
        run_js(
            qtbot,
            view,
            "JSON.stringify(Object.keys(window.roundsMarkers).map(function (k) {"
            " var p = window.roundsMarkers[k].getLatLng(); return [k, p.lat, p.lng]; }))",
        )
    )
    given = {m.key: (m.position.lat, m.position.lon) for m in data.markers}
    assert {k: (lat, lon) for k, lat, lon in positions} == given
    assert run_js(qtbot, view, "document.querySelectorAll('path.rounds-leader').length") > 0


def test_legend_names_each_crew_colour_and_the_marks(qtbot: QtBot, view: PlanMapView) -> None:  # noqa: F811
    load(qtbot, view, crowded_plan())
    legend = run_js(qtbot, view, "document.querySelector('.rounds-legend').innerText")
    assert "Medic 1" in legend and "Medic 2" in legend
    assert "pinned" in legend and "locked" in legend
    swatches = run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll('.rounds-swatch'))"
        ".map(function (e) { return e.style.background; }).join(';')",
    )
    assert swatches == "rgb(0, 114, 178);rgb(213, 94, 0)"
    # The marks are on the markers themselves, as drawn shapes (no font glyph to go missing).
    assert run_js(qtbot, view, "document.querySelectorAll('.rounds-badge-pin svg').length") == 1
    assert run_js(qtbot, view, "document.querySelectorAll('.rounds-badge-lock svg').length") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    grab_rendered(qtbot, view, "map-crowded-legend.png")


def test_the_county_stays_in_view_after_fitting_a_plan(qtbot: QtBot, view: PlanMapView) -> None:  # noqa: F811
    data = small_plan(crews=1, stops_per_crew=2)  # two stops in one corner of the county
    load(qtbot, view, MapData(outline=data.outline))
    view.update_map(data, fit=True)
    wait_js(qtbot, view, MARKERS, len(data.markers))
    qtbot.wait(400)  # the zoom animation
    inside = "window.roundsMap.getBounds().pad(0.02).contains(window.roundsOutline.getBounds())"
    assert run_js(qtbot, view, inside) is True


def test_a_highlighted_stops_popup_stays_small(qtbot: QtBot, view: PlanMapView) -> None:  # noqa: F811
    long_reason = "Non-fatal overdose 20 h ago — first contact due within 72 h (51 h left) " * 3
    data = small_plan(crews=2, stops_per_crew=3)
    markers = tuple(
        replace(
            m,
            popup_html=popup_html(
                "1. A client with a rather long name",
                [
                    ("Crew", "Medic 1"),
                    ("ETA", "09:30"),
                    ("Purpose", "Overdose follow-up"),
                    ("Where", "1234 Long Street Name Apartment 56, Durham"),
                    ("Why", long_reason),
                ],
            ),
        )
        if m.key == "v0-0"
        else m
        for m in data.markers
    )
    load(qtbot, view, replace(data, markers=markers))
    view.highlight("v0-0")
    wait_js(qtbot, view, "document.querySelectorAll('.leaflet-popup').length", 1)
    area = run_js(
        qtbot,
        view,
        "(function () { var p = document.querySelector('.leaflet-popup').getBoundingClientRect();"
        " var m = document.querySelector('.leaflet-container').getBoundingClientRect();"
        " return p.width * p.height / (m.width * m.height); })()",
    )
    assert area < 0.12, f"the popup covers {area:.0%} of the map"


def test_markers_carry_pin_and_lock_flags_into_the_payload() -> None:
    from maps.plan_map import map_payload

    marker = MapMarker("k", SAME_PLACE, pinned=True, locked=False)
    payload = map_payload(MapData(markers=(marker,), legend=(("Medic 1", "#0072B2"),)))
    assert payload["markers"][0]["pinned"] is True and payload["markers"][0]["locked"] is False
    assert payload["legend"] == [{"label": "Medic 1", "color": "#0072B2"}]


def test_a_placeholder_shows_until_the_map_has_drawn(qtbot: QtBot) -> None:
    widget = PlanMapView()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=20_000):
        widget.show_map(small_plan())
        assert widget.placeholder.isVisible() and "map" in widget.placeholder.text()
        assert widget.placeholder.geometry() == widget.rect()
    assert not widget.placeholder.isVisible()
    widget.dispose()
