"""Shared places (shelters, camps, day centres, libraries…) where unsheltered clients are found:
the list, and a form to add or edit one — name, kind, coordinates (typed, or found from an
address in the agency's address table), opening hours and what the crew should know there.

A saved change is copied into every client place linked to it (planning, the map and the
route sheet follow at once) and audited. **Save** writes the form, **Revert** drops unsaved
changes, **Undo last save** puts back the values before the last save made here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
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
from desktop.error_dialog import show_error
from desktop.form_rows import button_row, side_by_side
from desktop.location_editor import parse_coordinates
from desktop.tasks import ProgressFn, TaskRunner

_GOOD_ENOUGH = (GeocodeQuality.EXACT, GeocodeQuality.INTERPOLATED, GeocodeQuality.STREET)


@dataclass(frozen=True, slots=True)
class _Saved:
    place_id: int
    before: SharedPlaceInput | None  # None: it was new


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


class SharedPlacesDialog(QDialog):
    loaded = Signal()
    saved = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.places: list[SharedPlaceInfo] = []
        self.current: SharedPlaceInfo | None = None  # None with the form in use: a new place
        self.history: list[_Saved] = []
        self.setWindowTitle("Shared places")
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.new_button = QPushButton("&New place")
        self.new_button.clicked.connect(self.new_place)

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
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b71c1c")
        self.status_label = QLabel("Loading the shared places…")
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.revert_button = QPushButton("Re&vert")
        self.undo_button = QPushButton("&Undo last save")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self._show_current)
        self.undo_button.clicked.connect(self.undo)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.problems_label)
        right.addStretch(1)
        right.addLayout(button_row(self.save_button, self.revert_button, self.undo_button))
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(close)
        for signal in (
            self.name.textChanged,
            self.coordinates.textChanged,
            self.hours.textChanged,
            self.description.textChanged,
        ):
            signal.connect(self._on_form_changed)
        self.kind.currentIndexChanged.connect(self._on_form_changed)
        self.resize(820, 440)
        self.reload()

    # --- reading -------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None, message: str = "") -> None:
        """Read the places again, select `select_id`, then show `message` (or the count)."""
        ctx = self.context

        def load(_p: ProgressFn, _c: object) -> list[SharedPlaceInfo]:
            return list_shared_places(ctx.db, ctx.actor)

        self.tasks.run(
            load, lambda p: self._on_loaded(p, select_id, message), on_failed=self._on_failed
        )

    def _on_loaded(
        self, places: list[SharedPlaceInfo], select_id: int | None, message: str
    ) -> None:
        keep = select_id if select_id is not None else (self.current and self.current.id)
        self.places = places
        self.list.blockSignals(True)
        self.list.clear()
        for p in places:
            item = QListWidgetItem(f"{p.name} ({kind_label(p.kind).lower()})")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if places:
            row = next((i for i, p in enumerate(places) if p.id == keep), 0)
            self.list.setCurrentRow(row)
            self._on_list_current_row_changed(row)
            count = f"{len(places)} shared place{'s' * (len(places) != 1)}."
            self.status_label.setText(message or count)
        else:
            self.new_place()
            self.status_label.setText(
                "No shared places yet. Add the shelters, camps and day centres where your "
                "unsheltered clients are found (or import them: rounds import places FILE)."
            )
        self._update_buttons()
        self.loaded.emit()

    def _on_list_current_row_changed(self, row: int) -> None:
        self.current = self.places[row] if 0 <= row < len(self.places) else None
        self._show_current()

    def new_place(self) -> None:
        self.list.clearSelection()
        self.current = None
        self._fill(SharedPlaceInput("", SharedPlaceKind.SHELTER.value, 0.0, 0.0), blank=True)
        self.name.setFocus()

    def _show_current(self) -> None:
        if self.current is None:
            self.new_place()
        else:
            self._fill(input_of(self.current))

    def _fill(self, entry: SharedPlaceInput, *, blank: bool = False) -> None:
        self.name.setText(entry.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(entry.kind)))
        self.coordinates.setText("" if blank else f"{entry.lat:.6f}, {entry.lon:.6f}")
        self.address.clear()
        self.hours.setText(entry.opening_hours)
        self.description.setPlainText(entry.description)
        self._on_form_changed()

    # --- the form ------------------------------------------------------------------------------
    def entry(self) -> SharedPlaceInput:
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

    def problem(self) -> str:
        try:
            self.entry()
        except UserError as error:
            return str(error)
        return ""

    def _on_form_changed(self) -> None:
        self.problems_label.setText(self.problem())
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(not self.problem() and not self.tasks.busy)
        self.undo_button.setEnabled(bool(self.history) and not self.tasks.busy)

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

    # --- writing -------------------------------------------------------------------------------
    def save(self) -> None:
        try:
            entry = self.entry()
        except UserError:
            return
        ctx, current = self.context, self.current

        def work(_p: ProgressFn, _c: object) -> _Saved:
            if current is None:
                return _Saved(save_shared_place(ctx.db, ctx.actor, entry).id, None)
            edit_shared_place(ctx.db, ctx.actor, current.id, current.version, entry)
            return _Saved(current.id, input_of(current))

        self.tasks.run(work, self._on_saved, on_failed=self._on_failed)

    def _on_saved(self, saved: _Saved) -> None:
        if saved.before is not None:
            self.history.append(saved)
        self.saved.emit(saved.place_id)
        self.reload(saved.place_id, "Saved; the clients linked to it use it from now on.")

    def undo(self) -> None:
        if not self.history:
            return
        step = self.history.pop()
        ctx = self.context
        before = step.before
        assert before is not None

        def work(_p: ProgressFn, _c: object) -> int:
            now = next(p for p in list_shared_places(ctx.db, ctx.actor) if p.id == step.place_id)
            edit_shared_place(ctx.db, ctx.actor, step.place_id, now.version, before)
            return step.place_id

        self.tasks.run(work, self._on_undone, on_failed=self._on_failed)

    def _on_undone(self, place_id: int) -> None:
        self.reload(place_id, "Last save undone.")

    def _on_failed(self, exc: BaseException) -> None:
        show_error(self, exc, title="Shared places")
        self.reload()
