"""The CP-SAT rebalancing model (see `problem` for the variables and the objective).

Pure: a `RebalanceProblem` in, a `RebalanceSolution` out. The greedy `warmstart` assignment is
the solution hint, so CP-SAT starts from a good solution and improves it until the time limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from caseload.rebalance.problem import (
    UTIL_SCALE,
    RebalanceProblem,
    RebalanceSolution,
    SolverMove,
    candidates,
    current_indices,
    evaluate,
    fixed_coef,
    util_coef,
)
from caseload.rebalance.warmstart import greedy_assignment

Progress = Callable[[int, int, str], None]

_STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


class _Recorder(cp_model.CpSolverSolutionCallback):
    def __init__(self, cancel: threading.Event | None) -> None:
        super().__init__()
        self._cancel = cancel
        self.lock = threading.Lock()
        self.count = 0
        self.best: float | None = None

    def on_solution_callback(self) -> None:
        with self.lock:
            self.count += 1
            self.best = self.objective_value
        if self._cancel is not None and self._cancel.is_set():
            self.stop_search()


def solve_rebalance(
    problem: RebalanceProblem,
    *,
    time_limit_s: float = 10.0,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    num_workers: int = 2,
) -> RebalanceSolution:
    """Best reassignment found within `time_limit_s` (the current one if nothing better).

    `progress(done_ms, total_ms, message)` is called from a helper thread about four times a
    second; setting `cancel` stops the search and returns the best found so far as CANCELLED.
    """
    started = time.monotonic()
    current = current_indices(problem)
    if not problem.clinicians or not problem.clients:
        unchanged = tuple(c.current for c in problem.clients)
        return RebalanceSolution("OPTIMAL", unchanged, (), evaluate(problem, current), 0.0, 0.0, 0)
    hint = greedy_assignment(problem)
    model = cp_model.CpModel()
    w = problem.weights
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    options_of: list[list[int]] = []
    per_clinician: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in problem.clinicians]
    hinted_util = [0] * len(problem.clinicians)
    moved_terms: list[cp_model.LinearExprT] = []
    objective_terms: list[cp_model.LinearExprT] = []
    for c in range(len(problem.clients)):
        options = candidates(problem, c)
        options_of.append(options)
        for k in options:
            var = model.new_bool_var(f"x_{c}_{k}")
            x[c, k] = var
            coef = util_coef(problem, c, k)
            per_clinician[k].append((coef, var))
            model.add_hint(var, hint[c] == k)
            if hint[c] == k:
                hinted_util[k] += coef
            cost = fixed_coef(problem, c, k)
            if cost:
                objective_terms.append(cost * var)
        chosen = sum(x[c, k] for k in options)
        mine = current[c]
        if mine is None:
            model.add(chosen <= 1)
            moved_terms.append(chosen)
            objective_terms.append(w.unassigned_penalty * (1 - chosen))
        else:
            model.add_exactly_one(x[c, k] for k in options)
            moved_terms.append(1 - x[c, mine])
    model.add(sum(moved_terms) <= problem.max_moves)

    upper = max((sum(coef for coef, _ in terms) for terms in per_clinician), default=0)
    high = model.new_int_var(0, upper, "worst")
    low = model.new_int_var(0, upper, "least")
    with_capacity = [k for k, c in enumerate(problem.clinicians) if c.capacity_hours > 0]
    model.add_hint(high, max(hinted_util))
    model.add_hint(low, min((hinted_util[k] for k in with_capacity), default=0))
    for k, terms in enumerate(per_clinician):
        load = sum(coef * var for coef, var in terms)
        model.add(high >= load)
        if k in with_capacity:
            model.add(low <= load)
        over = model.new_int_var(0, upper, f"over_{k}")
        model.add(over >= load - UTIL_SCALE)
        model.add_hint(over, max(hinted_util[k] - UTIL_SCALE, 0))
        objective_terms.append(w.overload * over)
    if not with_capacity:
        model.add(low == 0)
    objective_terms.append(w.worst * high + w.spread * (high - low))
    model.minimize(sum(objective_terms))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.01)
    solver.parameters.num_workers = max(num_workers, 1)
    recorder = _Recorder(cancel)
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch,
        args=(solver, recorder, done, cancel, progress, started, time_limit_s),
        name="rebalance-watch",
        daemon=True,
    )
    watcher.start()
    try:
        status = solver.solve(model, recorder)
    finally:
        done.set()
        watcher.join()
    wall = time.monotonic() - started
    cancelled = cancel is not None and cancel.is_set()
    name = "CANCELLED" if cancelled else _STATUS_NAMES.get(status, solver.status_name(status))
    chosen_k: list[int | None]
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen_k = []
        for c, options in enumerate(options_of):
            picked = [k for k in options if solver.boolean_value(x[c, k])]
            chosen_k.append(picked[0] if picked else None)
        objective = round(solver.objective_value)
        bound = float(solver.best_objective_bound)
    else:
        # No solution at all (e.g. cancelled before the first): the greedy start is feasible.
        chosen_k = hint
        objective = evaluate(problem, hint)
        bound = float("nan")
    ids = [None if k is None else problem.clinicians[k].clinician_id for k in chosen_k]
    moves = tuple(
        SolverMove(client.client_id, client.current, new)
        for client, new in zip(problem.clients, ids, strict=True)
        if new is not None and new != client.current
    )
    if progress is not None:
        progress(1, 1, f"{name}: {len(moves)} move(s)")
    return RebalanceSolution(
        status=name,
        assignment=tuple(ids),
        moves=moves,
        objective=objective,
        best_bound=bound,
        wall_time_s=wall,
        solutions_found=recorder.count,
    )


def _watch(
    solver: cp_model.CpSolver,
    recorder: _Recorder,
    done: threading.Event,
    cancel: threading.Event | None,
    progress: Progress | None,
    started: float,
    time_limit_s: float,
) -> None:
    total_ms = max(int(time_limit_s * 1000), 1)
    last_report = 0.0
    while not done.wait(0.05):
        if cancel is not None and cancel.is_set():
            solver.stop_search()
        now = time.monotonic()
        if progress is not None and now - last_report >= 0.25:
            last_report = now
            with recorder.lock:
                count, best = recorder.count, recorder.best
            elapsed_ms = min(int((now - started) * 1000), total_ms)
            message = (
                f"searching: {count} solution(s), best score {best:.0f}"
                if best is not None
                else "searching for a first solution"
            )
            progress(elapsed_ms, total_ms, message)
