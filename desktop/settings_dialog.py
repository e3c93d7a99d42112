"""The settings dialog: the program's settings and the priority rules, edited in one window.

Both groups are typed settings stored in the database (`caseload.settings`). Loading and saving
run in the background; OK checks every field first and saves nothing while any is invalid.
The priority-rules form is generated from the `PriorityRules` dataclass: its section comments
become headings and its field comments become tooltips.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import re
import threading
import typing
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseload import settings
from caseload.actor import Actor
from caseload.database import Database
from caseload.errors import ConflictError, UserError
from caseload.priority_rules import PriorityRules
from caseload.settings import ProgramSettings, SettingsGroup
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskHandle, start_task
from routing.geo import LatLon
from routing.matrix import GeodesicProvider, ProgressCallback, TravelTimeError, distance_matrix_m
from routing.osrm import OsrmProvider

log = logging.getLogger(__name__)

G = TypeVar("G", bound=SettingsGroup)
PROGRAM_TAB, SERVICES_TAB, TRAVEL_TAB, RULES_TAB = range(4)
TAB_TITLES = ("&Program", "&Services (optional)", "&Travel times", "Priority &rules")
RESERVED = frozenset("pstr")  # the tabs' mnemonics
PAPER_SIZES = ("Letter", "A4")
# Downtown Durham and Duke University Hospital: the OSRM "Test" asks for the drive between them.
TEST_POINTS = (LatLon(35.9940, -78.8986), LatLon(36.0071, -78.9373))
HINT_STYLE = "color: #555555"
ERROR_STYLE = "color: #b71c1c"
OK_STYLE = "color: #1b5e20"
RULE_BOX_WIDTH = 100
_GROWING = (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)


# --- pure rules: validation, labels, examples ------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One invalid field: the settings field's name and a message naming it for the user."""

    field: str
    message: str


class SettingsInputError(UserError):
    """Shown (not raised) when OK is pressed with invalid fields; nothing was saved."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        lines = [f"• {p.message}" for p in problems]
        super().__init__("Nothing was saved. Please correct:\n\n" + "\n".join(lines))


def timezone_choices(available: Iterable[str]) -> list[str]:
    """Every zone, the Americas first (where MIH programs using this app are), each part sorted."""
    zones = set(available)
    america = sorted(z for z in zones if z.startswith("America/"))
    return america + sorted(zones.difference(america))


def url_problem(label: str, url: str, placeholders: Sequence[str] = ()) -> str | None:
    """Why `url` is not a usable http(s) address (None when fine or empty: empty = not used)."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            f"{label}: {url!r} is not a web address; expected http:// or https:// and a "
            "server name, e.g. http://10.0.0.5:5000 (or leave it empty)."
        )
    missing = [p for p in placeholders if p not in url]
    if missing:
        return f"{label}: {url!r} must contain {', '.join(placeholders)}; missing {missing[0]}."
    return None


def program_problems(value: ProgramSettings, zones: frozenset[str]) -> list[FieldProblem]:
    """Every invalid field of `value`, in the order the dialog shows them."""
    out: list[FieldProblem] = []

    def add(field: str, message: str | None) -> None:
        if message:
            out.append(FieldProblem(field, message))

    if not value.program_name.strip():
        add("program_name", "Program name: enter the name printed on route sheets.")
    if value.timezone not in zones:
        add(
            "timezone",
            f"Time zone: {value.timezone!r} is not a known time zone; expected a name from "
            "the list, such as America/New_York.",
        )
    if value.paper_size not in PAPER_SIZES:
        add("paper_size", f"Paper size: expected Letter or A4, got {value.paper_size!r}.")
    nav = value.navigation_url.strip()
    if "{lat}" not in nav or "{lon}" not in nav:
        add(
            "navigation_url",
            f"Navigation link: {nav!r} must contain both {{lat}} and {{lon}}, "
            "e.g. geo:{lat},{lon}.",
        )
    if value.default_visit_minutes <= 0:
        add("default_visit_minutes", "Default visit length: expected 1 minute or more.")
    if value.plan_time_limit_s <= 0:
        add("plan_time_limit_s", "Planning time limit: expected more than 0 seconds.")
    add("osrm_url", url_problem("OSRM server", value.osrm_url))
    add("geocoder_url", url_problem("Geocoder", value.geocoder_url))
    add("tile_url", url_problem("Map tiles", value.tile_url, ("{z}", "{x}", "{y}")))
    if value.circuity < 1.0:
        add("circuity", "Circuity: expected 1.0 or more (roads are never shorter).")
    if value.speed_kmh <= 0:
        add("speed_kmh", "Average speed: expected more than 0 km/h.")
    if value.leg_overhead_s < 0:
        add("leg_overhead_s", "Time per stop: expected 0 seconds or more.")
    return out


