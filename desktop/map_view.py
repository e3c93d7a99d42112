"""The plan map: an offline Leaflet page (from `maps.plan_map`) in a QWebEngineView.

Links both ways with the rest of the window: `highlight(key)` when a row is selected, and
`marker_clicked(key)` when the user clicks a marker (over QWebChannel). After an edit,
`update_map(data)` redraws in place (no page reload, the user's pan and zoom stay).

Offline and private by default: the view has its own off-the-record profile (nothing is written
to disk but the page file in a private temp dir) with an `OfflineGuard` (`desktop.map_guard`)
that blocks every network request; with a tile URL configured, only that tile host is allowed.
"""

from __future__ import annotations

import atexit
import json
import logging
import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from caseload.private_files import create_private_file
from desktop.map_guard import OfflineGuard, tile_host_pattern
from maps.model import MapData
from maps.plan_map import build_map_html, payload_js

log = logging.getLogger(__name__)

_LOCAL_NAVIGATION_SCHEMES = frozenset({"file", "qrc", "data", "about"})
_BRIDGE_NAME = "roundsBridge"  # window.roundsBridge in maps.plan_map's script

# Views not yet deleted; disposed at interpreter exit (see PlanMapView.dispose).
_live_views: weakref.WeakSet[PlanMapView] = weakref.WeakSet()
_exit_hook: list[bool] = []


def _dispose_live_views() -> None:
    if QCoreApplication.instance() is None:
        return  # QtWebEngine is gone already; touching its objects now would crash
    for view in list(_live_views):
        if shiboken6.isValid(view):
            view.dispose()


class _MapBridge(QObject):
    """The object the page sees as `window.roundsBridge`."""

    clicked = Signal(str)

    @Slot(str)
    def markerClicked(self, key: str) -> None:
        self.clicked.emit(key)


