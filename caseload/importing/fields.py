"""Checking one cell of an import file: every problem becomes a `RowProblem` (row, column, value,
what was expected) and checking goes on, so a file's problems are all reported at once."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta, tzinfo

from caseload.enums import ConsentState, EventKind, HousingStatus, ProgramCode
from caseload.errors import RowProblem
from caseload.importing.tabular import TableRow

EARLIEST_DATE = date(1900, 1, 1)
ZIP_PATTERN = re.compile(r"\d{5}(-\d{4})?")
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
_HAS_TIME = re.compile(r"\d{4}-?\d{2}-?\d{2}[T ]\d{2}")

# Accepted spellings of event kinds (compared lower-case, spaces and hyphens read as "_").
EVENT_KIND_ALIASES: Mapping[str, EventKind] = {
    **{kind.value: kind for kind in EventKind},
    "911": EventKind.CALL_911,
    "911_call": EventKind.CALL_911,
    "ed": EventKind.ED_VISIT,
    "er": EventKind.ED_VISIT,
    "ed_visit": EventKind.ED_VISIT,
    "er_visit": EventKind.ED_VISIT,
    "emergency_department": EventKind.ED_VISIT,
    "od": EventKind.OVERDOSE,
    "nonfatal_overdose": EventKind.OVERDOSE,
    "non_fatal_overdose": EventKind.OVERDOSE,
    "discharge": EventKind.HOSPITAL_DISCHARGE,
    "admission": EventKind.HOSPITAL_ADMISSION,
    "admit": EventKind.HOSPITAL_ADMISSION,
    "transport": EventKind.EMS_TRANSPORT,
    "ambulance_transport": EventKind.EMS_TRANSPORT,
}


# Accepted spellings of consent (compared like event kinds); a blank cell is "not recorded".
CONSENT_ALIASES: Mapping[str, ConsentState] = {
    **{state.value: state for state in ConsentState},
    "yes": ConsentState.GIVEN,
    "no": ConsentState.DECLINED,
}
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0", ""})


def _key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


class RowChecker:
    """Reads typed values from one row, recording a problem for each bad cell."""

    def __init__(self, row: TableRow, problems: list[RowProblem]) -> None:
        self.row = row
        self.problems = problems
        self.ok = True

    def problem(self, column: str, value: str, expected: str) -> None:
        self.ok = False
        self.problems.append(RowProblem(self.row.number, column, value, expected))

    def text(self, column: str, *, max_len: int, required: bool = False) -> str:
        value = self.row.get(column)
        if required and not value:
            self.problem(column, value, "a value (this column is required)")
        elif len(value) > max_len:
            self.problem(column, value, f"at most {max_len} characters")
        return value

    def day(self, column: str, *, latest: date, required: bool = False) -> date | None:
        """A date written YYYY-MM-DD, from 1900-01-01 to `latest`."""
        value = self.row.get(column)
        if not value:
            if required:
                self.problem(column, value, "a date as YYYY-MM-DD (this column is required)")
            return None
        match = _ISO_DATE.fullmatch(value)
        try:
            parsed = date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.problem(column, value, "a real date written YYYY-MM-DD, e.g. 1961-07-24")
        elif parsed < EARLIEST_DATE:
            self.problem(column, value, "a date on or after 1900-01-01")
        elif parsed > latest:
            self.problem(column, value, f"a date that is not in the future (today is {latest})")
        else:
            return parsed
        return None

    def moment(self, column: str, *, zone: tzinfo, latest: datetime) -> datetime | None:
        """An ISO 8601 date and time; without an offset it is taken in `zone`."""
        value = self.row.get(column)
        expected = (
            "a date and time in ISO 8601, e.g. 2024-05-01T14:30 or 2024-05-01 14:30:00-04:00 "
            f"(times without an offset are taken as {zone})"
        )
        if not value:
            self.problem(column, value, expected + " (this column is required)")
            return None
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        try:
            parsed = datetime.fromisoformat(text) if _HAS_TIME.match(text) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.problem(column, value, expected)
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        if parsed.date() < EARLIEST_DATE:
            self.problem(column, value, "a time on or after 1900-01-01")
        elif parsed > latest:
            self.problem(column, value, "a time that is not in the future")
        else:
            return parsed
        return None

    def zip_code(self, column: str) -> str:
        value = self.row.get(column)
        if value and not ZIP_PATTERN.fullmatch(value):
            self.problem(column, value, "a 5-digit ZIP code or ZIP+4 (27701 or 27701-1234)")
        return value

    def number(self, column: str, *, low: float, high: float, what: str) -> float | None:
        value = self.row.get(column)
        try:
            parsed = float(value)
        except ValueError:
            parsed = math.nan
        if not math.isfinite(parsed) or not low <= parsed <= high:
            self.problem(column, value, f"a {what} in decimal degrees from {low:g} to {high:g}")
            return None
        return parsed

    def lat_lon(self) -> tuple[float, float] | None:
        """Both `lat` and `lon`, or neither."""
        lat_text, lon_text = self.row.get("lat"), self.row.get("lon")
        if not lat_text and not lon_text:
            return None
        if not lon_text:
            self.problem(
                "lon", lon_text, "a longitude as well, because lat is given (both or neither)"
            )
            return None
        if not lat_text:
            self.problem(
                "lat", lat_text, "a latitude as well, because lon is given (both or neither)"
            )
            return None
        lat = self.number("lat", low=-90.0, high=90.0, what="latitude")
        lon = self.number("lon", low=-180.0, high=180.0, what="longitude")
        return None if lat is None or lon is None else (lat, lon)

    def housing(self, column: str) -> HousingStatus:
        value = self.row.get(column)
        if not value:
            return HousingStatus.HOUSED
        try:
            return HousingStatus(value.lower())
        except ValueError:
            self.problem(column, value, "one of " + ", ".join(h.value for h in HousingStatus))
            return HousingStatus.HOUSED

    def programs(self, column: str, known: Collection[str] | None = None) -> tuple[str, ...]:
        """Program codes separated by ';': the database's programs (`known`), else the
        built-in ones."""
        allowed_codes = sorted(known) if known is not None else [p.value for p in ProgramCode]
        codes: list[str] = []
        for part in self.row.get(column).split(";"):
            code = part.strip().lower()
            if not code:
                continue
            if code not in allowed_codes:
                allowed = ", ".join(allowed_codes)
                self.problem(
                    column, part.strip(), f"program codes separated by ';' from: {allowed}"
                )
                continue
            if code not in codes:
                codes.append(code)
        return tuple(codes)

    def flag(self, column: str) -> bool:
        """yes/no (also y/n, true/false, 1/0); blank is no."""
        value = self.row.get(column)
        if value.strip().lower() in _YES:
            return True
        if value.strip().lower() not in _NO:
            self.problem(column, value, "yes or no (blank means no)")
        return False

    def consent(self, column: str) -> ConsentState:
        """given, declined or not_recorded (also yes/no); blank is not recorded."""
        value = self.row.get(column)
        if not value.strip():
            return ConsentState.NOT_RECORDED
        state = CONSENT_ALIASES.get(_key(value))
        if state is None:
            allowed = ", ".join(c.value for c in ConsentState)
            self.problem(column, value, f"one of {allowed} (or yes, no; blank: not recorded)")
            return ConsentState.NOT_RECORDED
        return state

    def event_kind(self, column: str) -> EventKind | None:
        value = self.row.get(column)
        kind = EVENT_KIND_ALIASES.get(_key(value))
        if kind is None:
            allowed = ", ".join(k.value for k in EventKind)
            self.problem(
                column,
                value,
                f"one of {allowed} (or 911, ED, ER, OD, discharge, admission, transport)",
            )
        return kind


def not_after(now: datetime, slack: timedelta = timedelta(minutes=10)) -> datetime:
    """The latest acceptable event time: now, with a little slack for clocks that run fast."""
    return now + slack
