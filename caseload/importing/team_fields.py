"""Reading the team's cells in staff and shift files: roles, certifications with expiry, clock
times, weekdays and exception kinds. Each bad cell becomes a problem (row, column, value,
expected) through the row's `RowChecker`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from caseload.enums import Certification, ShiftExceptionKind, StaffRole
from caseload.importing.fields import RowChecker
from caseload.team.rota import WEEKDAYS
from caseload.team.skills import Held


def key(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().lower())


ROLE_ALIASES: Mapping[str, StaffRole] = {
    **{role.value: role for role in StaffRole},
    "cp": StaffRole.COMMUNITY_PARAMEDIC,
    "paramedic": StaffRole.COMMUNITY_PARAMEDIC,
    "peer": StaffRole.PEER_SUPPORT,
    "peer_support_specialist": StaffRole.PEER_SUPPORT,
    "rn": StaffRole.NURSE,
    "manager": StaffRole.PROGRAM_MANAGER,
}
CERTIFICATION_ALIASES: Mapping[str, Certification] = {
    **{cert.value: cert for cert in Certification},
    "cp": Certification.COMMUNITY_PARAMEDIC,
    "rn": Certification.REGISTERED_NURSE,
    "peer_support_specialist": Certification.PEER_SUPPORT,
    "narcan_trainer": Certification.NALOXONE_TRAINER,
    "vaccinator": Certification.IMMUNIZER,
    "bls": Certification.CPR,
}
EXCEPTION_ALIASES: Mapping[str, ShiftExceptionKind] = {
    **{kind.value: kind for kind in ShiftExceptionKind},
    "vacation": ShiftExceptionKind.LEAVE,
    "pto": ShiftExceptionKind.LEAVE,
    "off": ShiftExceptionKind.LEAVE,
    "sick_leave": ShiftExceptionKind.SICK,
    "cover": ShiftExceptionKind.SWAP,
    "extra_shift": ShiftExceptionKind.EXTRA,
    "overtime": ShiftExceptionKind.EXTRA,
}
_DAY_INDEX = {name.lower(): i for i, name in enumerate(WEEKDAYS)} | {
    full: i
    for i, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_CLOCK = re.compile(r"(\d{1,2}):?(\d{2})(?::00)?")
_CERT = re.compile(r"(?P<name>[^:=]+?)\s*(?:[:=]\s*(?P<expires>\S+))?")


def role(cells: RowChecker, column: str) -> StaffRole | None:
    value = cells.row.get(column)
    found = ROLE_ALIASES.get(key(value))
    if found is None:
        allowed = ", ".join(r.value for r in StaffRole)
        cells.problem(column, value, f"one of {allowed} (also CP, RN, peer)")
    return found


def certifications(cells: RowChecker, column: str) -> tuple[Held, ...]:
    """`community_paramedic:2027-06-30; naloxone_trainer:2026-12-31; cpr` (no date: no expiry)."""
    held: list[Held] = []
    for part in cells.row.get(column).split(";"):
        if not part.strip():
            continue
        match = _CERT.fullmatch(part.strip())
        cert = CERTIFICATION_ALIASES.get(key(match.group("name"))) if match else None
        if match is None or cert is None:
            allowed = ", ".join(c.value for c in Certification)
            cells.problem(
                column,
                part.strip(),
                f"certifications separated by ';', each NAME or NAME:YYYY-MM-DD (its last valid "
                f"day), NAME from: {allowed}",
            )
            continue
        expires: date | None = None
        if match.group("expires"):
            try:
                expires = date.fromisoformat(match.group("expires"))
            except ValueError:
                cells.problem(column, part.strip(), "an expiry date written YYYY-MM-DD after ':'")
                continue
        if any(h.name == cert.value for h in held):
            cells.problem(column, part.strip(), "each certification once")
            continue
        held.append(Held(cert.value, expires))
    return tuple(held)


def clock_minute(cells: RowChecker, column: str, *, required: bool) -> int | None:
    """HH:MM (also H:MM, HHMM; 24:00 ends at midnight) as minutes after midnight."""
    value = cells.row.get(column)
    if not value:
        if required:
            cells.problem(column, value, "a time HH:MM, e.g. 07:00 (this column is required)")
        return None
    match = _CLOCK.fullmatch(value.strip())
    minute = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if match is None or int(match.group(2)) >= 60 or not 0 <= minute <= 24 * 60:
        cells.problem(column, value, "a time HH:MM from 00:00 to 24:00, e.g. 07:00 or 15:30")
        return None
    return minute


def whole_number(cells: RowChecker, column: str, *, default: int, low: int, high: int) -> int:
    value = cells.row.get(column)
    if not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        cells.problem(column, value, f"a whole number from {low} to {high}")
        return default
    return number


def hours(cells: RowChecker, column: str, *, default: float, high: float) -> float:
    value = cells.row.get(column)
    if not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= high:
        cells.problem(column, value, f"a number of hours from 0 to {high:g}")
        return default
    return number


def weekdays(cells: RowChecker, column: str) -> tuple[int, ...]:
    """`Mon-Fri`, `Mon;Wed;Fri`, `Sat`, `daily` -> weekday numbers (Monday 0)."""
    value = cells.row.get(column)
    expected = "weekdays such as Mon-Fri, Mon;Wed;Fri, Sat or daily"
    text = value.strip().lower()
    if text in ("daily", "every_day", "every day", "mon-sun"):
        return tuple(range(7))
    days: list[int] = []
    for part in re.split(r"[;,]", text):
        part = part.strip()
        if not part:
            continue
        ends = [p.strip() for p in part.split("-")]
        if len(ends) > 2 or any(e not in _DAY_INDEX for e in ends):
            cells.problem(column, value, expected)
            return ()
        first, last = _DAY_INDEX[ends[0]], _DAY_INDEX[ends[-1]]
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days += [d for d in span if d not in days]
    if not days:
        cells.problem(column, value, expected)
    return tuple(days)


def exception_kind(cells: RowChecker, column: str) -> ShiftExceptionKind | None:
    value = cells.row.get(column)
    found = EXCEPTION_ALIASES.get(key(value))
    if found is None:
        allowed = ", ".join(k.value for k in ShiftExceptionKind)
        cells.problem(column, value, f"one of {allowed} for a row with a date")
    return found
