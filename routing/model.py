"""The OR-Tools model: the only module of ours that imports ortools.

`run_search` builds a routing model for the jobs that passed the pre-checks, searches, and
returns plain Python values (job and break ids per vehicle id): OR-Tools indices never leave
this module.

Model, in OR-Tools terms: one node per job plus one depot node per distinct start/end location,
shared by the vehicles using it (no location: a node with zero travel to and from all). Time
dimension: transit = service at the origin + travel; a job's cumul is its service start,
restricted to the union of its windows; slack = waiting. Breaks are interval variables on the
time dimension (`SetBreakIntervalsOfVehicle`) that may overlap travel and waiting but never a
visit. Skills and pins restrict each job's vehicles; capacity and max tasks are dimensions;
every job is optional (a disjunction) with a drop penalty that makes the objective
lexicographic: MUST jobs, then priority, then the number of jobs, then cost. A soft deadline
is a soft upper bound on the job's cumul (`SetCumulVarSoftUpperBound`): its lateness cost sits
in the last tier, weighed with travel at `lateness_cost_per_min` travel seconds per second
late (MUST 100, HIGH 10 in planning make lateness dominate travel), so being late never
outweighs serving a visit.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from ortools.constraint_solver import (
    pywrapcp,
    routing_enums_pb2,
    routing_heuristic_parameters_pb2,
    routing_ils_pb2,
)

from routing.errors import ProblemError, SolveError
from routing.objective import drop_penalties, horizon
from routing.problem import Job, Problem
from routing.search import (
    FIRST_PLAN_GRACE_S,
    CancelToken,
    Improvement,
    SearchResult,
    SearchStrategy,
)


class _State:
    def __init__(self) -> None:
        self.best: int | None = None
        self.count = 0
        self.first_s: float | None = None


class _Built:
    """The OR-Tools objects for one problem (kept together for their lifetime)."""

    def __init__(self, problem: Problem, jobs: Sequence[Job]) -> None:
        self.problem = problem
        self.jobs = list(jobs)
        m, nv = len(self.jobs), len(problem.vehicles)
        # One depot node per distinct start/end location (-1: none, zero travel to anything),
        # shared by the vehicles using it: shared depots make OR-Tools' search ~30% faster
        # than a start and an end node per vehicle (measured on Solomon R101).
        depot_locs = sorted(
            {-1 if i is None else i for v in problem.vehicles for i in (v.start_index, v.end_index)}
        )
        depot_node = {loc: m + k for k, loc in enumerate(depot_locs)}
        n_depots = len(depot_locs)
        starts = [
            depot_node[-1 if v.start_index is None else v.start_index] for v in problem.vehicles
        ]
        ends = [depot_node[-1 if v.end_index is None else v.end_index] for v in problem.vehicles]
        self.manager = pywrapcp.RoutingIndexManager(m + n_depots, nv, starts, ends)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.solver = self.routing.solver()
        routing = self.routing

        locs = np.array([j.location_index for j in self.jobs] + depot_locs, dtype=np.int64)
        clipped = np.where(locs < 0, 0, locs)
        travel: NDArray[np.int64] = problem.durations[np.ix_(clipped, clipped)].copy()
        travel[locs < 0, :] = 0
        travel[:, locs < 0] = 0
        service = np.array([j.service_s for j in self.jobs] + [0] * n_depots, dtype=np.int64)
        self.service = service
        self.horizon = horizon(problem, self.jobs)

        # Arc costs: travel, plus the continuity penalty on arriving at a job whose preferred
        # crew is another one. Vehicles that nobody prefers share one evaluator.
        preferred = np.array(
            [-1 if j.preferred_vehicle is None else j.preferred_vehicle for j in self.jobs]
            + [-1] * n_depots,
            dtype=np.int64,
        )
        penalty = problem.continuity_penalty_s
        self.cost_callbacks: dict[int | None, int] = {}
        if penalty > 0 and (preferred >= 0).any():
            prefs = {int(p) for p in preferred if p >= 0}
            for v, vehicle in enumerate(problem.vehicles):
                key: int | None = vehicle.id if vehicle.id in prefs else None
                if key not in self.cost_callbacks:
                    col = (preferred >= 0) & (preferred != (-2 if key is None else key))
                    cost = travel + penalty * col[np.newaxis, :].astype(np.int64)
                    self.cost_callbacks[key] = routing.RegisterTransitMatrix(cost.tolist())
                routing.SetArcCostEvaluatorOfVehicle(self.cost_callbacks[key], v)
        else:
            cb = routing.RegisterTransitMatrix(travel.tolist())
            routing.SetArcCostEvaluatorOfAllVehicles(cb)
        travel_bound = int(travel.max(initial=0)) * (m + nv) + penalty * m

        # Time.
        transit = travel + service[:, np.newaxis]
        time_cb = routing.RegisterTransitMatrix(transit.tolist())
        routing.AddDimension(time_cb, self.horizon, self.horizon, False, "time")
        self.time = routing.GetDimensionOrDie("time")
        for k, job in enumerate(self.jobs):
            index = self.manager.NodeToIndex(k)
            cumul = self.time.CumulVar(index)
            if job.soft_deadline_s is not None and job.lateness_cost_per_min > 0:
                # Coefficient per second late, in travel seconds (see `Job`).
                cost = job.lateness_cost_per_min
                self.time.SetCumulVarSoftUpperBound(index, job.soft_deadline_s, cost)
                travel_bound += cost * self.horizon
            if job.time_windows:
                cumul.SetRange(job.time_windows[0].start_s, job.time_windows[-1].end_s)
                for a, b in zip(job.time_windows, job.time_windows[1:], strict=False):
                    if b.start_s - 1 >= a.end_s + 1:
                        cumul.RemoveInterval(a.end_s + 1, b.start_s - 1)
        for v, vehicle in enumerate(problem.vehicles):
            lo, hi = (0, self.horizon)
            if vehicle.time_window is not None:
                lo, hi = vehicle.time_window.start_s, vehicle.time_window.end_s
            self.time.CumulVar(routing.Start(v)).SetRange(lo, hi)
            self.time.CumulVar(routing.End(v)).SetRange(lo, hi)

        # Workload balance: the longest crew's travel + service, weighted.
        if problem.balance_cost_per_s > 0:
            routing.AddDimension(time_cb, 0, self.horizon, True, "work")
            routing.GetDimensionOrDie("work").SetGlobalSpanCostCoefficient(
                problem.balance_cost_per_s
            )
            travel_bound += problem.balance_cost_per_s * self.horizon

        self._add_breaks()

        # Capacity (deliveries) and max tasks.
        if any(j.delivery for j in self.jobs) or any(
            v.capacity is not None for v in problem.vehicles
        ):
            total = sum(j.delivery for j in self.jobs)
            demand = routing.RegisterUnaryTransitVector(
                [j.delivery for j in self.jobs] + [0] * n_depots
            )
            routing.AddDimensionWithVehicleCapacity(
                demand,
                0,
                [total if v.capacity is None else v.capacity for v in problem.vehicles],
                True,
                "load",
            )
        if any(v.max_tasks is not None for v in problem.vehicles):
            ones = routing.RegisterUnaryTransitVector([1] * m + [0] * n_depots)
            routing.AddDimensionWithVehicleCapacity(
                ones,
                0,
                [m if v.max_tasks is None else v.max_tasks for v in problem.vehicles],
                True,
                "tasks",
            )

        # Skills and pins; optional visits with lexicographic drop penalties.
        all_v = list(range(nv))
        vpos = {v.id: k for k, v in enumerate(problem.vehicles)}
        for k, job in enumerate(self.jobs):
            allowed = [
                v
                for v in all_v
                if job.skills <= problem.vehicles[v].skills
                and (job.pinned_vehicle is None or problem.vehicles[v].id == job.pinned_vehicle)
            ]
            if not allowed:
                raise SolveError(f"job {job.id} reached the model without an eligible vehicle")
            if len(allowed) < nv:
                # VehicleVar is -1 when the visit is dropped.
                routing.VehicleVar(self.manager.NodeToIndex(k)).SetValues([-1, *allowed])
        for k, pen in enumerate(drop_penalties(problem, self.jobs, travel_bound)):
            routing.AddDisjunction([self.manager.NodeToIndex(k)], pen)

        # Locked route prefixes.
        node_of = {j.id: k for k, j in enumerate(self.jobs)}
        for vehicle in problem.vehicles:
            prev = routing.Start(vpos[vehicle.id])
            for jid in vehicle.locked_jobs:
                if jid not in node_of:
                    raise ProblemError(
                        f"locked job {jid} cannot be served by this crew at all",
                        where=f"vehicle {vehicle.id}",
                    )
                index = self.manager.NodeToIndex(node_of[jid])
                self.solver.Add(routing.NextVar(prev) == index)
                prev = index

    def _add_breaks(self) -> None:
        problem, routing, solver = self.problem, self.routing, self.solver
        node_visit_transits = [
            int(self.service[self.manager.IndexToNode(i)]) for i in range(routing.Size())
        ]
        self.break_vars: dict[str, tuple[int, int]] = {}
        for v, vehicle in enumerate(problem.vehicles):
            if not vehicle.breaks:
                continue
            shift_lo, shift_hi = 0, self.horizon
            if vehicle.time_window is not None:
                shift_lo, shift_hi = vehicle.time_window.start_s, vehicle.time_window.end_s
            intervals = []
            for brk in vehicle.breaks:
                windows = brk.time_windows
                lo = max(shift_lo, windows[0].start_s if windows else shift_lo)
                hi = min(shift_hi - brk.service_s, windows[-1].end_s if windows else shift_hi)
                if lo > hi:
                    raise ProblemError(
                        f"break {brk.id} ({brk.service_s} s) cannot be taken inside the shift",
                        where=f"vehicle {vehicle.id}",
                    )
                name = f"break_{v}_{brk.id}"
                start = solver.IntVar(lo, hi, name + "_start")
                for a, b in itertools.pairwise(windows):
                    if b.start_s - 1 >= a.end_s + 1:
                        start.RemoveInterval(a.end_s + 1, b.start_s - 1)
                interval = solver.FixedDurationIntervalVar(start, brk.service_s, name)
                solver.Add(interval.StartExpr() >= self.time.CumulVar(routing.Start(v)))
                solver.Add(interval.EndExpr() <= self.time.CumulVar(routing.End(v)))
                intervals.append(interval)
                self.break_vars[name] = (vehicle.id, brk.id)
            self.time.SetBreakIntervalsOfVehicle(intervals, v, node_visit_transits)


def _iterated_parameters(params: object, strategy: SearchStrategy) -> None:
    """Ruin-and-recreate settings: one ruin picked at random per perturbation (SISR strings,
    a random walk or two close routes), reinserted by `strategy.recreate`, improved by
    local search and accepted by `strategy.acceptance` (simulated annealing with automatic
    temperatures: the default absolute temperatures do not fit our scaled costs). Chosen on
    Solomon and the CP days: see ../shared/solver-leads.md and benchmarks/results."""
    ils = params.iterated_local_search_parameters  # type: ignore[attr-defined]
    ils.perturbation_strategy = routing_ils_pb2.PerturbationStrategy.RUIN_AND_RECREATE
    rr = ils.ruin_recreate_parameters
    sisr = rr.ruin_strategies.add().sisr
    sisr.max_removed_sequence_size = strategy.ruin_size
    sisr.avg_num_removed_visits = strategy.ruin_size
    sisr.bypass_factor = 0.01
    rr.ruin_strategies.add().random_walk.num_removed_visits = strategy.ruin_size
    rr.ruin_strategies.add().spatially_close_routes.num_ruined_routes = 2
    rr.ruin_composition_strategy = routing_ils_pb2.RuinCompositionStrategy.RUN_ONE_RANDOMLY
    rr.recreate_strategy.heuristic = getattr(
        routing_enums_pb2.FirstSolutionStrategy, strategy.recreate
    )
    for prop in strategy.recreate_sorting:
        rr.recreate_strategy.parameters.local_cheapest_insertion.insertion_sorting_properties.append(
            getattr(
                routing_heuristic_parameters_pb2.LocalCheapestInsertionParameters,
                f"SORTING_PROPERTY_{prop}",
            )
        )
    ils.improve_perturbed_solution = True
    accept = ils.reference_solution_acceptance_strategy
    if strategy.acceptance == "simulated_annealing":
        accept.simulated_annealing.automatic_temperatures = True
    else:
        getattr(accept, strategy.acceptance).SetInParent()
    ils.best_solution_acceptance_strategy.greedy_descent.SetInParent()


def _parameters(
    strategy: SearchStrategy, time_limit_s: float, solution_limit: int | None
) -> object:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, strategy.first_solution
    )
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, strategy.metaheuristic
    )
    params.guided_local_search_lambda_coefficient = strategy.gls_lambda
    ops = params.local_search_operators
    for name in strategy.disabled_operators:
        setattr(ops, name, 2)  # OptionalBoolean.BOOL_FALSE
    for name in strategy.enabled_operators:
        setattr(ops, name, 3)  # OptionalBoolean.BOOL_TRUE
    for prop in strategy.insertion_sorting:
        params.local_cheapest_insertion_parameters.insertion_sorting_properties.append(
            getattr(
                routing_heuristic_parameters_pb2.LocalCheapestInsertionParameters,
                f"SORTING_PROPERTY_{prop}",
            )
        )
    if strategy.iterated:
        _iterated_parameters(params, strategy)
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    return params


def stagnation_window(n_jobs: int) -> int:
    """Accepted solutions without a new best after which a search stops: scaled to the
    problem so tiny days answer at once while real days keep their whole time limit (guided
    local search finds improvements hundreds of solutions apart on 30-visit days). A count,
    not a time, so the same input gives the same plan however busy the machine is."""
    return 200 + 50 * n_jobs


CAPPED_JOBS = 12
"""Days this small get a budget of search branches (`branch_budget`) on top of the stagnation
count: guided local search on a tiny day can accept no solution at all after its first (one
visit, one crew: every move is worse), so the count of accepted solutions never grows and it
would spin to its time limit. A branch count, not a clock: the same input still gives the
same plan."""


SMALL_DAY_DISABLED = SearchStrategy().disabled_operators
"""Operators switched off on days of at most `CAPPED_JOBS` visits (LK and the path-LNS
operators: on 10-12 visits they turned 0.2-0.5 s answers into 1-4 s ones)."""


def branch_budget(n_jobs: int) -> int:
    """Search branches a small day may use: hundredths of a second for one visit (measured
    ~1.5 M branches/s), about a second for twelve (~40 k/s); the stagnation count usually
    ends the search well before."""
    return 20_000 + 2_000 * n_jobs


def run_search(
    problem: Problem,
    jobs: Sequence[Job],
    *,
    time_limit_s: float,
    strategy: SearchStrategy | None = None,
    on_improvement: Callable[[Improvement], None] | None = None,
    cancel: CancelToken | None = None,
    solution_limit: int | None = None,
    cpu_time_limit_s: float | None = None,
    deadline: float | None = None,
    stagnation: int | None = None,
    on_best: Callable[[SearchResult], None] | None = None,
    stop_hard: Callable[[SearchResult | None], None] | None = None,
) -> SearchResult:
    """Search for routes serving as many of `jobs` (pre-checked) as possible.

    `cpu_time_limit_s` stops the search after that much CPU time of this thread (a fair budget
    on a shared machine); `time_limit_s` (wall clock) applies as well, counted from the start
    of the search, and `deadline` (a `time.monotonic()` value) bounds it including building
    the model. `stagnation` ends the search after that many solutions without a new best
    (default `stagnation_window`; 0 disables it). `on_best` gets each new best plan as a
    result (search processes send it to the parent, which keeps it if it must end them).
    When the search should stop (cancel, solution limit, stagnation, CPU budget, deadline),
    `stop_hard(best)` is called first if given: search processes send the best plan and exit
    there (the iterated local search ignores OR-Tools' own stop; in this process it then runs
    to its time limit)."""
    t0 = time.monotonic()
    cpu0 = time.thread_time()
    if not jobs or not problem.vehicles:
        return SearchResult(True, {}, {}, {}, 0, not jobs, False, False, 0.0, 0.0, 0)
    strategy = strategy or SearchStrategy()
    if stagnation is None:
        stagnation = stagnation_window(len(jobs))
    built = _Built(problem, jobs)
    routing, manager = built.routing, built.manager
    job_indices = [manager.NodeToIndex(k) for k in range(len(built.jobs))]
    priorities = [j.priority for j in built.jobs]
    state = _State()
    cancelled = threading.Event()
    cpu_out = threading.Event()
    stagnated = threading.Event()
    best_result: list[SearchResult] = []
    since_best = 0
    late = threading.Event()

    def stop(flag: threading.Event | None) -> None:
        if flag is not None:
            flag.set()
        if stop_hard is not None:
            stop_hard(
                dataclasses.replace(
                    best_result[0],
                    cancelled=flag is cancelled,
                    time_limit_reached=flag is cpu_out or flag is late,
                    solutions=state.count,
                )
                if best_result
                else None
            )
        routing.solver().FinishCurrentSearch()

    def at_solution() -> None:
        # Stops are checked here, once per accepted solution, not in a search limit: a Python
        # callback on every search node costs 20% (cancel) to 200% (clock read) of the search
        # speed. Both searches accept solutions every few milliseconds, so the latency stays
        # small. The best plan is recorded first, so a stop always has a plan to return.
        nonlocal since_best
        cost = routing.CostVar()
        if not cost.Bound():
            # The iterated local search calls back now and then with the objective not yet
            # fixed (seen in CI: reading it aborted the whole process). Not a solution to keep.
            return
        state.count += 1
        if state.first_s is None:
            state.first_s = time.monotonic() - t0
        objective = int(cost.Value())
        if state.best is None or objective < state.best:
            since_best = 0
            state.best = objective
            best_result[:] = [_current(built, objective, state, t0, cpu0)]
            if on_best is not None:
                on_best(best_result[0])
            if on_improvement is not None:
                served = [routing.ActiveVar(i).Value() == 1 for i in job_indices]
                on_improvement(
                    Improvement(
                        elapsed_s=time.monotonic() - t0,
                        objective=objective,
                        served_jobs=sum(served),
                        served_priority=sum(
                            p for p, s in zip(priorities, served, strict=True) if s
                        ),
                        solutions=state.count,
                    )
                )
        else:
            since_best += 1
        if cancel is not None and cancel.is_set():
            stop(cancelled)
        elif cpu_time_limit_s is not None and time.thread_time() - cpu0 > cpu_time_limit_s:
            stop(cpu_out)
        elif stagnation and since_best >= stagnation:
            stop(stagnated)
        elif solution_limit is not None and state.count >= solution_limit:
            stop(None)
        elif deadline is not None and time.monotonic() > deadline:
            stop(late)  # the first plan came after the deadline: return it at once

    routing.AddAtSolutionCallback(at_solution)
    if cancel is not None and cancel.is_set():
        cancelled.set()
        return SearchResult.no_plan(
            cancelled=True, time_limit_reached=False, elapsed_s=time.monotonic() - t0, solutions=0
        )
    if deadline is None:
        deadline = t0 + time_limit_s
    limit = min(time_limit_s - (time.monotonic() - t0), deadline - time.monotonic())
    # A plan, even late, beats none: the search may run past the limit until its first plan
    # (bounded by `FIRST_PLAN_GRACE_S`), then stops at once (see `late` above).
    limit = max(0.01, limit)
    # OR-Tools' own time limit ends the search: the stops in `at_solution` run only when a
    # solution is accepted, and a small day may accept none after its first few.
    params = _parameters(strategy, limit, solution_limit)
    if len(built.jobs) <= CAPPED_JOBS and not strategy.iterated:
        routing.AddSearchMonitor(built.solver.BranchesLimit(branch_budget(len(built.jobs))))
        # The path-LNS operators and LK cost seconds on a tiny day and find nothing more.
        small = dataclasses.replace(strategy, disabled_operators=SMALL_DAY_DISABLED)
        params = _parameters(small, limit, solution_limit)
    if strategy.iterated:
        assignment = routing.SolveWithIteratedLocalSearch(params)
    else:
        assignment = routing.SolveWithParameters(params)
    if assignment is None and not best_result and not cancelled.is_set() and not cpu_out.is_set():
        # No plan by the limit: a plan, even late, beats none. Search again for the first
        # plan only, for at most `FIRST_PLAN_GRACE_S`.
        first_only = _parameters(
            dataclasses.replace(strategy, iterated=False), FIRST_PLAN_GRACE_S, 1
        )
        assignment = routing.SolveWithParameters(first_only)
    elapsed = time.monotonic() - t0
    status = routing.status()
    optimal = status == routing_enums_pb2.RoutingSearchStatus.ROUTING_OPTIMAL
    was_cancelled = cancelled.is_set()
    hit_solution_limit = solution_limit is not None and state.count >= solution_limit
    time_limit_reached = (
        cpu_out.is_set()
        or late.is_set()
        or (
            not was_cancelled
            and not hit_solution_limit
            and not stagnated.is_set()
            and deadline is not None
            and time.monotonic() >= deadline - 0.05 * limit
        )
    )
    cpu_s = time.thread_time() - cpu0
    if assignment is None and best_result:
        # Stopped by FinishCurrentSearch at a solution: OR-Tools may then return nothing.
        return dataclasses.replace(
            best_result[0],
            cancelled=was_cancelled,
            time_limit_reached=time_limit_reached,
            elapsed_s=elapsed,
            solutions=state.count,
            cpu_s=cpu_s,
        )
    if assignment is None:
        return SearchResult.no_plan(
            cancelled=was_cancelled,
            time_limit_reached=time_limit_reached,
            elapsed_s=elapsed,
            solutions=state.count,
            cpu_s=cpu_s,
        )
    routes: dict[int, tuple[int, ...]] = {}
    service_starts: dict[int, int] = {}
    for v, vehicle in enumerate(problem.vehicles):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        seq: list[int] = []
        while not routing.IsEnd(index):
            jid = built.jobs[manager.IndexToNode(index)].id
            seq.append(jid)
            service_starts[jid] = int(assignment.Min(built.time.CumulVar(index)))
            index = assignment.Value(routing.NextVar(index))
        if seq:
            routes[vehicle.id] = tuple(seq)
    break_starts: dict[int, dict[int, int]] = {}
    intervals = assignment.IntervalVarContainer()
    for i in range(intervals.Size()):
        element = intervals.Element(i)
        key = built.break_vars.get(element.Var().Name())
        if key is not None and element.PerformedValue():
            break_starts.setdefault(key[0], {})[key[1]] = int(element.StartValue())
    return SearchResult(
        found=True,
        routes=routes,
        service_starts=service_starts,
        break_starts=break_starts,
        objective=int(assignment.ObjectiveValue()),
        optimal=optimal,
        cancelled=was_cancelled,
        time_limit_reached=time_limit_reached,
        elapsed_s=elapsed,
        first_solution_s=state.first_s,
        solutions=state.count,
        cpu_s=cpu_s,
    )


def _current(built: _Built, objective: int, state: _State, t0: float, cpu0: float) -> SearchResult:
    """The solution the search holds right now (inside a solution callback), as a result."""
    routing, manager = built.routing, built.manager
    routes: dict[int, tuple[int, ...]] = {}
    service_starts: dict[int, int] = {}
    for v, vehicle in enumerate(built.problem.vehicles):
        index = routing.NextVar(routing.Start(v)).Value()
        seq: list[int] = []
        while not routing.IsEnd(index):
            jid = built.jobs[manager.IndexToNode(index)].id
            seq.append(jid)
            service_starts[jid] = int(built.time.CumulVar(index).Min())
            index = routing.NextVar(index).Value()
        if seq:
            routes[vehicle.id] = tuple(seq)
    return SearchResult(
        found=True,
        routes=routes,
        service_starts=service_starts,
        break_starts={},
        objective=objective,
        optimal=False,
        cancelled=False,
        time_limit_reached=False,
        elapsed_s=time.monotonic() - t0,
        first_solution_s=state.first_s,
        solutions=state.count,
        cpu_s=time.thread_time() - cpu0,
    )
