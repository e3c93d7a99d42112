"""The settings window's three tabs of `ProgramSettings`: Program, Services and Travel times.

Each tab shows its share of the fields (`set_values`) and puts what the user typed back into a
`ProgramSettings` (`edited`); the live examples under the navigation link and the travel knobs
are kept up to date here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from caseload.settings import ProgramSettings
from desktop.settings_area import MapAreaFields
from desktop.settings_fields import PAPER_SIZES, travel_example
from desktop.settings_widgets import (
    ERROR_STYLE,
    HINT_STYLE,
    OK_STYLE,
    MnemonicForm,
    double_box,
    hint_label,
    set_float,
    spin_box,
)
from routing.geo import LatLon


class ProgramTab(QWidget):
    """Name, time zone, paper, privacy, navigation link, visit length, planning time limit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._example_point: LatLon | None = None
        form = MnemonicForm(self)
        self.name_edit = QLineEdit()
        form.row("Program name", self.name_edit, hints=["Printed at the top of every route sheet."])
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_combo.setMaxVisibleItems(20)
        form.row(
            "Time zone",
            self.zone_combo,
            hints=["Decides what “today” is and the times on plans and sheets. Type to search."],
        )
        self.paper_combo = QComboBox()
        self.paper_combo.addItems(PAPER_SIZES)
        form.row("Paper size", self.paper_combo)
        self.phi_check = QCheckBox("Print PHI-minimised route sheets by default")
        form.row(
            "Privacy",
            self.phi_check,
            hints=[
                "PHI-minimised sheets show initials instead of names and leave out phone numbers "
                "and ages; locations and safety notes stay. Use them for paper that leaves the "
                "building. You can still choose for each print."
            ],
        )
        self.nav_edit = QLineEdit()
        self.nav_edit.setPlaceholderText("geo:{lat},{lon}")
        self.nav_example = hint_label("")
        form.row(
            "Navigation link",
            self.nav_edit,
            hints=[
                "The link behind each stop's QR code; {lat} and {lon} are filled in. "
                "geo:{lat},{lon} opens the phone's own map app and sends nothing anywhere; "
                "a maps web address (e.g. https://www.google.com/maps/search/?api=1&query="
                "{lat},{lon}) opens a browser and sends the location to that website.",
                self.nav_example,
            ],
        )
        self.nav_edit.textChanged.connect(self._on_nav_edit_text_changed)
        self.visit_minutes = spin_box(5, 480, " min", 5)
        form.row(
            "Default visit length",
            self.visit_minutes,
            hints=["Used for visits whose program does not set a length."],
        )
        self.approximate_check = QCheckBox("Plan visits at approximate (ZIP centre) locations")
        form.row(
            "Approximate locations",
            self.approximate_check,
            hints=[
                "Off: a client placed only at the centre of their ZIP code is not planned until "
                "someone accepts it or places the pin (Locations to check). On: they are "
                "planned, and the route sheet says “approximate location — call ahead”."
            ],
        )
        self.time_limit = double_box(1.0, 600.0, 0, 5.0, " s")
        form.row(
            "Planning time limit",
            self.time_limit,
            hints=[
                "How long “Plan” searches for a better day plan. Longer can find better routes."
            ],
        )
        self.lock_minutes = spin_box(1, 240, " min", 1)
        form.row(
            "Lock after",
            self.lock_minutes,
            hints=[
                "With user accounts, the window locks after this long without keyboard or mouse "
                "input; the same user's password unlocks it (unsaved work stays)."
            ],
        )
        self.encryption_label = hint_label("")
        form.row("Encryption", self.encryption_label)

    def set_zones(self, zones: Sequence[str]) -> None:
        """The time zones to offer, searchable by any part of the name."""
        self.zone_combo.addItems(list(zones))
        completer = QCompleter(list(zones), self.zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_combo.setCompleter(completer)

    def set_values(self, p: ProgramSettings) -> None:
        self._example_point = p.map_centre
        self.name_edit.setText(p.program_name)
        self.zone_combo.setCurrentText(p.timezone)
        self.paper_combo.setCurrentText(p.paper_size)
        self.phi_check.setChecked(p.phi_minimised_sheets)
        self.nav_edit.setText(p.navigation_url)
        self.visit_minutes.setValue(p.default_visit_minutes)
        set_float(self.time_limit, p.plan_time_limit_s)
        self.approximate_check.setChecked(p.plan_approximate_locations)
        self.lock_minutes.setValue(max(1, round(p.auto_lock_minutes)))

    def show_encryption(self, text: str) -> None:
        self.encryption_label.setText(text)

    def edited(self, base: ProgramSettings) -> ProgramSettings:
        return dataclasses.replace(
            base,
            program_name=self.name_edit.text().strip(),
            timezone=self.zone_combo.currentText().strip(),
            paper_size=self.paper_combo.currentText(),
            phi_minimised_sheets=self.phi_check.isChecked(),
            navigation_url=self.nav_edit.text().strip(),
            default_visit_minutes=self.visit_minutes.value(),
            plan_time_limit_s=self.time_limit.value(),
            plan_approximate_locations=self.approximate_check.isChecked(),
            # an untouched box keeps a finer stored value (e.g. seconds set for a test)
            auto_lock_minutes=(
                base.auto_lock_minutes
                if self.lock_minutes.value() == max(1, round(base.auto_lock_minutes))
                else float(self.lock_minutes.value())
            ),
        )

    def _on_nav_edit_text_changed(self, text: str) -> None:
        # The program's map centre when set; otherwise an obviously made-up position.
        here = self._example_point or LatLon(12.345678, -98.765432)
        filled = (
            text.strip().replace("{lat}", f"{here.lat:.6f}").replace("{lon}", f"{here.lon:.6f}")
        )
        where = "the map centre" if self._example_point else f"{here.lat:.6f}, {here.lon:.6f}"
        self.nav_example.setText(f"A stop at {where} would link to: {filled}" if filled else "")


class ServicesTab(QWidget):
    """The optional servers: OSRM (with its Test button and result line), geocoder, map tiles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = MnemonicForm(self)
        intro = QLabel("<b>Leave empty to keep patient data on this machine.</b>")
        form.layout.addRow(intro)
        self.osrm_edit = QLineEdit()
        self.osrm_edit.setPlaceholderText("empty: straight-line estimates (offline)")
        self.test_button = QPushButton("T&est")
        self.test_button.setToolTip("Ask the server for one drive near the map centre")
        self.test_button.setAutoDefault(False)
        osrm_row = QWidget()
        osrm_row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row_layout = QHBoxLayout(osrm_row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.osrm_edit, 1)
        row_layout.addWidget(self.test_button)
        form.used.add("e")
        self.osrm_status = hint_label("")
        self.osrm_status.setVisible(False)
        form.row(
            "OSRM server",
            osrm_row,
            self.osrm_edit,
            hints=[
                self.osrm_status,
                "Your agency's own road-routing server (osrm-routed), e.g. http://10.0.0.5:5000, "
                "for real driving times. Visit locations are sent to it.",
            ],
        )
        self.geocoder_edit = QLineEdit()
        self.geocoder_edit.setPlaceholderText("empty: local address table only (offline)")
        form.row(
            "Geocoder (Nominatim)",
            self.geocoder_edit,
            hints=[
                "Your own Nominatim server, asked for addresses missing from the local address "
                "table. Addresses are sent to it."
            ],
        )
        self.tile_edit = QLineEdit()
        self.tile_edit.setPlaceholderText("empty: plain background with the area outline")
        form.row(
            "Map tiles",
            self.tile_edit,
            hints=[
                "Background map images, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; "
                "must contain {z}, {x} and {y}. The area of the map on screen is sent to it."
            ],
        )
        self.attribution_edit = QLineEdit()
        self.attribution_edit.setPlaceholderText("e.g. © OpenStreetMap contributors")
        form.row(
            "Tile attribution",
            self.attribution_edit,
            hints=["Credit shown in the map's corner, as the tile provider asks."],
        )
        self.area = MapAreaFields(form, self)

    def set_values(self, p: ProgramSettings) -> None:
        self.osrm_edit.setText(p.osrm_url)
        self.geocoder_edit.setText(p.geocoder_url)
        self.tile_edit.setText(p.tile_url)
        self.attribution_edit.setText(p.tile_attribution)
        self.area.set_values(p)

    def edited(self, base: ProgramSettings) -> ProgramSettings:
        return self.area.edited(
            dataclasses.replace(
                base,
                osrm_url=self.osrm_edit.text().strip(),
                geocoder_url=self.geocoder_edit.text().strip(),
                tile_url=self.tile_edit.text().strip(),
                tile_attribution=self.attribution_edit.text().strip(),
            )
        )

    def show_osrm_status(self, message: str, *, ok: bool | None) -> None:
        """The OSRM Test's progress (`ok` None), success or failure, under the address."""
        style = HINT_STYLE if ok is None else OK_STYLE if ok else ERROR_STYLE
        self.osrm_status.setStyleSheet(style)
        self.osrm_status.setText(message)
        self.osrm_status.setVisible(True)
        layout = self.layout()
        if layout is not None:  # QFormLayout keeps the old height of a wrapped row otherwise
            layout.invalidate()


class TravelTab(QWidget):
    """The offline travel-time knobs, with a worked example that follows them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = MnemonicForm(self)
        form.layout.addRow(
            hint_label(
                "Without an OSRM server, drive time = straight-line distance × circuity ÷ "
                "speed, plus the time per stop (with a server, only the time per stop is added)."
            )
        )
        self.circuity = double_box(1.0, 3.0, 2, 0.05)
        form.row(
            "Circuity",
            self.circuity,
            hints=["Road km per straight-line km; 1.2–1.4 is typical of US towns."],
        )
        self.speed = double_box(5.0, 130.0, 0, 5.0, " km/h")
        form.row("Average speed", self.speed, hints=["Over the road distance, stops excluded."])
        self.overhead = spin_box(0, 3600, " s", 15)
        form.row(
            "Time per stop",
            self.overhead,
            hints=["Parking and walking to the door, added to every drive."],
        )
        self.travel_example = QLabel()
        self.travel_example.setWordWrap(True)
        self.travel_example.setStyleSheet("font-weight: bold")
        form.layout.addRow(self.travel_example)
        for box in (self.circuity, self.speed, self.overhead):
            box.valueChanged.connect(self._on_travel_value_changed)

    def set_values(self, p: ProgramSettings) -> None:
        set_float(self.circuity, p.circuity)
        set_float(self.speed, p.speed_kmh)
        self.overhead.setValue(p.leg_overhead_s)
        self._on_travel_value_changed()

    def edited(self, base: ProgramSettings) -> ProgramSettings:
        return dataclasses.replace(
            base,
            circuity=self.circuity.value(),
            speed_kmh=self.speed.value(),
            leg_overhead_s=self.overhead.value(),
        )

    def _on_travel_value_changed(self) -> None:
        self.travel_example.setText(
            travel_example(self.circuity.value(), self.speed.value(), self.overhead.value())
        )