def travel_example(circuity: float, speed_kmh: float, overhead_s: int, km: float = 5.0) -> str:
    """The offline estimate for `km` of straight line, spelled out (as `GeodesicProvider`)."""
    road_km = km * circuity
    drive_min = road_km / speed_kmh * 60.0
    per_stop = f"{overhead_s // 60} min" if overhead_s % 60 == 0 else f"{overhead_s} s"
    total = round(drive_min + overhead_s / 60.0)
    return (
        f"Example: {km:g} km in a straight line ≈ {road_km:.1f} km of road ≈ "
        f"{drive_min:.0f} min driving + {per_stop} per stop ≈ {total} min."
    )


_UNITS = {"points": "points", "days": "days", "hours": "hours", "s": "s", "minutes": "min"}
_WORDS = {"max": "maximum", "min": "minimum", "ed": "ED", "kmh": "km/h"}


def readable_label(name: str) -> str:
    """'familiar_face_points_per_extra_event' -> 'Familiar face (points per extra event)'."""
    words = [_WORDS.get(w, w) for w in name.split("_")]
    if "points" in words:
        cut = words.index("points")
    elif words[-1] in _UNITS and len(words) > 1:
        cut = len(words) - 1
    else:
        cut = len(words)
    head, unit = " ".join(words[:cut]), " ".join(_UNITS.get(w, w) for w in words[cut:])
    if not head:
        return unit.capitalize()
    head = head[0].upper() + head[1:]
    return f"{head} ({unit})" if unit else head


def with_mnemonic(text: str, used: set[str]) -> str:
    """`text` with an '&' before a letter not in `used` (word starts preferred); adds it."""
    text = text.replace("&", "&&")
    starts = [i for i, c in enumerate(text) if c.isalpha() and (i == 0 or text[i - 1] == " ")]
    for i in [*starts, *range(len(text))]:
        letter = text[i].lower()
        if text[i].isascii() and text[i].isalpha() and letter not in used:
            used.add(letter)
            return text[:i] + "&" + text[i:]
    return text


@dataclass(frozen=True, slots=True)
class RuleField:
    """One editable field of `PriorityRules` and how to present it."""

    name: str
    kind: type
    label: str
    tooltip: str
    section: str


_FIELD_LINE = re.compile(r"^\s*(\w+)\s*:[^=]*=[^#]*(?:#\s*(?P<note>.*))?$")
_SECTION_LINE = re.compile(r"^\s*#\s*-{2,}\s*(?P<title>.*?)\s*-*\s*$")
_COMMENT_LINE = re.compile(r"^\s*#\s*(?P<note>.*)$")


