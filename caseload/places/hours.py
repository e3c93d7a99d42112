"""Opening hours and times of day as people write them, parsed into weekly intervals.

Opening hours: "Mon-Fri 07:00-19:00; Sat 09:00-13:00", "daily 18:00-08:00" (past midnight runs
into the next morning), "24/7", or "" (unknown: treated as always open, so a place is never
dropped for hours nobody entered). Times of day for a client's usual place: "morning",
"afternoon", "evening", "night", or clock ranges "07:00-11:00", comma separated; "" = any time.
Bad values raise `HoursError` saying what was read and what is expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from caseload.errors import UserError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEK_MIN = 7 * 24 * 60
DAY_MIN = 24 * 60
HOURS_EXPECTED = (
    'days and hours like "Mon-Fri 07:00-19:00; Sat 09:00-13:00", "daily 18:00-08:00" or "24/7"'
)
TIMES_EXPECTED = 'morning, afternoon, evening, night or a range like "07:00-11:00", comma separated'

# Named parts of the day (start, end) in minutes after midnight; night runs past midnight.
PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "morning": (6 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 22 * 60),
    "night": (22 * 60, 30 * 60),
}

_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class HoursError(UserError):
    """Opening hours or times of day that cannot be read."""


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Open intervals as minutes since Monday 00:00, half-open [start, end); may wrap the week.
    `always` when no hours are known or the place never closes."""

    intervals: tuple[tuple[int, int], ...]
    always: bool = False

    def open_at(self, when: datetime) -> bool:
        if self.always:
            return True
        minute = when.weekday() * DAY_MIN + when.hour * 60 + when.minute
        return any(
            start <= m < end for start, end in self.intervals for m in (minute, minute + WEEK_MIN)
        )


@dataclass(frozen=True, slots=True)
class TimesOfDay:
    """When a client is usually at a place: ranges in minutes after midnight (may pass 24:00)."""

    ranges: tuple[tuple[int, int], ...]

    @property
    def any_time(self) -> bool:
        return not self.ranges

    def covers(self, when: time) -> bool:
        if not self.ranges:
            return True
        minute = when.hour * 60 + when.minute
        return any(s <= m < e for s, e in self.ranges for m in (minute, minute + DAY_MIN))


def _clock(hours: str, minutes: str, text: str, expected: str) -> int:
    h, m = int(hours), int(minutes)
    if h > 24 or m > 59 or (h == 24 and m):
        raise HoursError(f'"{text}": {hours}:{minutes} is not a time of day; expected {expected}')
    return h * 60 + m


def _range(text: str, part: str, expected: str) -> tuple[int, int]:
    match = _RANGE.match(part)
    if match is None:
        raise HoursError(f'"{text}": cannot read "{part}"; expected {expected}')
    start = _clock(match[1], match[2], text, expected)
    end = _clock(match[3], match[4], text, expected)
    if start == end:
        raise HoursError(f'"{text}": "{part}" opens and closes at the same time')
    return start, end if end > start else end + DAY_MIN  # past midnight


def _days(text: str, spec: str) -> list[int]:
    spec = spec.lower()
    if spec in ("daily", "every day", "mon-sun"):
        return list(range(7))
    days: list[int] = []
    for chunk in (c.strip() for c in spec.split(",")):
        first, _, last = chunk.partition("-")
        names = [first[:3], last[:3]] if last else [first[:3]]
        if any(n not in DAYS for n in names) or len(first) < 3:
            raise HoursError(f'"{text}": cannot read the days "{chunk}"; expected {HOURS_EXPECTED}')
        a, b = DAYS.index(names[0]), DAYS.index(names[-1])
        days.extend((a + i) % 7 for i in range((b - a) % 7 + 1))
    return days


def parse_opening_hours(text: str) -> WeeklyHours:
    """'Mon-Fri 07:00-19:00; Sat 09:00-13:00' -> weekly intervals; '' or '24/7': always open."""
    cleaned = text.strip()
    if not cleaned or cleaned.lower() in ("24/7", "always", "daily 00:00-24:00"):
        return WeeklyHours((), always=True)
    intervals: list[tuple[int, int]] = []
    for rule in (r.strip() for r in cleaned.split(";")):
        if not rule:
            continue
        days_part, _, hours_part = rule.rpartition(" ")
        if not days_part:
            raise HoursError(f'"{text}": "{rule}" has no days; expected {HOURS_EXPECTED}')
        for ranges in hours_part.split(","):
            start, end = _range(text, ranges.strip(), HOURS_EXPECTED)
            for day in _days(text, days_part.strip()):
                intervals.append((day * DAY_MIN + start, day * DAY_MIN + end))
    return WeeklyHours(tuple(sorted(intervals)))


def parse_times_of_day(text: str) -> TimesOfDay:
    """'morning, 18:00-20:00' -> ranges; '' -> any time."""
    ranges: list[tuple[int, int]] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part in PARTS_OF_DAY:
            ranges.append(PARTS_OF_DAY[part])
        else:
            ranges.append(_range(text, part, TIMES_EXPECTED))
    return TimesOfDay(tuple(ranges))
