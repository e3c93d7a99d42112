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


# VROOM's own limit for times, durations, amounts and counts (unsigned 32-bit): a plan's
# arithmetic on them stays far inside the solver's 64-bit integers.
MAX_VALUE = 2**32 - 1
# Identifiers and skills may be negative (ours) and as wide as a signed 64-bit integer.
MAX_ID = 2**63 - 1
# Nesting deeper than this is no routing problem (VROOM's documents are about 5 levels deep).
MAX_DEPTH = 32


def _shown(value: int | float) -> str:
    text = repr(value)
    return text if len(text) <= 24 else f"a number of {len(text)} digits"


def as_int(value: Any, where: str, *, minimum: int | None = 0, maximum: int | None = None) -> int:
    """A whole number from `minimum` (None: any sign, as wide as an id) to `maximum` (default
    MAX_VALUE, or MAX_ID for a value of any sign)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProblemError(f"expected an integer, got {value!r}", where=where)
    if isinstance(value, float):
        if not value.is_integer():
            raise ProblemError(f"expected a whole number, got {_shown(value)}", where=where)
        value = int(value)
    if minimum is not None and value < minimum:
        raise ProblemError(f"must be >= {minimum}, got {_shown(value)}", where=where)
    low = -MAX_ID if minimum is None else minimum
    high = maximum if maximum is not None else (MAX_ID if minimum is None else MAX_VALUE)
    if not low <= value <= high:
        raise ProblemError(f"must be at most {high}, got {_shown(value)}", where=where)
    return int(value)


def check_depth(data: Any, *, limit: int = MAX_DEPTH) -> None:
    """Refuse a document nested deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise ProblemError(f"nested more than {limit} levels deep", where="problem")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


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
