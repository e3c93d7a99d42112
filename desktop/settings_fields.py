"""The settings window's rules without Qt: which tab is which, field validation, labels and
their shortcut letters, the travel-time example, and the priority-rules form spec (generated from
the `PriorityRules` dataclass: its section comments become headings, its field comments tooltips).
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import logging
import re
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from caseload.errors import UserError
from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings

log = logging.getLogger(__name__)

PROGRAM_TAB, SERVICES_TAB, TRAVEL_TAB, RULES_TAB = range(4)
TAB_TITLES = ("&Program", "&Services (optional)", "&Travel times", "Priority &rules")
RESERVED = frozenset("pstr")  # the tabs' mnemonics
PAPER_SIZES = ("Letter", "A4")


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
    if value.auto_lock_minutes <= 0:
        add("auto_lock_minutes", "Lock after: expected more than 0 minutes.")
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


def balanced_columns(fields: Sequence[RuleField], columns: int) -> list[Sequence[RuleField]]:
    """`fields` in `columns` parts, each starting at a section break, evening out the parts'
    height (a heading counts as most of a row, a long one as two lines)."""

    def height(part: Sequence[RuleField]) -> float:
        titles = {f.section for f in part if f.section}
        return len(part) + sum(0.7 * (1 + len(t) // 45) for t in titles)

    breaks = [i for i in range(1, len(fields)) if fields[i].section != fields[i - 1].section]
    if len(breaks) < columns - 1:  # too few sections: even rows instead
        step = -(-len(fields) // columns)
        breaks = list(range(step, len(fields), step))

    def parts(cuts: Sequence[int]) -> list[Sequence[RuleField]]:
        edges = [0, *cuts, len(fields)]
        return [fields[a:b] for a, b in itertools.pairwise(edges)]

    best = min(
        itertools.combinations(breaks, min(columns - 1, len(breaks))),
        key=lambda cuts: max(height(p) for p in parts(cuts)),
    )
    return parts(best)
