"""Typed readers for the fields of a routing JSON document: each checks one value and raises
a ProblemError that says where (e.g. `jobs[3] (id 12).time_windows[0]`) and what it expected.
"""

from __future__ import annotations

import itertools
from typing import Any

from routing.errors import ProblemError
from routing.problem import TimeWindow

UNSUPPORTED = {
    "shipments": "shipments",
    "pickup": "pickups",
    "setup": "setup times",
    "speed_factor": "speed factors",
}


def as_int(value: Any, where: str, *, minimum: int | None = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(f"expected an integer, got {value!r}", where=where)
    if isinstance(value, float):
        if not value.is_integer():
            raise ProblemError(f"expected a whole number, got {value!r}", where=where)
        value = int(value)
    if minimum is not None and value < minimum:
        raise ProblemError(f"must be >= {minimum}, got {value}", where=where)
    return int(value)


def as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(f"expected a list, got {type(value).__name__}", where=where)
    return value


def as_obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProblemError(f"expected an object, got {type(value).__name__}", where=where)
    return value


def as_window(value: Any, where: str) -> TimeWindow:
    pair = as_list(value, where)
    if len(pair) != 2:
        raise ProblemError(f"expected [start, end], got {pair!r}", where=where)
    start, end = as_int(pair[0], where + "[0]"), as_int(pair[1], where + "[1]")
    if end < start:
        raise ProblemError(f"window ends ({end}) before it starts ({start})", where=where)
    return TimeWindow(start, end)


def as_windows(value: Any, where: str) -> tuple[TimeWindow, ...]:
    windows = [as_window(w, f"{where}[{k}]") for k, w in enumerate(as_list(value, where))]
    windows.sort(key=lambda w: w.start_s)
    for a, b in itertools.pairwise(windows):
        if b.start_s <= a.end_s:
            raise ProblemError("time windows overlap", where=where)
    return tuple(windows)


def as_amount(value: Any, where: str) -> int:
    if isinstance(value, list):
        if len(value) == 0:
            return 0
        if len(value) != 1:
            raise ProblemError("only one capacity dimension is supported", where=where)
        value = value[0]
    return as_int(value, where)


def as_skills(value: Any, where: str) -> frozenset[int]:
    return frozenset(
        as_int(s, f"{where}[{k}]", minimum=None) for k, s in enumerate(as_list(value, where))
    )