class _MapPage(QWebEnginePage):
    """Stays on our local page (a link in a popup must not navigate the map away) and keeps
    JavaScript errors for logs and tests."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.js_errors: list[str] = []

    def acceptNavigationRequest(
        self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
    ) -> bool:
        scheme = QUrl(url).scheme().lower()
        if scheme in _LOCAL_NAVIGATION_SCHEMES:
            return True
        # Scheme and host only: a geo: link or a query may carry a client's position.
        log.info("Map: refused to navigate to a %s: link (%s)", scheme, QUrl(url).host())
        return False

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        lineNumber: int,
        sourceID: str,
    ) -> None:
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.js_errors.append(f"{sourceID}:{lineNumber}: {message}")
            log.warning("Map JavaScript error %s:%s: %s", sourceID, lineNumber, message)
        else:
            log.debug("Map console %s:%s: %s", sourceID, lineNumber, message)


def _qwebchannel_script() -> QWebEngineScript:
    """Qt's qwebchannel.js as a user script that runs before the page's own scripts.

    Injected rather than linked from ``qrc:///qtwebchannel/qwebchannel.js``: a local page that
    may reach a tile server (LocalContentCanAccessRemoteUrls) cannot load qrc/file scripts.
    """
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js resource is missing (PySide6 QtWebChannel)")
    try:
        code = bytes(source.readAll().data()).decode("utf-8")
    finally:
        source.close()
    script = QWebEngineScript()
    script.setName("qwebchannel.js")
    script.setSourceCode(code)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script


class PlanMapView(QWidget):
    """Shows a `MapData`; see the module docstring.

    Signals: `loaded(ok)` after each full load (ok: the map script is running), `updated(n)`
    after an in-place update with the number of markers now drawn, `marker_clicked(key)`.
    """

    loaded = Signal(bool)
    updated = Signal(int)
    marker_clicked = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        tile_url: str | None = None,
        tile_attribution: str = "",
    ) -> None:
        super().__init__(parent)
        self._tile_url = tile_url
        self._tile_attribution = tile_attribution
        self._data: MapData | None = None
        self._ready = False
        self._loading = False
        self._pending_update: MapData | None = None
        self._pending_highlight: str | None = None
        self._page_counter = 0
        self._page_file: Path | None = None
        self._tmpdir = Path(tempfile.mkdtemp(prefix="rounds-map-"))
        weakref.finalize(self, shutil.rmtree, str(self._tmpdir), True)

        self._view = QWebEngineView(self)
        # Own off-the-record profile. Keep Python references, and make sure the page is deleted
        # before the profile (env-notes: a collected or early-deleted profile segfaults): the page
        # becomes our child first, the profile after it, and Qt deletes children in that order.
        self._profile = QWebEngineProfile()
        self._guard = OfflineGuard(self._profile)
        self._profile.setUrlRequestInterceptor(self._guard)
        self._page = _MapPage(self._profile, self)
        self._profile.setParent(self)

        self._bridge = _MapBridge(self)
        self._bridge.clicked.connect(self.marker_clicked)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject(_BRIDGE_NAME, self._bridge)
        self._page.setWebChannel(self._channel)
        self._page.scripts().insert(_qwebchannel_script())
        self._page.loadFinished.connect(self._on_page_load_finished)
        self._view.setPage(self._page)
        self._apply_tile_settings()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        # Over the web view until the map has drawn: a first page takes a second or two, and a
        # blank panel looks broken.
        self.placeholder = QLabel("Drawing the map…", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setAutoFillBackground(True)
        self.placeholder.setStyleSheet("background: #F2F1EC; color: #5f6b73;")

        self._disposed = False
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.dispose)
        _live_views.add(self)
        if not _exit_hook:
            _exit_hook.append(True)
            atexit.register(_dispose_live_views)

    # --- public API ---------------------------------------------------------------------------

    @property
    def guard(self) -> OfflineGuard:
        return self._guard

    def page(self) -> QWebEnginePage:
        return self._page

    def web_view(self) -> QWebEngineView:
        return self._view

    def is_ready(self) -> bool:
        """True once a map page is loaded and its script runs (until the next full load)."""
        return self._ready

    def map_data(self) -> MapData | None:
        """What the map shows, or will show once loading ends."""
        return self._data

    def js_errors(self) -> list[str]:
        """JavaScript errors the page reported (console error level), oldest first."""
        return [] if self._disposed else list(self._page.js_errors)

    def dispose(self) -> None:
        """Delete the page, then its profile, and the page file, now (idempotent).

        Qt deletes them in that order anyway when this widget is deleted; this is for a widget
        still alive when the application ends (called on `aboutToQuit` and at interpreter exit):
        a page or profile outliving QtWebEngine crashes the process, and the page file holds
        client data. The view shows nothing afterwards and every method becomes a no-op.
        """
        if self._disposed:
            return
        self._disposed = True
        self._ready = False
        self._loading = False
        if shiboken6.isValid(self._page):
            self._page.loadFinished.disconnect(self._on_page_load_finished)
            shiboken6.delete(self._page)
        if shiboken6.isValid(self._profile):
            shiboken6.delete(self._profile)
        shutil.rmtree(self._tmpdir, ignore_errors=True)

    def set_tile_source(self, tile_url: str | None, attribution: str = "") -> None:
        """Switch base tiles on (an agency server) or off; reloads the current map."""
        self._tile_url = tile_url
        self._tile_attribution = attribution
        if self._disposed:
            return
        self._apply_tile_settings()
        if self._data is not None:
            self.show_map(self._data)

    def show_map(self, data: MapData) -> None:
        """Load a fresh page for `data` (fits the view to the data)."""
        self._data = data
        if self._disposed:
            return
        self._ready = False
        self._loading = True
        self._pending_update = None
        self.placeholder.setText("Drawing the map…")
        self.placeholder.show()
        self.placeholder.raise_()
        page_html = build_map_html(
            data,
            tile_url=self._tile_url,
            tile_attribution=self._tile_attribution,
            # qwebchannel.js is injected as a user script instead (see _qwebchannel_script).
            qwebchannel=False,
            # A local page allowed to reach the tile host cannot load file:// scripts.
            inline_assets=self._tile_url is not None,
        )
        self._page_counter += 1
        path = self._tmpdir / f"map-{self._page_counter}.html"
        create_private_file(path).write_text(page_html, encoding="utf-8")  # names: 0600
        previous, self._page_file = self._page_file, path
        if previous is not None:
            previous.unlink(missing_ok=True)
        self._view.load(QUrl.fromLocalFile(str(path)))

    def update_map(self, data: MapData, *, fit: bool = False) -> None:
        """Redraw markers and routes in place (keeps pan and zoom unless `fit`); loads the page
        first when there is none yet."""
        self._data = data
        if self._disposed:
            return
        if self._ready:
            self._run_js(
                f"roundsUpdate({payload_js(data)}, {json.dumps(fit)})", self._on_js_updated
            )
        elif self._loading:
            self._pending_update = data
        else:
            self.show_map(data)

    def register_page_object(self, name: str, obj: QObject) -> None:
        """Expose `obj` to the page as `window.roundsChannel.objects[name]` (e.g. the pin
        editor's bridge). Call before `show_map`: the page reads the objects when it loads."""
        self._channel.registerObject(name, obj)

    def run_script(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run JavaScript in the map page (no-op until a page is loaded or once disposed)."""
        if not self._disposed and self._ready:
            self._run_js(script, callback)

    def highlight(self, key: str | None) -> None:
        """Enlarge, bring forward, pan to and open the popup of marker `key` (None: clear)."""
        if self._disposed:
            return
        if self._ready:
            self._run_js(f"roundsHighlight({json.dumps(key or '')})")
        else:
            self._pending_highlight = key

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.placeholder.setGeometry(self.rect())

    # --- internals ----------------------------------------------------------------------------

    def _apply_tile_settings(self) -> None:
        pattern = tile_host_pattern(self._tile_url) if self._tile_url else None
        self._guard.set_allowed_hosts(pattern)
        self._page.settings().setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, pattern is not None
        )

    def _run_js(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        if callback is None:
            self._page.runJavaScript(script, 0)
        else:
            self._page.runJavaScript(script, 0, callback)

    @Slot(bool)
    def _on_page_load_finished(self, ok: bool) -> None:
        if not ok:
            self._loading = False
            self.placeholder.setText("The map could not be drawn (see the log).")
            log.warning("The map page failed to load")
            self.loaded.emit(False)
            return
        # loadFinished is True even when Leaflet failed to load: ask the page itself.
        self._run_js("window.roundsReady === true", self._on_ready_checked)

    def _on_ready_checked(self, result: Any) -> None:
        self._loading = False
        self._ready = result is True
        if not self._ready:
            self.placeholder.setText("The map could not be drawn (see the log).")
            log.warning("The map page loaded but its script is not running: %s", self.js_errors())
            self.loaded.emit(False)
            return
        self.placeholder.hide()
        if self._pending_update is not None:
            data, self._pending_update = self._pending_update, None
            self.update_map(data)
        if self._pending_highlight is not None:
            key, self._pending_highlight = self._pending_highlight, None
            self.highlight(key)
        self.loaded.emit(True)

    def _on_js_updated(self, result: Any) -> None:
        self.updated.emit(int(result) if isinstance(result, int | float) else -1)
