"""Shared places (shelters, camps, day centres, libraries…) where unsheltered clients are found:
the list, and a form to add or edit one — name, kind, coordinates (typed, or found from an
address in the agency's address table), opening hours and what the crew should know there.

A saved change is copied into every client place linked to it (planning, the map and the
route sheet follow at once) and audited. Save, Revert and Undo last save work as in every
`RecordListDialog`.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from caseload.enums import GeocodeQuality, SharedPlaceKind
from caseload.errors import UserError
from caseload.geocoding.result import GeocodeResult
from caseload.geocoding.service import geocode_addresses
from caseload.places.hours import HOURS_EXPECTED
from caseload.places.service import (
    SharedPlaceInfo,
    SharedPlaceInput,
    edit_shared_place,
    list_shared_places,
    save_shared_place,
    validate,
)
from desktop.context import AppContext
from desktop.form_rows import side_by_side
from desktop.location_editor import parse_coordinates
from desktop.record_list_dialog import RecordListDialog
from desktop.tasks import ProgressFn

_GOOD_ENOUGH = (GeocodeQuality.EXACT, GeocodeQuality.INTERPOLATED, GeocodeQuality.STREET)


def input_of(place: SharedPlaceInfo) -> SharedPlaceInput:
    return SharedPlaceInput(
        place.name,
        place.kind.value,
        place.lat,
        place.lon,
        place.description,
        place.opening_hours,
    )


def kind_label(kind: SharedPlaceKind) -> str:
    return kind.value.replace("_", " ").capitalize()


class SharedPlacesDialog(RecordListDialog[SharedPlaceInfo, SharedPlaceInput]):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Shared places", "&New place", parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Urban Ministries")
        self.kind = QComboBox()
        for kind in SharedPlaceKind:
            self.kind.addItem(kind_label(kind), kind.value)
        self.coordinates = QLineEdit()
        self.coordinates.setPlaceholderText("latitude, longitude, e.g. 35.9960, -78.9020")
        self.address = QLineEdit()
        self.address.setPlaceholderText("street address, to find the coordinates")
        self.address.returnPressed.connect(self.find_address)
        self.find_button = QPushButton("&Find")
        self.find_button.setToolTip(
            "Look the address up in the agency's address table (and its own geocoder, if "
            "configured) and fill in the coordinates"
        )
        self.find_button.clicked.connect(self.find_address)
        self.hours = QLineEdit()
        self.hours.setPlaceholderText("Mon-Fri 07:00-19:00; Sat 09:00-13:00 (empty: always open)")
        self.hours.setToolTip(f"Opening hours: {HOURS_EXPECTED}")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("Where to look, whom to ask (printed on the sheet)")
        self.description.setMaximumHeight(80)

        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Kind", self.kind)
        form.addRow("C&oordinates", self.coordinates)
        form.addRow("&Address", side_by_side(self.address, self.find_button, stretch=False))
        form.addRow("Opening &hours", self.hours)
        form.addRow("&What to know", self.description)
        changes = (
            self.name.textChanged,
            self.kind.currentIndexChanged,
            self.coordinates.textChanged,
            self.hours.textChanged,
            self.description.textChanged,
        )
        self.finish_layout(form, changes, 820, 440)

    # --- the records ---------------------------------------------------------------------------
    def fetch(self) -> list[SharedPlaceInfo]:
        return list_shared_places(self.context.db, self.context.actor)

    def record_id(self, record: SharedPlaceInfo) -> int:
        return record.id

    def record_label(self, record: SharedPlaceInfo) -> str:
        return f"{record.name} ({kind_label(record.kind).lower()})"

    def entry_of(self, record: SharedPlaceInfo) -> SharedPlaceInput:
        return input_of(record)

    def add(self, entry: SharedPlaceInput) -> int:
        return save_shared_place(self.context.db, self.context.actor, entry).id

    def write(self, record: SharedPlaceInfo, entry: SharedPlaceInput) -> None:
        edit_shared_place(self.context.db, self.context.actor, record.id, record.version, entry)

    def empty_text(self) -> str:
        return (
            "No shared places yet. Add the shelters, camps and day centres where your "
            "unsheltered clients are found (or import them: rounds import places FILE)."
        )

    def count_text(self, count: int) -> str:
        return f"{count} shared place{'s' * (count != 1)}."

    # --- the form ------------------------------------------------------------------------------
    def fill(self, entry: SharedPlaceInput | None, record: SharedPlaceInfo | None) -> None:
        shown = entry or SharedPlaceInput("", SharedPlaceKind.SHELTER.value, 0.0, 0.0)
        self.name.setText(shown.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(shown.kind)))
        self.coordinates.setText("" if entry is None else f"{shown.lat:.6f}, {shown.lon:.6f}")
        self.address.clear()
        self.hours.setText(shown.opening_hours)
        self.description.setPlainText(shown.description)
        if entry is None:
            self.name.setFocus()

    def form_entry(self) -> SharedPlaceInput:
        """The form as a checked entry, or a UserError saying what to fix."""
        text = self.coordinates.text()
        if not text.strip():
            raise UserError("coordinates are empty; type them or find them from the address")
        lat, lon = parse_coordinates(text)
        return validate(
            SharedPlaceInput(
                self.name.text(),
                str(self.kind.currentData()),
                lat,
                lon,
                self.description.toPlainText(),
                self.hours.text(),
            )
        )

    def form_problems(self) -> list[str]:
        try:
            self.form_entry()
        except UserError as error:
            return [str(error)]
        return []

    # --- finding the coordinates ---------------------------------------------------------------
    def find_address(self) -> None:
        query = self.address.text().strip()
        if not query:
            self.address.setFocus()
            return
        db = self.context.db

        def find(_p: ProgressFn, _c: object) -> GeocodeResult:
            return geocode_addresses(db, [query])[0]

        self.status_label.setText("Looking the address up…")
        self.tasks.run(find, self._on_found, on_failed=self._on_failed)

    def _on_found(self, result: GeocodeResult) -> None:
        if result.location is None or result.quality not in _GOOD_ENOUGH:
            self.status_label.setText(
                "That address was not found precisely enough "
                f"({result.quality.value}); type the coordinates from a map instead."
            )
            return
        self.coordinates.setText(f"{result.location.lat:.6f}, {result.location.lon:.6f}")
        self.status_label.setText(f"Found: {result.matched} ({result.quality.value}).")
