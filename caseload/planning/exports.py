"""File outputs of a planned day: a CSV of all stops, a calendar (ICS) per crew, the plan JSON.

Each writer takes read models (or the stored JSON), writes to a temporary file beside the
target and renames it into place, so a scheduled overnight run never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from caseload.planning.sheets import CrewSheet, SheetStop
from caseload.private_files import write_private_bytes

CSV_COLUMNS = (
    "plan_date",
    "plan_version",
    "crew",
    "stop",
    "eta",
    "departure",
    "window_start",
    "window_end",
    "deadline",
    "client",
    "age",
    "location",
    "lat",
    "lon",
    "purpose",
    "reasons",
    "safety_notes",
    "phone",
    "navigation_url",
)

ICS_PRODID = "-//MIH Rounds//Route sheet//EN"
ICS_UID_DOMAIN = "mih-rounds"
DEFAULT_EVENT_MIN = 30
# What a spreadsheet may read as the start of a formula (OWASP's CSV-injection list: = + - @ tab
# CR; LF too; and the full-width = + - @ some spreadsheet programs take for the same).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _write_atomically(path: Path, data: bytes) -> Path:
    return write_private_bytes(path, data)  # 0600, renamed into place from a .part file


def _local(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="minutes")


def _cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading quote makes it plain text). A
    plain number such as -3.5 cannot be a formula and stays a number."""
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


safe_cell = _cell  # the one CSV-injection guard, for other exports (the audit log's)


def stops_csv_rows(sheets: Iterable[CrewSheet]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for sheet in sheets:
        for stop in sheet.stops:
            rows.append(
                {
                    "plan_date": sheet.plan_date.isoformat(),
                    "plan_version": str(sheet.plan_version),
                    "crew": _cell(sheet.crew_name),
                    "stop": str(stop.seq),
                    "eta": _local(stop.eta),
                    "departure": _local(stop.departure),
                    "window_start": _local(stop.window_start),
                    "window_end": _local(stop.window_end),
                    "deadline": _cell(stop.deadline),
                    "client": _cell(stop.client_name),
                    "age": "" if stop.age is None else str(stop.age),
                    "location": _cell(stop.location_text),
                    "lat": "" if stop.location is None else f"{stop.location.lat:.6f}",
                    "lon": "" if stop.location is None else f"{stop.location.lon:.6f}",
                    "purpose": _cell(stop.visit_purpose),
                    "reasons": _cell("; ".join(stop.reasons)),
                    "safety_notes": _cell(stop.safety_notes),
                    "phone": _cell(stop.phone),
                    "navigation_url": _cell(stop.navigation_url),
                }
            )
    return rows


def write_stops_csv(sheets: Sequence[CrewSheet], path: str | Path) -> Path:
    """Every stop of every crew, one row each, in crew then route order. UTF-8 with a byte-order
    mark so spreadsheet programs show accented names correctly; times are ISO 8601 local time
    with the UTC offset."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(stops_csv_rows(sheets))
    return _write_atomically(Path(path), buffer.getvalue().encode("utf-8-sig"))


# --- iCalendar (RFC 5545) ---------------------------------------------------------------------


def ics_escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", r"\\n", text)


def ics_fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (continuations start with a space),
    never splitting a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "crew"


def crew_file_stems(sheets: Sequence[CrewSheet]) -> list[str]:
    """File names (without extension) per sheet, e.g. '2026-11-20-medic-1': the same for a
    crew's PDF and ICS, unique within the list."""
    stems: list[str] = []
    for sheet in sheets:
        stem = f"{sheet.plan_date:%Y-%m-%d}-{_slug(sheet.crew_name)}"
        candidate, n = stem, 2
        while candidate in stems:
            candidate, n = f"{stem}-{n}", n + 1
        stems.append(candidate)
    return stems


def stop_uid(sheet: CrewSheet, stop: SheetStop) -> str:
    """Stable across re-plans of the day (one visit per client per day), so importing a newer
    version updates the event instead of duplicating it. Holds no name."""
    return f"{sheet.plan_date:%Y%m%d}-client{stop.client_id}@{ICS_UID_DOMAIN}"


def _description(sheet: CrewSheet, stop: SheetStop) -> str:
    lines = [f"Stop {stop.seq} of {sheet.total_stops} — {sheet.crew_name}"]
    if stop.window_start is not None and stop.window_end is not None:
        lines.append(f"Window: {stop.window_start:%H:%M}–{stop.window_end:%H:%M}")
    if stop.deadline:
        lines.append(stop.deadline[:1].upper() + stop.deadline[1:])
    if stop.reasons:
        lines.append("Why today: " + "; ".join(stop.reasons))
    if stop.safety_notes:
        lines.append(f"SAFETY: {stop.safety_notes}")
    if stop.phone:
        lines.append(f"Phone: {stop.phone}")
    if stop.navigation_url:
        lines.append(f"Navigate: {stop.navigation_url}")
    return "\n".join(lines)


def _event(sheet: CrewSheet, stop: SheetStop) -> list[str]:
    assert stop.eta is not None
    end = stop.departure or stop.eta + timedelta(minutes=DEFAULT_EVENT_MIN)
    summary = f"{stop.seq}. {stop.visit_purpose or 'Visit'} – {stop.client_name}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{stop_uid(sheet, stop)}",
        f"SEQUENCE:{sheet.plan_version}",
        f"DTSTAMP:{_utc(sheet.printed_at)}",
        f"DTSTART:{_utc(stop.eta)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{ics_escape(summary)}",
        f"LOCATION:{ics_escape(stop.location_text)}",
    ]
    if stop.location is not None:
        lines.append(f"GEO:{stop.location.lat:.6f};{stop.location.lon:.6f}")
    lines.append(f"DESCRIPTION:{ics_escape(_description(sheet, stop))}")
    if stop.navigation_url:
        lines.append(f"URL:{stop.navigation_url}")
    lines += ["CLASS:CONFIDENTIAL", "END:VEVENT"]
    return lines


def crew_ics(sheet: CrewSheet) -> str:
    """The crew's day as an iCalendar document (CRLF line endings, folded lines)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{ICS_PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(f'{sheet.crew_name} {sheet.plan_date:%Y-%m-%d}')}",
    ]
    for stop in sheet.stops:
        if stop.eta is not None:
            lines += _event(sheet, stop)
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def write_crew_ics(sheet: CrewSheet, path: str | Path) -> Path:
    """One event per timed stop: start at the ETA, end at the planned departure (UTC), with the
    location, its coordinates and what to do there."""
    return _write_atomically(Path(path), crew_ics(sheet).encode("utf-8"))


# --- plan JSON ----------------------------------------------------------------------------------


def _as_document(value: str | Mapping[str, Any], what: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the stored {what} is not valid JSON: {exc}") from exc
    return dict(value)


def write_plan_json(
    problem_json: str | Mapping[str, Any], solution_json: str | Mapping[str, Any], path: str | Path
) -> Path:
    """The routing problem and its solution, both in VROOM's JSON format, in one file:
    `{"problem": {...}, "solution": {...}}` (each part can be fed to other VROOM tools)."""
    document = {
        "problem": _as_document(problem_json, "problem"),
        "solution": _as_document(solution_json, "solution"),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return _write_atomically(Path(path), text.encode("utf-8"))
