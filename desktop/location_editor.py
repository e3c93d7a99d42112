"""Setting one client's location: what we know (quality, what the address matched, who placed
it and when), typed coordinates, "Find address again", "Accept approximate location", and Undo
(Ctrl+Z). Used in the client panel's Location tab and beside the map on Locations to check
(where the map's pin calls `save_coordinates`). All database work runs off the UI thread.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseload.enums import GeocodeQuality
from caseload.errors import UserError
from caseload.locations import (
    ClientLocation,
    LocationChange,
    accept_approximate_location,
    client_location,
    locate_from_address,
    set_client_location,
    undo_location_change,
)
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner

QUALITY_TEXT = {
    GeocodeQuality.EXACT: "Exact: the house itself",
    GeocodeQuality.INTERPOLATED: "Interpolated between the nearest house numbers",
    GeocodeQuality.STREET: "Misspelt street matched by house number and ZIP or city",
    GeocodeQuality.ZIP: "Approximate: the centre of its ZIP code",
    GeocodeQuality.MANUAL: "Placed by hand",
    GeocodeQuality.NONE: "No location",
}

_COORDINATES = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*")


def parse_coordinates(text: str) -> tuple[float, float]:
    """'35.994, -78.899' (latitude first, as maps show them) -> (35.994, -78.899)."""
    match = _COORDINATES.fullmatch(text)
    if match is None:
        raise UserError(
            f"coordinates {text.strip()!r} are not readable; expected latitude, longitude in "
            "decimal degrees, e.g. 35.994, -78.899"
        )
    return float(match.group(1)), float(match.group(2))


class ClientLocationEditor(QWidget):
    """See the module docstring. `location_changed(client_id)` after each save or undo;
    `location_loaded(ClientLocation)` whenever the shown location is (re)read."""

    location_changed = Signal(int)
    location_loaded = Signal(object)

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, undo_shortcut: bool = True
    ) -> None:
        """`undo_shortcut=False` when the owner binds Ctrl+Z to `undo` over a larger area."""
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self._saving = False  # a change or an undo is being written
        self.current: ClientLocation | None = None
        self._client_id: int | None = None
        self._undo: list[LocationChange] = []

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.quality = QLabel()
        self.quality.setWordWrap(True)
        self.matched = QLabel()
        self.matched.setWordWrap(True)
        self.placed = QLabel()
        self.check = QLabel()
        self.check.setWordWrap(True)
        self.check.setStyleSheet("color: #8a4b00")
        self.coordinates = QLineEdit()
        self.coordinates.setPlaceholderText("latitude, longitude  e.g. 35.994, -78.899")
        self.coordinates.setToolTip(
            "Type the coordinates (from a phone's map, or a crew's note) and press Enter"
        )
        self.set_button = QPushButton("&Set coordinates")
        self.find_button = QPushButton("&Find address again")
        self.find_button.setToolTip(
            "Look the client's address up again in the address table (e.g. after loading a "
            "new one); replaces the current location"
        )
        self.accept_button = QPushButton("&Accept approximate location")
        self.accept_button.setToolTip(
            "Plan this client at the centre of the ZIP code; the route sheet says to call ahead"
        )
        self.undo_button = QPushButton("&Undo location change")

        form = QFormLayout()
        form.addRow("Quality", self.quality)
        form.addRow("Matched", self.matched)
        form.addRow("Placed", self.placed)
        coordinates_row = QHBoxLayout()
        coordinates_row.addWidget(self.coordinates, 1)
        coordinates_row.addWidget(self.set_button)
        coordinates_label = QLabel("C&oordinates")
        coordinates_label.setBuddy(self.coordinates)  # Alt+O goes to the field
        form.addRow(coordinates_label, coordinates_row)
        # Two rows, so the panel stays narrow beside the caseload at 1366 px.
        buttons = QGridLayout()
        buttons.addWidget(self.find_button, 0, 0)
        buttons.addWidget(self.undo_button, 0, 1)
        buttons.addWidget(self.accept_button, 1, 0, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.check)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.coordinates.returnPressed.connect(self._on_set_button_clicked)
        self.set_button.clicked.connect(self._on_set_button_clicked)
        self.find_button.clicked.connect(self._on_find_button_clicked)
        self.accept_button.clicked.connect(self._on_accept_button_clicked)
        self.undo_button.clicked.connect(self.undo)
        if undo_shortcut:
            shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
            # Only while focus is in the editor: the Plan page has its own Undo.
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.undo)
        self._show(None)

    # --- public API ---------------------------------------------------------------------------

    def set_client(self, client_id: int | None) -> None:
        """Show (and edit) this client's location; None shows nothing."""
        self._client_id = client_id
        if client_id is None:
            self._show(None)
            return
        self._reload()

    def save_coordinates(self, lat: float, lon: float) -> None:
        """Store lat/lon as the client's location (quality manual, who and when)."""
        client_id = self._client_id
        if client_id is None:
            return
        ctx = self.context
        self._run_change(lambda: set_client_location(ctx.db, ctx.actor, client_id, lat, lon))

    def undo(self) -> None:
        # While a change is being saved, the newest change is not on the undo list yet: undoing
        # now would undo the one before it (and be refused as "changed again").
        if not self._undo or self._saving:
            return
        self._saving = True
        change = self._undo.pop()
        ctx = self.context

        def run(_p: ProgressFn, _c: object) -> int:
            undo_location_change(ctx.db, ctx.actor, change)
            return change.client_id

        self._set_busy(True)
        self.tasks.run(run, self._on_changed, on_failed=self._on_failed)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) and not self._saving

    # --- internals ----------------------------------------------------------------------------

    def _reload(self) -> None:
        client_id = self._client_id
        if client_id is None:
            return
        ctx = self.context

        def load(_p: ProgressFn, _c: object) -> ClientLocation:
            return client_location(ctx.db, client_id, ctx.actor)

        self.tasks.run(load, self._on_loaded)

    def _on_loaded(self, location: ClientLocation) -> None:
        if location.client_id != self._client_id:
            return  # another client was chosen meanwhile
        self._show(location)
        self.location_loaded.emit(location)

    def _show(self, location: ClientLocation | None) -> None:
        self.current = location
        has_client = location is not None
        for widget in (self.coordinates, self.set_button, self.find_button):
            widget.setEnabled(has_client)
        self.undo_button.setEnabled(bool(self._undo))
        if location is None:
            self.title.setText("<i>Select a client to see and set their location.</i>")
            for label in (self.quality, self.matched, self.placed, self.check):
                label.clear()
            self.coordinates.clear()
            self.accept_button.setEnabled(False)
            return
        where = location.location
        self.title.setText(
            f"<b>{_escape(location.name)}</b> · {_escape(location.address or 'no address')}"
        )
        text = QUALITY_TEXT[where.quality]
        if where.quality is GeocodeQuality.ZIP and where.approximate_accepted:
            text += " (accepted: call ahead)"
        self.quality.setText(text)
        self.matched.setText(where.match or "—")
        when = where.located_at
        self.placed.setText(
            f"by {where.located_by} on {when.astimezone(self.context.program.zone):%d %b %Y %H:%M}"
            if where.located_by and when is not None
            else "—"
        )
        self.check.setText(location.check_reason)
        self.check.setVisible(bool(location.check_reason))
        self.coordinates.setText(
            "" if where.lat is None or where.lon is None else f"{where.lat:.6f}, {where.lon:.6f}"
        )
        self.accept_button.setEnabled(
            where.quality is GeocodeQuality.ZIP and not where.approximate_accepted
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.set_button, self.find_button, self.accept_button, self.undo_button):
            widget.setEnabled(not busy)

    def _run_change(self, change: Callable[[], LocationChange | None]) -> None:
        def run(_p: ProgressFn, _c: object) -> LocationChange | None:
            return change()

        def done(result: LocationChange | None) -> None:
            self._saving = False
            if result is not None:
                self._undo.append(result)
                self._on_changed(result.client_id)
            else:
                self._reload()

        self._saving = True
        self._set_busy(True)
        self.tasks.run(run, done, on_failed=self._on_failed)

    def _on_changed(self, client_id: int) -> None:
        self._saving = False
        self._reload()
        self.location_changed.emit(client_id)

    def _on_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._reload()
        show_error(self, exc)

    def _on_set_button_clicked(self) -> None:
        try:
            lat, lon = parse_coordinates(self.coordinates.text())
        except UserError as exc:
            self._on_failed(exc)
            return
        self.save_coordinates(lat, lon)

    def _on_find_button_clicked(self) -> None:
        client_id = self._client_id
        if client_id is None:
            return
        ctx = self.context

        def find() -> LocationChange | None:
            _found, change = locate_from_address(ctx.db, ctx.actor, client_id)
            if change is None:
                raise UserError(
                    "the address was not found in the address table (nor by the agency's "
                    "geocoder, if one is set up); place the pin on the map or type coordinates"
                )
            return change

        self._run_change(find)

    def _on_accept_button_clicked(self) -> None:
        client_id = self._client_id
        if client_id is None:
            return
        ctx = self.context
        self._run_change(lambda: accept_approximate_location(ctx.db, ctx.actor, client_id))


def _escape(text: str) -> str:
    return html.escape(text)
