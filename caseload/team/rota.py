"""Working out who works on a day from the weekly pattern and that day's exceptions. Pure.

Each person has at most one shift a day (the pattern's row for the weekday). On top of it:
- a swap hands a person's shift (hours, crew, vehicle) to the colleague in `swap_with`, who
  works it instead of their own; the person is off unless another swap gives them a shift
  (so two swaps make a two-way exchange);
- an extra shift sets the person's hours (and crew) for the day, pattern or not;
- leave takes the person off; sick keeps them listed as out sick (the crew editor shows it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from caseload.enums import ShiftExceptionKind

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class PatternSlot:
    """One weekday of someone's weekly pattern (minutes after midnight; end may be 24:00)."""

    staff_id: int
    weekday: int  # 0 = Monday
    start_minute: int
    end_minute: int
    break_minutes: int = 30
    crew_name: str = ""
    vehicle: str = ""


@dataclass(frozen=True, slots=True)
class DayException:
    """A change to someone's pattern on one day (see the module's docstring)."""

    staff_id: int
    on: date
    kind: ShiftExceptionKind
    start_minute: int | None = None  # extra shifts
    end_minute: int | None = None
    break_minutes: int = 30
    crew_name: str = ""
    vehicle: str = ""
    swap_with_id: int | None = None  # swaps: who works the shift instead
    note: str = ""
    exception_id: int | None = None


@dataclass(frozen=True, slots=True)
class DaySlot:
    """Someone's shift on a day, as worked out from the pattern and the exceptions."""

    staff_id: int
    start_minute: int
    end_minute: int
    break_minutes: int
    crew_name: str
    vehicle: str
    out_sick: bool = False


def clock(minute: int) -> str:
    """'07:00' for 420; '24:00' for the end of the day."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def resolve_day(
    on: date, patterns: Iterable[PatternSlot], exceptions: Iterable[DayException]
) -> dict[int, DaySlot]:
    """Who works on `on`, by staff id (out-sick people included, flagged)."""
    planned: dict[int, DaySlot] = {
        p.staff_id: DaySlot(
            p.staff_id, p.start_minute, p.end_minute, p.break_minutes, p.crew_name, p.vehicle
        )
        for p in patterns
        if p.weekday == on.weekday()
    }
    todays = [e for e in exceptions if e.on == on]
    by_kind: Mapping[ShiftExceptionKind, list[DayException]] = {
        kind: [e for e in todays if e.kind is kind] for kind in ShiftExceptionKind
    }
    day = dict(planned)
    swaps = by_kind[ShiftExceptionKind.SWAP]
    takers = {e.swap_with_id for e in swaps}
    for swap in swaps:
        if swap.staff_id not in takers:
            day.pop(swap.staff_id, None)
    for swap in swaps:
        given = planned.get(swap.staff_id)
        if given is not None and swap.swap_with_id is not None:
            day[swap.swap_with_id] = replace(given, staff_id=swap.swap_with_id)
    for extra in by_kind[ShiftExceptionKind.EXTRA]:
        if extra.start_minute is None or extra.end_minute is None:
            continue
        day[extra.staff_id] = DaySlot(
            extra.staff_id,
            extra.start_minute,
            extra.end_minute,
            extra.break_minutes,
            extra.crew_name,
            extra.vehicle,
        )
    for leave in by_kind[ShiftExceptionKind.LEAVE]:
        day.pop(leave.staff_id, None)
    for sick in by_kind[ShiftExceptionKind.SICK]:
        if sick.staff_id in day:
            day[sick.staff_id] = replace(day[sick.staff_id], out_sick=True)
    return day
