"""What a search takes and returns, as plain values: the strategy, each improvement and the
result, in job and vehicle ids. `routing.model` runs the search (the one module that imports
OR-Tools); these types let the rest of routing, and the search processes of
`routing.portfolio`, talk about it without loading OR-Tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

FIRST_PLAN_GRACE_S = 30.0
"""How long a search may run past its time limit while it has no plan at all (a late plan
beats none); it stops at its first plan."""


class CancelToken(Protocol):
    """A `threading.Event` or `multiprocessing.Event`: the search stops once it is set."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class SearchStrategy:
    """OR-Tools search settings (enum member names as strings, so callers need no ortools)."""

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    disabled_operators: tuple[str, ...] = (
        "use_lin_kernighan",
        "use_global_cheapest_insertion_path_lns",
        "use_local_cheapest_insertion_path_lns",
        "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    )
    enabled_operators: tuple[str, ...] = ()
    insertion_sorting: tuple[str, ...] = ()
    """For LOCAL_CHEAPEST_INSERTION: the order visits are inserted in (e.g. by penalty)."""
    iterated: bool = False
    """Iterated local search with ruin-and-recreate (`SolveWithIteratedLocalSearch`: SISR
    strings, random walks or close routes removed, one at a time at random, reinserted by
    cheapest insertion, accepted by simulated annealing) instead of the metaheuristic. It
    ignores OR-Tools' cancel, so it runs only in a search process that can be stopped."""
    recreate: str = "LOCAL_CHEAPEST_INSERTION"
    """The iterated search's recreate heuristic (a first solution strategy name)."""
    recreate_sorting: tuple[str, ...] = ()
    """For a LOCAL_CHEAPEST_INSERTION recreate: the order removed visits go back in (e.g.
    PENALTY: the highest priority first)."""
    ruin_size: int = 10
    """Visits a ruin removes on average (SISR strings and random walks)."""
    acceptance: str = "simulated_annealing"
    """How the iterated search accepts a new reference plan: simulated_annealing (automatic
    temperatures), greedy_descent or more_nodes_performed."""


PORTFOLIO: tuple[SearchStrategy, ...] = (
    SearchStrategy(
        first_solution="LOCAL_CHEAPEST_INSERTION",
        insertion_sorting=("PENALTY",),
        disabled_operators=(),
    ),
    SearchStrategy(
        first_solution="LOCAL_CHEAPEST_INSERTION",
        insertion_sorting=("PENALTY",),
        metaheuristic="GREEDY_DESCENT",
        disabled_operators=(),
        iterated=True,
    ),
    SearchStrategy(),
    SearchStrategy(metaheuristic="GREEDY_DESCENT", disabled_operators=(), iterated=True),
    SearchStrategy(first_solution="SAVINGS", gls_lambda=0.05),
)
"""Strategies picked by seed (and by worker in parallel solves). The app runs the first two
side by side: guided local search and the iterated local search complement each other (each
wins on some days, see benchmarks/results). Both start from local cheapest insertion of the
visits by drop penalty (MUST, then priority): on the community-paramedic days the iterated
search then served 17 to 165 more priority than from parallel cheapest insertion, guided local
search up to 35 more (OR-Tools' default operators; single runs at 5 CPU s,
benchmarks/results/issue13.md)."""


@dataclass(frozen=True, slots=True)
class Improvement:
    """A new best solution found during the search (passed to `on_improvement`)."""

    elapsed_s: float
    objective: int
    served_jobs: int
    served_priority: int
    solutions: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What the search found, in ids. `routes[vehicle_id]` is the job ids in order;
    `break_starts[vehicle_id][break_id]` the solver's break start (a hint for scheduling)."""

    found: bool
    routes: dict[int, tuple[int, ...]]
    service_starts: dict[int, int]
    break_starts: dict[int, dict[int, int]]
    objective: int | None
    optimal: bool
    cancelled: bool
    time_limit_reached: bool
    elapsed_s: float
    first_solution_s: float | None
    solutions: int
    cpu_s: float = 0.0

    @classmethod
    def no_plan(
        cls,
        *,
        cancelled: bool,
        time_limit_reached: bool,
        elapsed_s: float,
        solutions: int,
        cpu_s: float = 0.0,
    ) -> SearchResult:
        """A search that ended without any plan."""
        return cls(
            False,
            {},
            {},
            {},
            None,
            False,
            cancelled,
            time_limit_reached,
            elapsed_s,
            None,
            solutions,
            cpu_s,
        )
