"""A quick first assignment for the CP-SAT model (its solution hint), not the answer itself.

Steepest descent on the same objective as `solver.evaluate`: repeatedly make the single move
that lowers the objective most, until no move helps or `max_moves` is reached. CP-SAT starts
from it and improves on it, so a large instance has a good solution within the first second.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from caseload.rebalance import problem as model

IntArray = npt.NDArray[np.int64]


def _extreme_excluding(order: IntArray, values: IntArray, a: IntArray, b: IntArray) -> IntArray:
    """For each pair (a[i], b[i]): the first value in `order` whose index is neither."""
    pick = np.full(a.shape, -1, dtype=np.int64)
    for idx in order[:3][::-1]:
        ok = (idx != a) & (idx != b)
        pick = np.where(ok, idx, pick)
    return np.where(pick >= 0, values[np.maximum(pick, 0)], -1)


def greedy_assignment(problem: model.RebalanceProblem) -> list[int | None]:
    """Clinician index per client after greedy improvement of the current assignment."""
    w = problem.weights
    n_k = len(problem.clinicians)
    assignment = model.current_indices(problem)
    if n_k == 0 or problem.max_moves == 0:
        return assignment
    has_cap = np.array([c.capacity_hours > 0 for c in problem.clinicians])
    util = np.zeros(n_k, dtype=np.int64)
    rows_c: list[int] = []
    rows_a: list[int] = []
    rows_b: list[int] = []
    rows_ua: list[int] = []
    rows_ub: list[int] = []
    rows_fixed: list[int] = []
    for c, a in enumerate(assignment):
        ua = model.util_coef(problem, c, a) if a is not None else 0
        fa = model.fixed_coef(problem, c, a) if a is not None else w.unassigned_penalty
        if a is not None:
            util[a] += ua
        for b in model.candidates(problem, c):
            if b == a:
                continue
            rows_c.append(c)
            rows_a.append(-1 if a is None else a)
            rows_b.append(b)
            rows_ua.append(ua)
            rows_ub.append(model.util_coef(problem, c, b))
            rows_fixed.append(model.fixed_coef(problem, c, b) - fa)
    if not rows_c:
        return assignment
    cs = np.array(rows_c, dtype=np.int64)
    a_arr = np.array(rows_a, dtype=np.int64)
    b_arr = np.array(rows_b, dtype=np.int64)
    ua_arr = np.array(rows_ua, dtype=np.int64)
    ub_arr = np.array(rows_ub, dtype=np.int64)
    fixed = np.array(rows_fixed, dtype=np.int64)
    alive = np.ones(cs.shape, dtype=bool)
    scale = model.UTIL_SCALE
    a_safe = np.maximum(a_arr, 0)
    for _ in range(problem.max_moves):
        high, low = int(util.max()), int(util[has_cap].min()) if has_cap.any() else 0
        over = int(np.maximum(util - scale, 0).sum())
        current_score = w.worst * high + w.spread * (high - low) + w.overload * over
        new_a = np.where(a_arr >= 0, util[a_safe] - ua_arr, -1)
        new_b = util[b_arr] + ub_arr
        desc = np.argsort(-util).astype(np.int64)
        rest_high = _extreme_excluding(desc, util, a_arr, b_arr)
        high_new = np.maximum(np.maximum(rest_high, new_a), new_b)
        cap_util = np.where(has_cap, util, np.iinfo(np.int64).max)
        asc = np.argsort(cap_util).astype(np.int64)
        rest_low = _extreme_excluding(asc, cap_util, a_arr, b_arr)
        rest_low = np.where(rest_low < 0, np.iinfo(np.int64).max, rest_low)
        big = np.iinfo(np.int64).max
        low_a = np.where((a_arr >= 0) & has_cap[a_safe], new_a, big)
        low_b = np.where(has_cap[b_arr], new_b, big)
        low_new = np.minimum(np.minimum(rest_low, low_a), low_b)
        low_new = np.where(low_new == big, 0, low_new)
        over_a_old = np.where(a_arr >= 0, np.maximum(util[a_safe] - scale, 0), 0)
        over_a_new = np.where(a_arr >= 0, np.maximum(new_a - scale, 0), 0)
        over_new = (
            over
            - over_a_old
            + over_a_new
            - np.maximum(util[b_arr] - scale, 0)
            + np.maximum(new_b - scale, 0)
        )
        score = w.worst * high_new + w.spread * (high_new - low_new) + w.overload * over_new
        delta = np.where(alive, score - current_score + fixed, 0)
        best = int(np.argmin(delta))
        if delta[best] >= 0:
            break
        c, a, b = int(cs[best]), int(a_arr[best]), int(b_arr[best])
        if a >= 0:
            util[a] -= ua_arr[best]
        util[b] += ub_arr[best]
        assignment[c] = b
        alive &= cs != c
    return assignment
