"""desktop.map_view.PlanMapView: the offline map in a QWebEngineView, checked through its DOM.

Each test looks at what the user would see (markers and routes in the page, the popup, the
highlight), not only at signals; the OfflineGuard proves no request left the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEngineSettings
from pytestqt.qtbot import QtBot

from desktop.map_guard import tile_host_pattern
from desktop.map_view import PlanMapView
from maps.model import MapData
from tests.maps.test_plan_map import small_plan

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MARKERS = "document.querySelectorAll('.leaflet-marker-pane > *').length"
ROUTES = "document.querySelectorAll('.leaflet-overlay-pane path.rounds-route').length"
OUTLINE = "document.querySelectorAll('.leaflet-overlay-pane path.rounds-outline').length"


def run_js(qtbot: QtBot, view: PlanMapView, script: str) -> Any:
    box: list[Any] = []
    view.page().runJavaScript(script, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def wait_js(qtbot: QtBot, view: PlanMapView, script: str, expected: Any) -> None:
    """Poll the page until `script` evaluates to `expected` (the DOM updates asynchronously)."""
    last: list[Any] = []

    def check() -> None:
        last[:] = [run_js(qtbot, view, script)]
        assert last[0] == expected

    try:
        qtbot.waitUntil(check, timeout=5000)
    except qtbot.TimeoutError:
        pytest.fail(f"{script} stayed {last[0] if last else '?'!r}, expected {expected!r}")


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[PlanMapView]:
    widget = PlanMapView()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    yield widget
    assert widget.js_errors() == []
    # Delete now, not at interpreter exit: the web page must go while QtWebEngine is alive.
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def grab_rendered(qtbot: QtBot, view: PlanMapView, name: str) -> QImage:
    """Save a screenshot to test-artifacts/`name` once the view has painted the map.

    env-notes: a grab() soon after loading may be blank; a large page takes longer still.
    """
    qtbot.wait(300)
    shot: list[QImage] = []

    def painted() -> None:
        image = view.grab().toImage()
        colors = {
            image.pixel(x, y)
            for x in range(0, image.width(), 15)
            for y in range(0, image.height(), 15)
        }
        shot[:] = [image]
        assert len(colors) > 5, "blank screenshot"

    qtbot.waitUntil(painted, timeout=10000)
    ARTIFACTS.mkdir(exist_ok=True)
    assert shot[0].save(str(ARTIFACTS / name))
    return shot[0]


def load(qtbot: QtBot, view: PlanMapView, data: MapData) -> None:
    with qtbot.waitSignal(view.loaded, timeout=20000) as blocker:
        view.show_map(data)
    assert blocker.args == [True]
    assert view.is_ready()


def test_map_shows_every_marker_route_and_the_outline(qtbot: QtBot, view: PlanMapView) -> None:
    data = small_plan(crews=3, stops_per_crew=4)
    load(qtbot, view, data)
    wait_js(qtbot, view, MARKERS, len(data.markers))
    wait_js(qtbot, view, ROUTES, len(data.polylines))
    wait_js(qtbot, view, OUTLINE, 1)
    assert run_js(qtbot, view, "Object.keys(window.roundsMarkers).sort().join()") == ",".join(
        sorted(m.key for m in data.markers)
    )
    # Stop numbers in route order, tier classes, unassigned and base styles are in the DOM.
    labels = run_js(
        qtbot,
        view,
        "Array.from(document.querySelectorAll("
        "'.rounds-kind-stop .rounds-pin')).map(e => e.textContent).join()",
    )
    assert labels == ",".join(m.label for m in data.markers if m.kind == "stop")
    must = sum(m.tier == "MUST" for m in data.markers)
    assert run_js(qtbot, view, "document.querySelectorAll('.rounds-tier-MUST').length") == must
    assert run_js(qtbot, view, "document.querySelectorAll('.rounds-kind-unassigned').length") == 1
    assert run_js(qtbot, view, "document.querySelectorAll('.rounds-kind-base').length") == 1
    assert view.guard.network_requests == []


def test_update_redraws_without_reloading_the_page(qtbot: QtBot, view: PlanMapView) -> None:
    load(qtbot, view, small_plan(crews=2, stops_per_crew=3))
    wait_js(qtbot, view, MARKERS, 2 * 3 + 2)
    run_js(qtbot, view, "window.sameDocument = 42")
    bigger = small_plan(crews=4, stops_per_crew=5)
    with qtbot.assertNotEmitted(view.loaded), qtbot.waitSignal(view.updated) as blocker:
        view.update_map(bigger)
    assert blocker.args == [len(bigger.markers)]
    wait_js(qtbot, view, MARKERS, 4 * 5 + 2)
    wait_js(qtbot, view, ROUTES, 4)
    assert run_js(qtbot, view, "window.sameDocument") == 42
    with qtbot.waitSignal(view.updated):
        view.update_map(MapData())
    wait_js(qtbot, view, MARKERS, 0)
    wait_js(qtbot, view, ROUTES, 0)
    assert view.guard.network_requests == []


def test_update_during_the_first_load_is_applied_once_loaded(
    qtbot: QtBot, view: PlanMapView
) -> None:
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.show_map(small_plan(crews=1, stops_per_crew=2))
        view.update_map(small_plan(crews=2, stops_per_crew=6))
        view.highlight("v1-5")
    wait_js(qtbot, view, MARKERS, 2 * 6 + 2)
    wait_js(qtbot, view, "document.querySelectorAll('.rounds-highlight').length", 1)


def test_highlight_marks_one_marker_and_opens_its_popup(qtbot: QtBot, view: PlanMapView) -> None:
    load(qtbot, view, small_plan())
    highlighted = (  # JS arrays do not come back as lists: compare JSON text
        "JSON.stringify(Array.from(document.querySelectorAll('.rounds-highlight'))"
        ".map(e => e === roundsMarkers['%s']._icon))"
    )
    view.highlight("v0-1")
    wait_js(qtbot, view, highlighted % "v0-1", "[true]")
    wait_js(
        qtbot, view, "document.querySelector('.leaflet-popup-content b').textContent", "Client 0-1"
    )
    view.highlight("v1-2")
    wait_js(qtbot, view, highlighted % "v1-2", "[true]")
    wait_js(
        qtbot, view, "document.querySelector('.leaflet-popup-content b').textContent", "Client 1-2"
    )
    view.highlight(None)
    wait_js(qtbot, view, "document.querySelectorAll('.rounds-highlight, .leaflet-popup').length", 0)


def test_marker_click_emits_marker_clicked(qtbot: QtBot, view: PlanMapView) -> None:
    load(qtbot, view, small_plan())
    wait_js(qtbot, view, "!!window.roundsBridge", True)
    with qtbot.waitSignal(view.marker_clicked) as blocker:
        view.page().runJavaScript("roundsMarkers['v1-2'].fire('click')", 0)
    assert blocker.args == ["v1-2"]


def test_a_real_mouse_click_on_a_marker_reaches_python(qtbot: QtBot, view: PlanMapView) -> None:
    """The same path as the user's click: a Qt mouse event on the view's focus proxy."""
    load(qtbot, view, small_plan())
    wait_js(qtbot, view, "!!window.roundsBridge", True)
    qtbot.wait(300)  # let fitBounds settle before reading the marker's position
    rect = "roundsMarkers['base-1']._icon.getBoundingClientRect()"
    x = run_js(qtbot, view, f"{rect}.x + {rect}.width / 2")
    y = run_js(qtbot, view, f"{rect}.y + {rect}.height / 2")
    target = view.web_view().focusProxy()
    assert target is not None
    with qtbot.waitSignal(view.marker_clicked, timeout=5000) as blocker:
        QTest.mouseClick(
            target,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            QPoint(round(x), round(y)),
        )
    assert blocker.args == ["base-1"]


def test_offline_guard_blocks_and_records_network_requests(qtbot: QtBot, view: PlanMapView) -> None:
    """Even if the page were allowed to reach remote URLs, nothing gets out."""
    load(qtbot, view, small_plan())
    assert view.guard.network_requests == []
    view.page().settings().setAttribute(
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True
    )

    def leak() -> None:
        # The new setting reaches the renderer asynchronously: try until a request is made.
        view.page().runJavaScript("fetch('https://example.org/leak?id=7').catch(() => 0)", 0)
        qtbot.wait(50)
        assert view.guard.blocked_requests

    qtbot.waitUntil(leak, timeout=10000)
    assert set(view.guard.blocked_requests) == {"https://example.org/leak?id=7"}
    assert view.guard.network_requests == view.guard.blocked_requests


class _TileHandler(BaseHTTPRequestHandler):
    # A 1x1 PNG: every tile is the same pixel.
    PNG = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408"
        "d763f8cfc0f00000030101009a9b6ed40000000049454e44ae426082"
    )

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.PNG)))
        self.end_headers()
        self.wfile.write(self.PNG)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def tile_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
    # A short poll interval: shutdown() waits up to one (0.5 s by default) in every teardown.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    server.shutdown()
    server.server_close()
    thread.join()


def test_configured_tile_server_is_the_only_host_allowed(
    qtbot: QtBot, view: PlanMapView, tile_server: str
) -> None:
    view.set_tile_source(tile_server, "Agency tiles")
    load(qtbot, view, small_plan())
    wait_js(qtbot, view, "document.querySelectorAll('img.leaflet-tile-loaded').length > 0", True)
    wait_js(qtbot, view, MARKERS, len(small_plan().markers))
    wait_js(qtbot, view, "!!window.roundsBridge", True)
    run_js(qtbot, view, "fetch('https://example.org/leak').catch(() => 0); 1")
    qtbot.waitUntil(lambda: len(view.guard.blocked_requests) == 1, timeout=5000)
    assert view.guard.blocked_requests == ["https://example.org/leak"]
    allowed = [u for u in view.guard.network_requests if u not in view.guard.blocked_requests]
    assert allowed and all(u.startswith(tile_server.split("{")[0]) for u in allowed)


@pytest.mark.parametrize(
    ("url", "host", "matches"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "a.tile.openstreetmap.org", True),
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "tile.openstreetmap.org", False),
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "evil.org", False),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "127.0.0.1", True),
        ("https://tiles.agency.gov/{z}/{x}/{y}.png", "tiles.agency.gov.evil.org", False),
    ],
)
def test_tile_host_pattern(url: str, host: str, matches: bool) -> None:
    assert (tile_host_pattern(url).fullmatch(host) is not None) is matches


def test_screenshot_shows_outline_numbered_stops_and_routes(
    qtbot: QtBot, view: PlanMapView
) -> None:
    """Saved for a person to look at: test-artifacts/map_view.png."""
    data = small_plan(crews=3, stops_per_crew=5)
    load(qtbot, view, data)
    wait_js(qtbot, view, MARKERS, len(data.markers))
    view.highlight("v2-3")
    wait_js(qtbot, view, "document.querySelectorAll('.rounds-highlight').length", 1)
    image = grab_rendered(qtbot, view, "map_view.png")
    assert image.width() == 900 and image.height() == 700


def test_dispose_releases_page_then_profile_and_makes_the_view_inert(qtbot: QtBot) -> None:
    widget = PlanMapView()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=20000):
        widget.show_map(small_plan())
    widget.dispose()
    widget.dispose()
    assert not widget.is_ready()
    widget.update_map(small_plan(crews=3))
    widget.highlight("v0-0")
    assert widget.js_errors() == []
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_caseload_map_of_2000_clients_in_their_clinicians_colours(
    qtbot: QtBot, view: PlanMapView
) -> None:
    """The supervisor's map (issue 6): many small client points, one colour per clinician."""
    import random

    from maps.model import MapMarker, group_colors
    from routing.geo import LatLon
    from tests.maps.outline_data import durham_outline

    rnd = random.Random(6)
    colors = group_colors(f"Clinician {i}" for i in range(20))
    clinicians = list(colors)
    markers = tuple(
        MapMarker(
            key=f"client-{i}",
            position=LatLon(35.87 + rnd.random() * 0.3, -79.0 + rnd.random() * 0.25),
            group=(c := clinicians[i % 20]),
            color=colors[c],
            tier=("MUST", "HIGH", "ROUTINE")[i % 3],
            kind="client",
            tooltip=f"Client {i} ({c})",
        )
        for i in range(2000)
    )
    load(qtbot, view, MapData(markers=markers, outline=durham_outline(), title="Caseloads"))
    wait_js(qtbot, view, MARKERS, 2000)
    wait_js(
        qtbot,
        view,
        "new Set(Array.from(document.querySelectorAll('.rounds-kind-client "
        ".rounds-pin')).map(e => e.style.backgroundColor)).size",
        20,
    )
    grab_rendered(qtbot, view, "map_view_caseloads.png")
    moved = MapData(markers=markers[:1500], outline=durham_outline())
    with qtbot.waitSignal(view.updated, timeout=10000) as blocker:
        view.update_map(moved)
    assert blocker.args == [1500]
    assert view.guard.network_requests == []
