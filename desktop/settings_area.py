"""The settings window's map area (on the Services tab): the program's map centre, and the area
outline (e.g. the county) drawn on maps without tiles, loaded from a GeoJSON file.

Both are program settings; with neither set, maps draw no outline and centre on their data.
"""

from __future__ import annotations

import dataclasses
import json

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from caseload.settings import ProgramSettings
from desktop.settings_fields import FieldProblem
from desktop.settings_widgets import ERROR_STYLE, HINT_STYLE, MnemonicForm, hint_label
from maps.errors import OutlineError
from maps.outline import load_outline, outline_geojson, parse_outline

OUTLINE_POINTS = 60  # enough to recognise a county; small enough for every map redraw


def parse_centre(text: str) -> tuple[float, float] | None:
    """'35.994, -78.899' -> (35.994, -78.899); empty -> None. ValueError if not a position."""
    if not text.strip():
        return None
    parts = text.replace(";", ",").split(",")
    if len(parts) != 2:
        raise ValueError("expected latitude, longitude")
    lat, lon = float(parts[0]), float(parts[1])
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError("latitude must be within -90..90 and longitude within -180..180")
    return lat, lon


def centre_problem(text: str) -> str | None:
    try:
        parse_centre(text)
    except ValueError as exc:
        return f"Map centre: {text.strip()!r} is not a position ({exc}); e.g. 35.994, -78.899."
    return None


class MapAreaFields:
    """The two rows, added to a settings form."""

    def __init__(self, form: MnemonicForm, parent: QWidget) -> None:
        self._parent = parent
        self._outline_text = ""
        self.centre_edit = QLineEdit()
        self.centre_edit.setPlaceholderText("empty: maps centre on what they show")
        form.row(
            "Map centre",
            self.centre_edit,
            hints=[
                "Latitude, longitude of the middle of your area, e.g. 35.994, -78.899: where "
                "an empty map looks, and where the OSRM Test asks for a drive."
            ],
        )
        self.outline_label = QLabel()
        self.load_button = QPushButton("Load GeoJSON…")
        self.load_button.setAutoDefault(False)
        self.clear_button = QPushButton("No outline")
        self.clear_button.setAutoDefault(False)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.outline_label, 1)
        row_layout.addWidget(self.load_button)
        row_layout.addWidget(self.clear_button)
        self.outline_status = hint_label("")
        self.outline_status.setVisible(False)
        form.row(
            "Area outline",
            row,
            self.load_button,
            hints=[
                self.outline_status,
                "Your county or service area, drawn under the stops on maps without map tiles "
                f"(a GeoJSON Polygon or MultiPolygon file, simplified to {OUTLINE_POINTS} points).",
            ],
        )
        self.load_button.clicked.connect(self._on_load_button_clicked)
        self.clear_button.clicked.connect(lambda: self.set_outline(""))

    def set_values(self, p: ProgramSettings) -> None:
        centre = p.map_centre
        self.centre_edit.setText("" if centre is None else f"{centre.lat:.6f}, {centre.lon:.6f}")
        self.set_outline(p.area_outline_geojson)

    def edited(self, base: ProgramSettings) -> ProgramSettings:
        lat, lon = base.map_centre_lat, base.map_centre_lon
        try:
            centre = parse_centre(self.centre_edit.text())
        except ValueError:  # reported by problems(); keep what was stored
            centre = None if lat is None or lon is None else (lat, lon)
        return dataclasses.replace(
            base,
            area_outline_geojson=self._outline_text,
            map_centre_lat=None if centre is None else centre[0],
            map_centre_lon=None if centre is None else centre[1],
        )

    def problems(self) -> list[FieldProblem]:
        problem = centre_problem(self.centre_edit.text())
        return [FieldProblem("map_centre", problem)] if problem else []

    def set_outline(self, text: str) -> None:
        self._outline_text = text
        try:
            points = sum(len(ring) for ring in parse_outline(text))
        except OutlineError:
            points = 0
        self.outline_label.setText(f"an outline of {points} points" if points else "none")
        self.clear_button.setEnabled(bool(text))
        self.outline_status.setVisible(False)

    def load_file(self, path: str) -> None:
        """Read, check and simplify the outline in `path`; a bad file leaves the old one."""
        try:
            rings = load_outline(path, max_points=OUTLINE_POINTS)
        except OutlineError as exc:
            self.outline_status.setStyleSheet(ERROR_STYLE)
            self.outline_status.setText(str(exc))
            self.outline_status.setVisible(True)
            return
        self.set_outline(json.dumps(outline_geojson(rings)))
        self.outline_status.setStyleSheet(HINT_STYLE)
        self.outline_status.setText(f"Loaded from {path}; press OK to save it.")
        self.outline_status.setVisible(True)

    def _on_load_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._parent, "Area outline", "", "GeoJSON (*.geojson *.json);;All files (*)"
        )
        if path:
            self.load_file(path)
