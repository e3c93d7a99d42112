"""How long a manual edit and a save take on a 250-visit day (prints figures; asserts no time).

    python -m tests.bench.plan_edit_bench
    pytest -m bench -s tests/bench/plan_edit_bench.py

In memory, no solver: 8 crews share 250 visits (a uniform 10-minute drive between places). Timed
(median of 20): re-timing one move (what the Plan page does on the UI thread for every drag,
pin, lock or removal: routing's scheduler on the plan's routing types, no JSON), serialising
the plan at save (routing problem and solution as VROOM JSON, plus the plan snapshot), and
reading a stored plan back (what reopening a version or printing its sheets starts with).
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import time
from collections.abc import Callable

import pytest

from caseload.planning.edit import Draft, move_stop, retime
from caseload.planning.model import DayPlan
from caseload.planning.snapshot import plan_from_snapshot, routing_documents, snapshot_of
from tests.caseload.plan_data import crew, spread, timed_plan

VISITS, CREWS, REPEATS = 250, 8, 20


def _median_ms(work: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _day() -> DayPlan:
    crews = [crew(f"Medic {k}", 0, 23, staff_id=k) for k in range(1, CREWS + 1)]
    visits = [dataclasses.replace(spread(i), service_min=1) for i in range(1, VISITS + 1)]
    return timed_plan(crews, {c.name: visits[k::CREWS] for k, c in enumerate(crews)})


def report() -> str:
    plan = _day()
    key = plan.routes[0].stops[-1].key
    target = plan.routes[1].crew.name

    def save() -> tuple[str, str, str]:
        problem, solution = routing_documents(plan)
        return json.dumps(snapshot_of(plan)), json.dumps(problem), json.dumps(solution)

    texts = save()
    sizes = " + ".join(f"{len(t) // 1024} kB" for t in texts)
    edit_ms = _median_ms(lambda: retime(plan, move_stop(Draft.of(plan), key, target, 0)))
    save_ms = _median_ms(save)
    read_ms = _median_ms(lambda: plan_from_snapshot(*texts))
    return "\n".join(
        [
            f"Plan edits on {VISITS} visits, {CREWS} crews (median of {REPEATS}):",
            f"  re-time one move      {edit_ms:6.1f} ms",
            f"  serialise at save     {save_ms:6.1f} ms  (snapshot + problem + solution: {sizes})",
            f"  read a stored plan    {read_ms:6.1f} ms",
        ]
    )


@pytest.mark.bench
def test_bench_plan_edits() -> None:
    print()
    print(report())


if __name__ == "__main__":
    print(report())
