"""A portfolio search: the same problem searched in several processes, one strategy each; the
best plan wins.

Each process reports its improvements, its best plan so far (at most every `_BEST_EVERY_S`)
and its result through a queue. The parent holds the time limit: at the deadline or on cancel
it asks the processes to stop, waits `_GRACE_S` for their results, then ends the ones still
running (the iterated local search cannot be stopped from inside) and keeps their last best
plans. A process whose search should stop early (solution limit, stagnation) but cannot, sends
its best plan as its result and exits. A `RoutingError` raised
in a process (e.g. a `ProblemError` from building the model) is raised again in the parent as
the same type with the same message; any other exception is a bug and comes back as a
`SearchProcessError` carrying the process's traceback.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
import pickle
import queue
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from routing.errors import RoutingError, SearchProcessError, SolveError
from routing.problem import Job, Problem
from routing.search import (
    FIRST_PLAN_GRACE_S,
    PORTFOLIO,
    CancelToken,
    Improvement,
    SearchResult,
    SearchStrategy,
)

Message = tuple[int, str, object]
"""(worker, kind, payload): kind "progress" (Improvement), "best" (SearchResult: the best plan
so far), "result" (SearchResult), "error" (a RoutingError) or "crash" (a _Crash)."""

_BEST_EVERY_S = 0.1
"""How often a process sends its best plan so far (each one costs a pickle of the routes)."""
_GRACE_S = 0.15
"""How long the parent waits for results after asking the processes to stop."""


@dataclass(frozen=True, slots=True)
class _Crash:
    """An unexpected exception in a search process, as text."""

    error_type: str
    message: str
    traceback: str


def strategies(seed: int, workers: int) -> list[SearchStrategy]:
    """The strategies of `workers` searches: worker k uses portfolio entry seed + k."""
    return [PORTFOLIO[(seed + k) % len(PORTFOLIO)] for k in range(workers)]


def _survives_pickling(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except (pickle.PickleError, TypeError, AttributeError):
        return False
    return True


def _error_message(worker: int, exc: BaseException) -> Message:
    """What the parent needs to raise `exc` again: the exception itself when it is one of ours
    (and crosses the process boundary intact), else its type, message and traceback."""
    if isinstance(exc, RoutingError) and _survives_pickling(exc):
        return (worker, "error", exc)
    text = "".join(traceback.format_exception(exc))
    return (worker, "crash", _Crash(type(exc).__name__, str(exc), text))


def _worker(
    problem: Problem,
    jobs: Sequence[Job],
    time_limit_s: float,
    strategy: SearchStrategy,
    solution_limit: int | None,
    cpu_time_limit_s: float | None,
    out: mp.Queue[Message],
    cancel: CancelToken,
    worker: int,
    deadline: float | None = None,
) -> None:
    from routing.model import run_search

    last_sent = [0.0]
    pending: list[SearchResult] = []

    def on_best(result: SearchResult) -> None:
        now = time.monotonic()
        pending[:] = [result]
        if now - last_sent[0] >= _BEST_EVERY_S:
            last_sent[0] = now
            out.put((worker, "best", result))
            pending.clear()

    def stop_hard(best: SearchResult | None) -> None:
        # Any stop ends the process with its best plan: quicker than unwinding the search,
        # and the iterated local search ignores OR-Tools' stop requests anyway.
        if best is not None:
            out.put((worker, "result", best))
        else:
            out.put(
                (
                    worker,
                    "result",
                    SearchResult.no_plan(
                        cancelled=cancel.is_set(),
                        time_limit_reached=False,
                        elapsed_s=0.0,
                        solutions=0,
                    ),
                )
            )
        out.close()
        out.join_thread()
        os._exit(0)

    try:
        result = run_search(
            problem,
            jobs,
            time_limit_s=time_limit_s,
            strategy=strategy,
            on_improvement=lambda info: out.put((worker, "progress", info)),
            cancel=cancel,
            solution_limit=solution_limit,
            cpu_time_limit_s=cpu_time_limit_s,
            deadline=deadline,
            on_best=on_best,
            stop_hard=stop_hard,
        )
        out.put((worker, "result", result))
    except Exception as exc:  # reported to the parent, which raises it again
        out.put(_error_message(worker, exc))


def _raise_from(worker: int, payload: object) -> None:
    if isinstance(payload, RoutingError):
        raise payload
    assert isinstance(payload, _Crash)
    raise SearchProcessError(worker, payload.error_type, payload.message, payload.traceback)


def run_parallel(
    problem: Problem,
    jobs: Sequence[Job],
    time_limit_s: float,
    strategies: Sequence[SearchStrategy],
    forward: Callable[[Improvement, int], None],
    cancel: threading.Event | None,
    solution_limit: int | None,
    cpu_time_limit_s: float | None,
    deadline: float | None = None,
) -> SearchResult:
    """Search with one process per strategy; `forward(improvement, worker)` gets every new
    best objective across all of them. Returns the lowest-objective result (ties: the lower
    worker number, so the outcome is deterministic). `deadline` (a `time.monotonic()` value)
    is when the parent stops waiting and keeps the best plans reported so far."""
    ctx = mp.get_context("spawn")
    out: mp.Queue[Message] = ctx.Queue()
    stop = ctx.Event()
    if deadline is None:
        deadline = time.monotonic() + time_limit_s
    procs = [
        ctx.Process(
            target=_worker,
            args=(
                problem,
                jobs,
                time_limit_s,
                s,
                solution_limit,
                cpu_time_limit_s,
                out,
                stop,
                k,
                deadline,
            ),
            daemon=True,
        )
        for k, s in enumerate(strategies)
    ]
    for p in procs:
        p.start()
    results: dict[int, SearchResult] = {}
    latest: dict[int, SearchResult] = {}
    best: int | None = None
    cancelled_at: float | None = None
    died: set[int] = set()
    try:
        while len(results) + len(died) < len(procs):
            now = time.monotonic()
            if cancelled_at is None and cancel is not None and cancel.is_set():
                cancelled_at = now
                stop.set()
            if cancelled_at is not None and now > cancelled_at + _GRACE_S:
                break
            if now > deadline + _GRACE_S:
                # The processes stop by themselves at the deadline (or at their first plan
                # after it); wait longer only while nobody has any plan.
                # (Not told to stop before: a process still starting would give up at once.)
                has_plan = any(r.found for r in results.values()) or bool(latest)
                if has_plan or now > deadline + FIRST_PLAN_GRACE_S + _GRACE_S:
                    stop.set()
                    break
            try:
                worker, kind, payload = out.get(timeout=0.02)
            except queue.Empty:
                if out.empty():
                    # A process that ended without a result (killed, or aborted inside
                    # OR-Tools) is not waited for: the others' plans are the answer.
                    died |= {
                        k for k, p in enumerate(procs) if not p.is_alive() and k not in results
                    }
                if len(died) == len(procs) - len(results) and not results and not latest:
                    if cancelled_at is None:
                        raise SolveError("a search process died without a result") from None
                    break
                continue
            if kind == "progress":
                assert isinstance(payload, Improvement)
                if best is None or payload.objective < best:
                    best = payload.objective
                    forward(payload, worker)
            elif kind == "best":
                assert isinstance(payload, SearchResult)
                latest[worker] = payload
            elif kind == "result":
                assert isinstance(payload, SearchResult)
                results[worker] = payload
            else:
                _raise_from(worker, payload)
    finally:
        stop.set()
        for p in procs:
            if p.is_alive():
                p.terminate()
        end = time.monotonic() + 0.2
        for p in procs:
            p.join(timeout=max(0.0, end - time.monotonic()))
            if p.is_alive():
                p.kill()  # never keep the caller waiting on a process that will not end
    cancelled = cancelled_at is not None
    for k, snapshot in latest.items():
        if k not in results:
            results[k] = dataclasses.replace(
                snapshot, cancelled=cancelled, time_limit_reached=not cancelled
            )
    found = [
        (r.objective, k, r)
        for k, r in sorted(results.items())
        if r.found and r.objective is not None
    ]
    if not found:
        if results:
            return results[min(results)]
        return SearchResult.no_plan(
            cancelled=cancelled,
            time_limit_reached=not cancelled,
            elapsed_s=time_limit_s,
            solutions=0,
        )
    chosen = min(found, key=lambda t: (t[0], t[1]))[2]
    if cancelled and not chosen.cancelled:
        chosen = dataclasses.replace(chosen, cancelled=True)
    return chosen
