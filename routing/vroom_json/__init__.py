"""The routing JSON: VROOM's input and output schema (docs/API.md), the subset we support.

Units as in VROOM: seconds, [lon, lat]. Input: `vehicles` (id, start/end as [lon, lat] or
start_index/end_index, time_window, skills, breaks {id, time_windows, service, description},
capacity (one dimension), max_tasks, description), `jobs` (id, location or location_index,
service, time_windows, skills, priority 0-100, delivery or amount (one dimension),
description), `matrices.car.durations` (or the legacy top-level `matrix`).

Our extensions (ignored by VROOM): job `pinned_vehicle`, `preferred_vehicle`; vehicle
`locked_jobs` (route prefix, job ids in order); top-level `options` {`continuity_penalty`,
`balance_cost`}; job `soft_deadline` (seconds: latest service start without penalty, a
lateness is allowed) and `lateness_cost_per_min` (travel minutes per minute late, default 0).
Output adds `reason`, `reason_code` (and, where they apply, `reason_vehicle`,
`missing_skills`, `time_windows`) to each unassigned job, `departure` to each step,
`lateness` (seconds past the soft deadline) to each job step and to the summary, and a
`status` object (feasible, optimal, cancelled, time_limit_reached).

Differences from VROOM: priority 100 is a MUST visit (dropped only when infeasible), not just
a larger number; shipments, pickups, multi-dimensional amounts, setup times and speed factors
are rejected with a message rather than silently ignored.

Modules: `read` (problem and stored plan in), `write` (problem and solution out), `fields`
(the typed field readers behind `read`).
"""

from __future__ import annotations

from routing.vroom_json.read import DurationsProvider, problem_from_vroom, solution_from_vroom
from routing.vroom_json.write import problem_to_vroom, solution_to_vroom

__all__ = [
    "DurationsProvider",
    "problem_from_vroom",
    "problem_to_vroom",
    "solution_from_vroom",
    "solution_to_vroom",
]