def _source_notes(cls: type) -> tuple[dict[str, str], dict[str, str]]:
    """Per field: its comment (standalone comments above it included) and its section title."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError) as exc:  # a frozen build without sources: no tooltips
        log.info("no source for %s, settings form without tooltips: %s", cls.__name__, exc)
        return {}, {}
    notes: dict[str, str] = {}
    sections: dict[str, str] = {}
    section, pending, previous = "", "", ""
    for line in source.splitlines():
        if match := _SECTION_LINE.match(line):
            section, pending = match["title"], ""
        elif match := _COMMENT_LINE.match(line):
            pending = f"{pending} {match['note']}".strip()
        elif (match := _FIELD_LINE.match(line)) and not line.strip().startswith("KEY"):
            note = (match["note"] or "").strip()
            if note.startswith("...") and previous:  # "... within this many days"
                note = previous.removesuffix("...").strip() + " … " + note[3:].strip()
            previous = note
            text = f"{pending} {note}".strip()
            notes[match[1]] = text[:1].upper() + text[1:] if text else ""
            sections[match[1]] = section
            pending = ""
    return notes, sections


@cache
def rule_fields() -> tuple[RuleField, ...]:
    """The form of `PriorityRules`, from `dataclasses.fields` and the class's comments."""
    hints = typing.get_type_hints(PriorityRules)
    notes, sections = _source_notes(PriorityRules)
    defaults = PriorityRules()
    out: list[RuleField] = []
    for f in dataclasses.fields(PriorityRules):
        kind = hints[f.name]
        if kind not in (int, float, bool, str):
            raise TypeError(f"PriorityRules.{f.name}: no settings widget for {kind!r}")
        note = notes.get(f.name, "")
        default = f"Default: {getattr(defaults, f.name)}."
        tooltip = f"{note.rstrip(' .…')}. {default}" if note else default
        out.append(
            RuleField(f.name, kind, readable_label(f.name), tooltip, sections.get(f.name, ""))
        )
    return tuple(out)


