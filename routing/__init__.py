"""Pure optimisation: problem/solution types, travel times, the OR-Tools model, an independent
validator and the VROOM-format JSON. Imports nothing else of ours.

By pipeline stage: `problem` (and `geo`, `matrix`, `osrm` for travel times) -> `solve`, which
runs `explain.precheck`, the search (`model`, or `portfolio` in several processes; `search`
holds the plain-value types both speak), `schedule`, `repair` and `explain` -> `solution`.
`validator` checks a solution independently; `vroom_json` reads and writes the routing JSON.

Importing `routing` does not import OR-Tools: the model module loads on the first `solve`.
"""

from __future__ import annotations

from routing.errors import ProblemError, RoutingError, SolveError
from routing.geo import LatLon
from routing.problem import MUST_PRIORITY, Break, Job, Problem, TimeWindow, Vehicle
from routing.solution import Route, Solution, Step, Summary, Unassigned
from routing.solve import ProgressInfo, solve
from routing.validator import assert_valid, validate
from routing.violation import Violation

__all__ = [
    "MUST_PRIORITY",
    "Break",
    "Job",
    "LatLon",
    "Problem",
    "ProblemError",
    "ProgressInfo",
    "Route",
    "RoutingError",
    "Solution",
    "SolveError",
    "Step",
    "Summary",
    "TimeWindow",
    "Unassigned",
    "Vehicle",
    "Violation",
    "assert_valid",
    "solve",
    "validate",
]
