"""A portfolio search: the same problem searched in several processes, one strategy each; the
best plan wins.

Each process reports its improvements and its result through a queue. A `RoutingError` raised
in a process (e.g. a `ProblemError` from building the model) is raised again in the parent as
the same type with the same message; any other exception is a bug and comes back as a
`SearchProcessError` carrying the process's traceback.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import queue
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from routing.errors import RoutingError, SearchProcessError, SolveError
from routing.problem import Job, Problem
from routing.search import PORTFOLIO, CancelToken, Improvement, SearchResult, SearchStrategy

Message = tuple[int, str, object]
"""(worker, kind, payload): kind "progress" (Improvement), "result" (SearchResult), "error"
(a RoutingError) or "crash" (a _Crash)."""


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
) -> None:
    from routing.model import run_search

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
) -> SearchResult:
    """Search with one process per strategy; `forward(improvement, worker)` gets every new
    best objective across all of them. Returns the lowest-objective result (ties: the lower
    worker number, so the outcome is deterministic)."""
    ctx = mp.get_context("spawn")
    out: mp.Queue[Message] = ctx.Queue()
    stop = ctx.Event()
    procs = [
        ctx.Process(
            target=_worker,
            args=(problem, jobs, time_limit_s, s, solution_limit, cpu_time_limit_s, out, stop, k),
            daemon=True,
        )
        for k, s in enumerate(strategies)
    ]
    for p in procs:
        p.start()
    results: dict[int, SearchResult] = {}
    best: int | None = None
    deadline = time.monotonic() + time_limit_s + 30.0
    try:
        while len(results) < len(procs):
            if cancel is not None and cancel.is_set():
                stop.set()
            try:
                worker, kind, payload = out.get(timeout=0.05)
            except queue.Empty:
                if time.monotonic() > deadline or not any(p.is_alive() for p in procs):
                    if not out.empty():
                        continue
                    raise SolveError("a search process died without a result") from None
                continue
            if kind == "progress":
                assert isinstance(payload, Improvement)
                if best is None or payload.objective < best:
                    best = payload.objective
                    forward(payload, worker)
            elif kind == "result":
                assert isinstance(payload, SearchResult)
                results[worker] = payload
            else:
                _raise_from(worker, payload)
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
    found = [
        (r.objective, k, r)
        for k, r in sorted(results.items())
        if r.found and r.objective is not None
    ]
    if not found:
        return results[0]
    return min(found, key=lambda t: (t[0], t[1]))[2]