def balanced_split(fields: Sequence[RuleField]) -> int:
    """Where to start the second column: at a section break, evening out the columns' height
    (a heading counts as most of a row, a long one as two lines)."""

    def height(part: Sequence[RuleField]) -> float:
        titles = {f.section for f in part if f.section}
        return len(part) + sum(0.7 * (1 + len(t) // 45) for t in titles)

    breaks = [i for i in range(1, len(fields)) if fields[i].section != fields[i - 1].section]
    if not breaks:
        return (len(fields) + 1) // 2
    return min(breaks, key=lambda i: max(height(fields[:i]), height(fields[i:])))


class _FallbackSpy:
    """The OSRM test's fallback: notes that OSRM could not route a cell, then estimates it."""

    def __init__(self) -> None:
        self.used = False

    def durations(
        self,
        locations: Sequence[LatLon],
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> NDArray[np.int64]:
        self.used = True
        return GeodesicProvider().durations(locations, progress=progress, cancel=cancel)


@dataclass(frozen=True, slots=True)
class OsrmProbe:
    ok: bool
    message: str


def probe_osrm(url: str, cancel: threading.Event | None = None) -> OsrmProbe:
    """Ask the OSRM server at `url` for the drive between two points in Durham (raises
    `TravelTimeError` when it cannot be reached). Blocking: run it in a worker."""
    spy = _FallbackSpy()
    seconds = OsrmProvider(url, timeout_s=10.0, fallback=spy).durations(TEST_POINTS, cancel=cancel)
    km = distance_matrix_m(TEST_POINTS)[0, 1] / 1000.0
    if spy.used:
        return OsrmProbe(
            False,
            "The server answered but found no road between two test points in Durham, NC "
            "(its map may cover another area). Drive times would fall back to estimates.",
        )
    return OsrmProbe(
        True,
        f"The server works: downtown Durham to Duke Hospital ({km:.1f} km in a straight line) "
        f"is {int(seconds[0, 1]) / 60:.0f} min by road.",
    )


# --- the dialog --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Loaded:
    program: ProgramSettings
    rules: PriorityRules
    zones: tuple[str, ...]
    rule_fields: tuple[RuleField, ...]


def _load(db: Database) -> _Loaded:
    zones = tuple(timezone_choices(zoneinfo.available_timezones()))
    return _Loaded(
        settings.load(db, ProgramSettings), settings.load(db, PriorityRules), zones, rule_fields()
    )


def _check_unchanged(db: Database, loaded: G, new: G) -> bool:
    """True when `new` differs from `loaded`; a conflict when someone saved in between."""
    if new == loaded:
        return False
    if settings.load(db, type(loaded)) != loaded:
        raise ConflictError(
            "Someone else changed the settings while this window was open; nothing was saved. "
            "Close it and open Settings again to see their changes."
        )
    return True


def _save(
    db: Database, actor: Actor, before: _Loaded, program: ProgramSettings, rules: PriorityRules
) -> ProgramSettings:
    changed: list[SettingsGroup] = []
    if _check_unchanged(db, before.program, program):
        changed.append(program)
    if _check_unchanged(db, before.rules, rules):
        changed.append(rules)
    for value in changed:
        settings.save(db, value, actor)
    return program


def set_float(box: QDoubleSpinBox, value: float) -> None:
    """Show `value` without rounding it away: more decimals when it has them (up to 4)."""
    needed = len(f"{value:.4f}".rstrip("0").partition(".")[2])
    box.setDecimals(max(box.decimals(), needed))
    box.setValue(value)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    # Expanding: QFormLayout lets only expanding fields grow; a wrapped label must, or it is cut.
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _Form:
    """A QFormLayout whose labels get mnemonics and buddies."""

    def __init__(self, parent: QWidget | None, used: set[str] | None = None) -> None:
        """`used`: letters taken already (shared by several forms on one tab; default: the
        tabs' letters)."""
        self.layout = QFormLayout(parent)
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.used = set(RESERVED) if used is None else used

    def row(
        self,
        text: str,
        field: QWidget,
        buddy: QWidget | None = None,
        hints: Sequence[QLabel | str] = (),
    ) -> QLabel:
        """A labelled row; `hints` are shown under the field (in the field's own column, so
        wrapped text gets the full width and no stray gaps)."""
        label = QLabel(with_mnemonic(text, self.used))
        label.setBuddy(buddy or field)
        if hints:
            box = QWidget()
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            expanding = field.sizePolicy().horizontalPolicy() in _GROWING
            column.addWidget(
                field, 0, Qt.AlignmentFlag(0) if expanding else Qt.AlignmentFlag.AlignLeft
            )
            for hint in hints:
                column.addWidget(_hint(hint) if isinstance(hint, str) else hint)
            field = box
        self.layout.addRow(label, field)
        return label


def _spin(low: int, high: int, suffix: str = "", step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    return box


def _double(
    low: float, high: float, decimals: int, step: float, suffix: str = ""
) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    return box


class SettingsDialog(QDialog):
    """Program settings and priority rules. OK validates, saves in the background, then calls
    `on_saved(new_program_settings)`; Cancel (or Esc) discards."""

    values_loaded = Signal()
    settings_saved = Signal(object)  # the new ProgramSettings
    osrm_tested = Signal(str)  # the message shown

    def __init__(
        self,
        context: AppContext,
        on_saved: Callable[[ProgramSettings], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._on_saved_callback = on_saved
        self._loaded: _Loaded | None = None
        self._saving = False
        self._tasks: list[TaskHandle] = []
        self._rule_widgets: dict[str, QWidget] = {}
        self.setWindowTitle("Settings")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._program_tab(), TAB_TITLES[PROGRAM_TAB])
        self.tabs.addTab(self._services_tab(), TAB_TITLES[SERVICES_TAB])
        self.tabs.addTab(self._travel_tab(), TAB_TITLES[TRAVEL_TAB])
        self.tabs.addTab(self._rules_tab(), TAB_TITLES[RULES_TAB])
        self.status_label = QLabel("Loading the settings…")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.resize(900, 680)
        self._set_busy(True)
        self._run(lambda _p, _c: _load(context.db), self._on_values_loaded, self._on_load_failed)

    # --- the tabs ---------------------------------------------------------------------------
    def _program_tab(self) -> QWidget:
        page = QWidget()
        form = _Form(page)
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
        self.nav_example = _hint("")
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
        self.visit_minutes = _spin(5, 480, " min", 5)
        form.row(
            "Default visit length",
            self.visit_minutes,
            hints=["Used for visits whose program does not set a length."],
        )
        self.time_limit = _double(1.0, 600.0, 0, 5.0, " s")
        form.row(
            "Planning time limit",
            self.time_limit,
            hints=[
                "How long “Plan” searches for a better day plan. Longer can find better routes."
            ],
        )
        return page

    def _services_tab(self) -> QWidget:
        page = QWidget()
        form = _Form(page)
        intro = QLabel("<b>Leave empty to keep patient data on this machine.</b>")
        form.layout.addRow(intro)
        self.osrm_edit = QLineEdit()
        self.osrm_edit.setPlaceholderText("empty: straight-line estimates (offline)")
        self.test_button = QPushButton("T&est")
        self.test_button.setToolTip("Ask the server for one drive in Durham, NC")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        osrm_row = QWidget()
        osrm_row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row_layout = QHBoxLayout(osrm_row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.osrm_edit, 1)
        row_layout.addWidget(self.test_button)
        form.used.add("e")
        self.osrm_status = _hint("")
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
        self.tile_edit.setPlaceholderText("empty: plain background with the county outline")
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
        return page

    def _travel_tab(self) -> QWidget:
        page = QWidget()
        form = _Form(page)
        form.layout.addRow(
            _hint(
                "Without an OSRM server, drive time = straight-line distance × circuity ÷ "
                "speed, plus the time per stop (with a server, only the time per stop is added)."
            )
        )
        self.circuity = _double(1.0, 3.0, 2, 0.05)
        form.row(
            "Circuity",
            self.circuity,
            hints=["Road km per straight-line km; 1.2–1.4 is typical of US towns."],
        )
        self.speed = _double(5.0, 130.0, 0, 5.0, " km/h")
        form.row("Average speed", self.speed, hints=["Over the road distance, stops excluded."])
        self.overhead = _spin(0, 3600, " s", 15)
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
        return page

    def _rules_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            _hint(
                "How each client's priority is worked out: points add up to the score; hover "
                "over a field for what it means. Changes apply the next time priorities are "
                "worked out."
            )
        )
        self.rules_area = QScrollArea()
        self.rules_area.setWidgetResizable(True)
        self.rules_area.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(self.rules_area, 1)
        self.restore_button = QPushButton("Restore &defaults")
        self.restore_button.setAutoDefault(False)
        self.restore_button.setToolTip("Put back the recommended rules (saved when you press OK)")
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        return page

    def _build_rules_form(self, fields: Sequence[RuleField]) -> None:
        """Two columns of sections, as even in height as whole sections allow."""
        body = QWidget()
        columns = QHBoxLayout(body)
        split = balanced_split(fields)
        used = set(RESERVED) | {"d"}
        for part in (fields[:split], fields[split:]):
            column = QWidget()
            form = _Form(column, used)
            form.layout.setVerticalSpacing(3)
            columns.addWidget(column, 1, Qt.AlignmentFlag.AlignTop)
            section = None
            for spec in part:
                if spec.section and spec.section != section:
                    heading = QLabel(f"<b>{spec.section}</b>")
                    heading.setWordWrap(True)
                    form.layout.addRow(heading)
                section = spec.section
                widget = self._rule_widget(spec)
                widget.setToolTip(spec.tooltip)
                form.row(spec.label, widget).setToolTip(spec.tooltip)
                self._rule_widgets[spec.name] = widget
        self.rules_area.setWidget(body)

    @staticmethod
    def _rule_widget(spec: RuleField) -> QWidget:
        if spec.kind is bool:
            return QCheckBox()
        box: QSpinBox | QDoubleSpinBox
        if spec.kind is int:
            box = _spin(0, 100_000)
        elif spec.kind is float:
            box = _double(0.0, 100_000.0, 1, 0.5)
        else:
            return QLineEdit()
        box.setFixedWidth(RULE_BOX_WIDTH)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        return box

    # --- values in and out ------------------------------------------------------------------
    def _on_values_loaded(self, loaded: _Loaded) -> None:
        self._loaded = loaded
        self.zone_combo.addItems(list(loaded.zones))
        completer = QCompleter(list(loaded.zones), self.zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_combo.setCompleter(completer)
        self._build_rules_form(loaded.rule_fields)
        self.set_program(loaded.program)
        self.set_rules(loaded.rules)
        self._set_busy(False)
        self.status_label.setText("")
        self.values_loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        show_error(self.parentWidget(), exc, title="Settings")
        self.close()

    def set_program(self, p: ProgramSettings) -> None:
        self.name_edit.setText(p.program_name)
        self.zone_combo.setCurrentText(p.timezone)
        self.paper_combo.setCurrentText(p.paper_size)
        self.phi_check.setChecked(p.phi_minimised_sheets)
        self.nav_edit.setText(p.navigation_url)
        self.visit_minutes.setValue(p.default_visit_minutes)
        set_float(self.time_limit, p.plan_time_limit_s)
        self.osrm_edit.setText(p.osrm_url)
        self.geocoder_edit.setText(p.geocoder_url)
        self.tile_edit.setText(p.tile_url)
        self.attribution_edit.setText(p.tile_attribution)
        set_float(self.circuity, p.circuity)
        set_float(self.speed, p.speed_kmh)
        self.overhead.setValue(p.leg_overhead_s)
        self._on_travel_value_changed()

    def program_value(self) -> ProgramSettings:
        """The program settings as edited (fields the dialog does not show are kept)."""
        base = self._loaded.program if self._loaded else ProgramSettings()
        return dataclasses.replace(
            base,
            program_name=self.name_edit.text().strip(),
            timezone=self.zone_combo.currentText().strip(),
            paper_size=self.paper_combo.currentText(),
            phi_minimised_sheets=self.phi_check.isChecked(),
            navigation_url=self.nav_edit.text().strip(),
            default_visit_minutes=self.visit_minutes.value(),
            plan_time_limit_s=self.time_limit.value(),
            osrm_url=self.osrm_edit.text().strip(),
            geocoder_url=self.geocoder_edit.text().strip(),
            tile_url=self.tile_edit.text().strip(),
            tile_attribution=self.attribution_edit.text().strip(),
            circuity=self.circuity.value(),
            speed_kmh=self.speed.value(),
            leg_overhead_s=self.overhead.value(),
        )

    def set_rules(self, rules: PriorityRules) -> None:
        for name, widget in self._rule_widgets.items():
            value = getattr(rules, name)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QDoubleSpinBox):
                set_float(widget, value)
            elif isinstance(widget, QSpinBox):
                widget.setValue(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))

    def rules_value(self) -> PriorityRules:
        values: dict[str, Any] = {}
        for name, widget in self._rule_widgets.items():
            if isinstance(widget, QCheckBox):
                values[name] = widget.isChecked()
            elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
                values[name] = widget.value()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text()
        return dataclasses.replace(
            self._loaded.rules if self._loaded else PriorityRules(), **values
        )

    def rule_widget(self, name: str) -> QWidget:
        return self._rule_widgets[name]

    # --- OK, Cancel -------------------------------------------------------------------------
    def _field_widget(self, field: str) -> tuple[int, QWidget]:
        widgets: dict[str, tuple[int, QWidget]] = {
            "program_name": (PROGRAM_TAB, self.name_edit),
            "timezone": (PROGRAM_TAB, self.zone_combo),
            "paper_size": (PROGRAM_TAB, self.paper_combo),
            "navigation_url": (PROGRAM_TAB, self.nav_edit),
            "default_visit_minutes": (PROGRAM_TAB, self.visit_minutes),
            "plan_time_limit_s": (PROGRAM_TAB, self.time_limit),
            "osrm_url": (SERVICES_TAB, self.osrm_edit),
            "geocoder_url": (SERVICES_TAB, self.geocoder_edit),
            "tile_url": (SERVICES_TAB, self.tile_edit),
            "circuity": (TRAVEL_TAB, self.circuity),
            "speed_kmh": (TRAVEL_TAB, self.speed),
            "leg_overhead_s": (TRAVEL_TAB, self.overhead),
        }
        return widgets.get(field, (PROGRAM_TAB, self.name_edit))

    def problems(self) -> list[FieldProblem]:
        zones = frozenset(self._loaded.zones) if self._loaded else frozenset()
        return program_problems(self.program_value(), zones)

    def _on_buttons_accepted(self) -> None:
        if self._loaded is None or self._saving:
            return
        problems = self.problems()
        if problems:
            tab, widget = self._field_widget(problems[0].field)
            self.tabs.setCurrentIndex(tab)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            show_error(self, SettingsInputError(problems), title="Settings not saved")
            return
        program, rules, before = self.program_value(), self.rules_value(), self._loaded
        if program == before.program and rules == before.rules:
            self.accept()
            return
        db, actor = self.context.db, self.context.actor
        self._saving = True
        self._set_busy(True)
        self.status_label.setText("Saving…")
        self._run(
            lambda _p, _c: _save(db, actor, before, program, rules),
            self._on_settings_saved,
            self._on_save_failed,
        )

    def _on_settings_saved(self, program: ProgramSettings) -> None:
        self._saving = False
        self._set_busy(False)
        self.status_label.setText("Saved.")
        if self._on_saved_callback is not None:
            self._on_saved_callback(program)
        self.settings_saved.emit(program)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._set_busy(False)
        self.status_label.setText("Not saved.")
        show_error(self, exc, title="Settings not saved")

    def reject(self) -> None:
        """Cancel / Esc: discard the edits (not while a save is under way)."""
        if not self._saving:
            super().reject()

    # --- small slots ------------------------------------------------------------------------
    def _on_restore_button_clicked(self) -> None:
        self.set_rules(PriorityRules())
        self.status_label.setText("Default priority rules restored; press OK to save them.")

    def _on_nav_edit_text_changed(self, text: str) -> None:
        here = TEST_POINTS[0]
        filled = (
            text.strip().replace("{lat}", f"{here.lat:.6f}").replace("{lon}", f"{here.lon:.6f}")
        )
        self.nav_example.setText(
            f"A stop in downtown Durham would link to: {filled}" if filled else ""
        )

    def _on_travel_value_changed(self) -> None:
        self.travel_example.setText(
            travel_example(self.circuity.value(), self.speed.value(), self.overhead.value())
        )

    def _on_test_button_clicked(self) -> None:
        url = self.osrm_edit.text().strip()
        problem = (
            url_problem("OSRM server", url) if url else "Enter the OSRM server's address first."
        )
        if problem:
            self._show_osrm_status(problem, ok=False)
            return
        self.test_button.setEnabled(False)
        self._show_osrm_status(f"Asking {url}…", ok=None)
        self._run(
            lambda _p, cancel: probe_osrm(url, cancel), self._on_osrm_probed, self._on_osrm_failed
        )

    def _on_osrm_probed(self, probe: OsrmProbe) -> None:
        self.test_button.setEnabled(True)
        self._show_osrm_status(probe.message, ok=probe.ok)

    def _on_osrm_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, TravelTimeError):
            self._show_osrm_status(str(exc), ok=False)
        else:
            self._show_osrm_status("The test failed unexpectedly.", ok=False)
            show_error(self, exc, title="OSRM test")

    def _show_osrm_status(self, message: str, *, ok: bool | None) -> None:
        style = HINT_STYLE if ok is None else OK_STYLE if ok else ERROR_STYLE
        self.osrm_status.setStyleSheet(style)
        self.osrm_status.setText(message)
        self.osrm_status.setVisible(True)
        page = self.tabs.widget(SERVICES_TAB)
        layout = page.layout() if page is not None else None
        if layout is not None:  # QFormLayout keeps the old height of a wrapped row otherwise
            layout.invalidate()
        if ok is not None:
            self.osrm_tested.emit(message)

    def _run(
        self,
        fn: Callable[[ProgressFn, threading.Event], Any],
        on_finished: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        handle = start_task(fn, on_finished=on_finished, on_failed=on_failed)
        self._tasks = [t for t in self._tasks if t.running] + [handle]

    def _set_busy(self, busy: bool) -> None:
        self.tabs.setEnabled(not busy)
        self.ok_button.setEnabled(not busy)

    def is_busy(self) -> bool:
        return any(t.running for t in self._tasks)


def open_settings_dialog(
    parent: QWidget, context: AppContext, on_saved: Callable[[ProgramSettings], None]
) -> None:
    """Open the settings window over `parent` once the current values are loaded (returns at
    once). `on_saved(new_program_settings)` runs on the UI thread after a successful save; it is
    not called when nothing changed or on Cancel. A second call while open raises the window."""
    for existing in parent.findChildren(SettingsDialog):
        if existing.isVisible():
            existing.raise_()
            existing.activateWindow()
        return
    dialog = SettingsDialog(context, on_saved, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.values_loaded.connect(dialog.show)
