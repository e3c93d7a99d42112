"""Placing a client on the map: a draggable pin on a `PlanMapView` (script: `maps.pin_editor`).

A separate piece beside the map view: it registers its own page object and script, so the
map's markers and legend can change without it. `pin_moved(lat, lon)` fires when the user
drops the pin or clicks the map; saving is the owner's job (`desktop.location_editor`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from desktop.map_view import PlanMapView
from maps.pin_editor import BRIDGE_NAME, PIN_EDITOR_JS, STOP_CALL, edit_call


class _PinBridge(QObject):
    """`window.roundsChannel.objects.roundsPinBridge` in the page."""

    moved = Signal(float, float)

    @Slot(float, float)
    def pinMoved(self, lat: float, lon: float) -> None:
        self.moved.emit(lat, lon)


class MapPinEditor(QObject):
    """Edits one location at a time on `view`. Create it before the view's first `show_map`."""

    pin_moved = Signal(float, float)

    def __init__(self, view: PlanMapView) -> None:
        super().__init__(view)
        self._view = view
        self._bridge = _PinBridge(self)
        self._bridge.moved.connect(self.pin_moved)
        view.register_page_object(BRIDGE_NAME, self._bridge)
        view.loaded.connect(self._on_view_loaded)
        self._editing: tuple[float | None, float | None, str] | None = None

    def edit(self, lat: float | None, lon: float | None, label: str) -> None:
        """Show the pin at lat/lon (None: the user's next click on the map places it)."""
        self._editing = (lat, lon, label)
        self._view.run_script(PIN_EDITOR_JS)
        self._view.run_script(edit_call(lat, lon, label))

    def stop(self) -> None:
        self._editing = None
        self._view.run_script(f"window.roundsPinStop && {STOP_CALL}")

    @Slot(bool)
    def _on_view_loaded(self, ok: bool) -> None:
        # A fresh page has neither the script nor the pin: put back what was being edited.
        if ok and self._editing is not None:
            self.edit(*self._editing)
