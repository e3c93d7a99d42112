"""Fuzzing the routing JSON reader (issue 14): whatever a problem file holds — any value in any
field, huge integers, deep nesting — it is read or refused with a ProblemError saying where,
never another exception (which `rounds solve` would report as a crash)."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.errors import ProblemError
from routing.matrix import GeodesicProvider
from routing.problem import Problem
from routing.solve import solve
from routing.vroom_json import problem_from_vroom

VALID: dict[str, Any] = {
    "vehicles": [
        {
            "id": 1, "start": [-78.9, 35.99], "end": [-78.9, 35.99], "time_window": [0, 36000],
            "skills": [1], "capacity": [5], "max_tasks": 4,
            "breaks": [{"id": 1, "time_windows": [[3600, 7200]], "service": 600}],
        }
    ],
    "jobs": [
        {"id": 1, "location": [-78.91, 35.995], "service": 300, "time_windows": [[0, 9000]],
         "skills": [1], "priority": 50, "delivery": [1], "description": "x"},
        {"id": 2, "location": [-78.92, 35.98], "service": 300, "soft_deadline": 4000,
         "lateness_cost_per_min": 10},
    ],
    "options": {"continuity_penalty": 0, "balance_cost": 0},
}  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*prefix, index))
    return found


PATHS = _paths(VALID)


def _ints(node: Any) -> list[int]:
    """Every integer inside a read Problem (dataclasses, tuples, arrays)."""
    if isinstance(node, bool):
        return []
    if isinstance(node, int):
        return [node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return [i for f in dataclasses.fields(node) for i in _ints(getattr(node, f.name))]
    if isinstance(node, (list, tuple, frozenset, set)):
        return [i for item in node for i in _ints(item)]
    return []


def _read(doc: Any) -> Problem | None:
    """The Problem, or None when refused; a Problem never carries an integer the solver's
    64-bit arithmetic could overflow on (times and amounts are at most 32 bits)."""
    try:
        problem = problem_from_vroom(doc, durations_provider=GeodesicProvider().durations)
    except ProblemError:
        return None
    wide = [i for i in _ints((problem.jobs, problem.vehicles)) if abs(i) >= 2**63]
    assert wide == []
    return problem


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3))
def test_any_value_anywhere_is_read_or_refused_with_a_problem_error(
    changes: list[tuple[tuple[Any, ...], Any]],
) -> None:
    doc = copy.deepcopy(VALID)
    for path, value in changes:
        target: Any = doc
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced this path's parent
    _read(doc)


@settings(max_examples=150)
@given(values)
def test_any_json_document_is_read_or_refused(doc: Any) -> None:
    _read(json.loads(json.dumps(doc)) if doc == doc else doc)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), st.integers(min_value=2**31, max_value=2**70))
def test_a_large_integer_anywhere_is_solved_or_refused(path: tuple[Any, ...], big: int) -> None:
    """What got through the reader, the solver takes: no overflow, no crash."""
    doc = copy.deepcopy(VALID)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = big
    problem = _read(doc)
    if problem is not None:
        solve(problem, time_limit_s=0.05)
