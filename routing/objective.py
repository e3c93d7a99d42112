"""The objective's tiers as numbers: the drop penalty of each job and the time horizon they
are computed against. The model (`routing.model`) states the objective in words."""

from __future__ import annotations

from collections.abc import Sequence

from routing.problem import MUST_PRIORITY, Job, Problem

_INT64_SAFE = 2**62
MIN_COUNT_UNIT = 1
"""Lower bound on the drop penalty of a priority-0 job (tuning knob)."""


def horizon(problem: Problem, jobs: Sequence[Job]) -> int:
    """An upper bound on every time of a route (the time dimension's capacity)."""
    ends = [tw.end_s for j in jobs for tw in j.time_windows]
    ends += [v.time_window.end_s for v in problem.vehicles if v.time_window is not None]
    max_d = int(problem.durations.max()) if problem.durations.size else 0
    extra = sum(j.service_s for j in jobs) + sum(
        b.service_s for v in problem.vehicles for b in v.breaks
    )
    return max([0, *ends]) + extra + (len(jobs) + len(problem.vehicles) + 1) * max_d + 1


def drop_penalties(problem: Problem, jobs: Sequence[Job], travel_bound: int) -> list[int]:
    """Penalties making the objective lexicographic (see `routing.model`): count unit
    C > any travel + lateness cost; priority unit P > C * number of jobs; MUST > all the rest.
    On huge instances the exact tiers would overflow int64; they are then compressed (travel
    may then trade against the job count, never against priority of MUST jobs)."""
    m = len(jobs)
    n_must = sum(1 for j in jobs if j.priority >= MUST_PRIORITY)
    count_unit = max(travel_bound + 1, MIN_COUNT_UNIT)
    prio_unit = count_unit * (m + 1)
    must = prio_unit * (100 * m + 1)
    if must * (n_must + 1) >= _INT64_SAFE:
        must = _INT64_SAFE // (n_must + 2)
        prio_unit = max(1, must // (100 * m + 1))
        count_unit = max(1, min(count_unit, prio_unit // (m + 1)))
    return [
        must if j.priority >= MUST_PRIORITY else prio_unit * j.priority + count_unit for j in jobs
    ]
