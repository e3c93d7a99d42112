"""Locations to check: clients with no location, only a ZIP centre, or moved more than 500 m
since the import; pick one, then click the map (or drag the pin) to place them, type their
coordinates, accept the approximate location, or find the address again. Undo with Ctrl+Z.
"Shared places…" opens the list of shelters, camps and day centres (`desktop.shared_places_dialog`).

Once placed, a client drops off the list and is planned like any other (the editor keeps
showing them, so the change can still be undone).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseload.enums import GeocodeQuality
from caseload.locations import ClientLocation, locations_to_check
from desktop.context import AppContext
from desktop.location_editor import ClientLocationEditor
from desktop.locations_model import CLIENT_ID_ROLE, LocationsTableModel
from desktop.map_view import PlanMapView
from desktop.pin_editor import MapPinEditor
from desktop.tasks import ProgressFn, TaskRunner
from maps.model import MapData, MapMarker, popup_html

_MARKER_COLORS = {
    GeocodeQuality.ZIP: "#E69F00",
    GeocodeQuality.MANUAL: "#009E73",
}


def locations_map_data(rows: list[ClientLocation], context: AppContext) -> MapData:
    """The listed clients that have a point (ZIP centres, moved ones), keyed `client:<id>`."""
    markers = tuple(
        MapMarker(
            key=f"client:{row.client_id}",
            position=row.location.point,
            color=_MARKER_COLORS.get(row.location.quality, "#0072B2"),
            popup_html=popup_html(
                f"{row.external_id} {row.name}",
                [("Address", row.address or "—"), ("Check", row.check_reason)],
            ),
            tooltip=f"{row.name}: {row.location.quality.value}",
            kind="client",
        )
        for row in rows
        if row.location.point is not None
    )
    return MapData(markers=markers, outline=context.program.outline(), title="Locations to check")


class LocationsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.model = LocationsTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for column, width in enumerate((160, 210, 80)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel()
        self.refresh_button = QPushButton("&Refresh")
        self.places_button = QPushButton("Shared &places…")
        self.places_button.setToolTip(
            "Shelters, camps and day centres where unsheltered clients are found: add, edit, "
            "opening hours"
        )
        self.editor = ClientLocationEditor(context, undo_shortcut=False)
        self.map = PlanMapView(
            tile_url=context.program.tile_url or None,
            tile_attribution=context.program.tile_attribution,
        )
        self.pins = MapPinEditor(self.map)  # before the first show_map
        hint = QLabel(
            "Select a client, then click the map where they are (or drag the pin). "
            "Each placement is saved at once; Ctrl+Z undoes it."
        )
        hint.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.places_button)
        top.addWidget(self.refresh_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 3)
        left_layout.addWidget(self.editor, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(hint)
        right_layout.addWidget(self.map, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([620, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.refresh_button.clicked.connect(self.refresh)
        self.places_button.clicked.connect(self.open_shared_places)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.editor.location_loaded.connect(self._on_editor_location_loaded)
        self.editor.location_changed.connect(self._on_editor_location_changed)
        self.pins.pin_moved.connect(self.editor.save_coordinates)
        # Ctrl+Z right after placing a pin (focus is on the map then) undoes the placement.
        undo_shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo_shortcut.activated.connect(self.editor.undo)
        self.map.marker_clicked.connect(self._on_map_marker_clicked)
        self._fitted = False

    def refresh(self) -> None:
        ctx = self.context

        def load(_p: ProgressFn, _c: object) -> list[ClientLocation]:
            return locations_to_check(ctx.db, ctx.actor)

        self.tasks.run(load, self._on_rows_loaded)

    def open_shared_places(self) -> None:
        from desktop.shared_places_dialog import SharedPlacesDialog

        dialog = SharedPlacesDialog(self.context, self)
        dialog.saved.connect(lambda _id: self.refresh())  # linked clients may have moved
        dialog.open()

    def select_client(self, client_id: int) -> None:
        row = self.model.row_of(client_id)
        if row is not None:
            self.table.selectRow(row)
        else:
            self.editor.set_client(client_id)

    def _on_rows_loaded(self, rows: list[ClientLocation]) -> None:
        chosen = self.editor.current.client_id if self.editor.current is not None else None
        self.model.set_rows(rows)
        none = sum(1 for r in rows if r.location.point is None)
        self.summary.setText(
            f"{len(rows)} location{'' if len(rows) == 1 else 's'} to check"
            + (f" ({none} with none: not planned)" if none else "")
            if rows
            else "No locations to check."
        )
        self.map.update_map(locations_map_data(rows, self.context), fit=not self._fitted)
        self._fitted = True
        if chosen is not None and (row := self.model.row_of(chosen)) is not None:
            self.table.blockSignals(True)
            self.table.selectRow(row)
            self.table.blockSignals(False)

    def _on_table_selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return
        client_id = indexes[0].data(CLIENT_ID_ROLE)
        if isinstance(client_id, int):
            self.editor.set_client(client_id)

    def _on_editor_location_loaded(self, location: ClientLocation) -> None:
        point = location.location.point
        self.pins.edit(
            None if point is None else point.lat,
            None if point is None else point.lon,
            location.name,
        )

    def _on_editor_location_changed(self, _client_id: int) -> None:
        self.refresh()

    def _on_map_marker_clicked(self, key: str) -> None:
        if key.startswith("client:"):
            self.select_client(int(key.removeprefix("client:")))
