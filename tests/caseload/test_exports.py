"""CSV, ICS and plan-JSON outputs of a planned day."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseload.planning.exports import (
    CSV_COLUMNS,
    crew_ics,
    ics_escape,
    ics_fold,
    write_crew_ics,
    write_plan_json,
    write_stops_csv,
)
from tests.caseload.sheets_data import sample_sheet

# --- a small RFC 5545 reader for the tests ---------------------------------------------------


def unfold(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert "\n" not in text.replace("\r\n", ""), "bare LF line ending"
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def events(raw: bytes) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(raw):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return found


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_the_columns_and_one_row_per_stop_in_route_order(tmp_path: Path) -> None:
    sheets = [sample_sheet(3, crew_name="Medic 1"), sample_sheet(2, crew_name="Medic 2",
                                                                  first_client=3)]  # fmt: skip
    path = write_stops_csv(sheets, tmp_path / "out" / "stops.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["crew"], r["stop"]) for r in rows] == [
        ("Medic 1", "1"), ("Medic 1", "2"), ("Medic 1", "3"), ("Medic 2", "1"), ("Medic 2", "2"),
    ]  # fmt: skip
    first = sheets[0].stops[0]
    assert rows[0]["client"] == first.client_name
    assert rows[0]["eta"] == "2026-11-20T08:20-05:00"
    assert rows[0]["phone"] == first.phone
    assert rows[2]["location"].startswith("Usual place: Bridge camp 2")
    assert rows[1]["window_start"] and not rows[0]["window_start"]
    assert rows[0]["reasons"] == "overdose 41 h ago"


def test_csv_cells_never_start_a_spreadsheet_formula(tmp_path: Path) -> None:
    sheet = sample_sheet(1)
    evil = dataclasses.replace(sheet.stops[0], safety_notes='=HYPERLINK("x")', phone="+1 919")
    sheet = dataclasses.replace(sheet, stops=(evil,))
    path = write_stops_csv([sheet], tmp_path / "stops.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["safety_notes"] == '\'=HYPERLINK("x")'
    assert row["phone"] == "'+1 919"


@pytest.mark.parametrize(
    "value",
    ["-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "-1-1", " =1+1", "\uff1dSUM(A1)", "@SUM(A1)"],
)
def test_csv_cells_starting_like_a_formula_are_neutralised(tmp_path: Path, value: str) -> None:
    """OWASP's list (= + - @ tab CR), also after spaces and in full-width: a leading quote."""
    sheet = sample_sheet(1)
    stop = dataclasses.replace(
        sheet.stops[0], safety_notes=value, location_text=value, client_name=value
    )
    path = write_stops_csv([dataclasses.replace(sheet, stops=(stop,))], tmp_path / "s.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["safety_notes"] == row["location"] == row["client"] == "'" + value


def test_plain_numbers_and_ordinary_text_are_left_alone(tmp_path: Path) -> None:
    sheet = sample_sheet(1)
    stop = dataclasses.replace(sheet.stops[0], safety_notes="-12.5", location_text="Elm St - rear")
    path = write_stops_csv([dataclasses.replace(sheet, stops=(stop,))], tmp_path / "s.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["safety_notes"], row["location"]) == ("-12.5", "Elm St - rear")
    assert row["lon"].startswith("-")  # coordinates stay numbers


def test_phi_minimised_csv_has_no_phone_or_age(tmp_path: Path) -> None:
    path = write_stops_csv([sample_sheet(4, minimised=True)], tmp_path / "stops.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert "919-555" not in text and "Marisol" not in text
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert all(r["age"] == "" and r["phone"] == "" for r in csv.DictReader(handle))


# --- ICS --------------------------------------------------------------------------------------


def test_ics_has_one_event_per_stop_in_utc(tmp_path: Path) -> None:
    sheet = sample_sheet(6)
    raw = write_crew_ics(sheet, tmp_path / "medic-1.ics").read_bytes()
    lines = unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    got = events(raw)
    assert len(got) == 6
    for event, stop in zip(got, sheet.stops, strict=True):
        assert stop.eta is not None and stop.departure is not None
        assert event["DTSTART"] == stop.eta.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        assert event["DTEND"] == stop.departure.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        assert unescape(event["LOCATION"]) == stop.location_text
        assert unescape(event["SUMMARY"]).startswith(f"{stop.seq}. {stop.visit_purpose}")
        assert stop.location is not None
        assert event["GEO"] == f"{stop.location.lat:.6f};{stop.location.lon:.6f}"
        assert f"Stop {stop.seq} of 6" in unescape(event["DESCRIPTION"])
    # 08:20 in New York on 20 Nov 2026 is 13:20 UTC.
    assert got[0]["DTSTART"] == "20261120T132000Z"
    assert len({e["UID"] for e in got}) == 6


def test_ics_uids_are_stable_and_hold_no_names() -> None:
    a, b = events(crew_ics(sample_sheet(3)).encode()), events(crew_ics(sample_sheet(3)).encode())
    assert [e["UID"] for e in a] == [e["UID"] for e in b]
    assert all("Marisol" not in e["UID"] for e in a)


def test_ics_physical_lines_fit_75_octets_and_escape_specials() -> None:
    sheet = sample_sheet(2)
    long = dataclasses.replace(
        sheet.stops[0],
        location_text="Usual place: Église St-Jean; under the bridge, by the river\\east — " * 3,
        safety_notes="Line one\nLine two, with comma; and semicolon",
    )
    sheet = dataclasses.replace(sheet, stops=(long,))
    raw = crew_ics(sheet).encode("utf-8")
    for physical in raw.split(b"\r\n"):
        assert len(physical) <= 75
    (event,) = events(raw)
    assert unescape(event["LOCATION"]) == long.location_text
    assert "SAFETY: Line one\nLine two, with comma; and semicolon" in unescape(event["DESCRIPTION"])
    assert "\\;" in event["LOCATION"] and "\\," in event["LOCATION"]


def test_ics_summary_carries_initials_when_minimised() -> None:
    sheet = sample_sheet(2, minimised=True)
    text = crew_ics(sheet)
    assert "Marisol" not in text and "919-555" not in text
    assert unescape(events(text.encode())[0]["SUMMARY"]).endswith("– M. Q.")


@given(st.text(max_size=300))
def test_folding_then_unfolding_gives_back_the_line(line: str) -> None:
    line = "DESCRIPTION:" + ics_escape(line)
    folded = ics_fold(line)
    assert all(len(p.encode("utf-8")) <= 75 for p in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


@given(st.text(max_size=100))
def test_escaped_text_round_trips_and_has_no_raw_specials(text: str) -> None:
    escaped = ics_escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert re.search(r"(?<!\\)(\\\\)*[;,]", escaped) is None
    assert unescape(escaped) == text.replace("\r\n", "\n").replace("\r", "\n")


# --- plan JSON --------------------------------------------------------------------------------


def test_plan_json_holds_problem_and_solution(tmp_path: Path) -> None:
    problem = {"vehicles": [{"id": 1}], "jobs": [{"id": 5, "location": [-78.9, 35.99]}]}
    solution = {"code": 0, "routes": [], "unassigned": []}
    path = write_plan_json(json.dumps(problem), solution, tmp_path / "plan.json")
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "problem": problem,
        "solution": solution,
    }
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left


def test_outputs_are_written_in_place_of_older_files(tmp_path: Path) -> None:
    target = tmp_path / "stops.csv"
    target.write_text("old", encoding="utf-8")
    write_stops_csv([sample_sheet(1)], target)
    assert "old" not in target.read_text(encoding="utf-8-sig")


def test_a_late_first_contact_says_how_late_in_the_calendar_and_the_csv(tmp_path: Path) -> None:
    sheet = sample_sheet(2)
    first, second = sheet.stops
    late = dataclasses.replace(
        second,
        window_start=None,
        window_end=None,
        deadline="due 05:16, planned 08:40 (3 h 24 min late)",
    )
    late_sheet = dataclasses.replace(sheet, stops=(first, late))
    (_, event) = events(crew_ics(late_sheet).encode())
    description = unescape(event["DESCRIPTION"])
    assert "Due 05:16, planned 08:40 (3 h 24 min late)" in description
    assert "Window:" not in description
    target = tmp_path / "stops.csv"
    write_stops_csv([late_sheet], target)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["deadline"] for r in rows] == ["", "due 05:16, planned 08:40 (3 h 24 min late)"]
