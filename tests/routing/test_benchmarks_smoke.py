"""Smoke runs of the benchmark code paths (readers, generators, peers' adapters).

The default run checks one Solomon instance and one generated day quickly; `pytest -m bench`
runs the benchmark scripts themselves on a small selection (figures are printed, not asserted).
"""

from __future__ import annotations

import importlib.util

import pytest

from routing import assert_valid, solve
from tests.bench import cp_days, scaling, solomon
from tests.data import BENCHMARKS


def test_solomon_reader_and_gap() -> None:
    """C101 under the DIMACS convention: 100 jobs, 25 vehicles, a plan within 10% of the BKS."""
    (inst,) = solomon.load(["C101"], BENCHMARKS)
    assert len(inst.problem.jobs) == 100 and len(inst.problem.vehicles) == 25
    assert inst.bks is not None and inst.bks == pytest.approx(827.3)
    solution = solve(inst.problem, time_limit_s=60.0, solution_limit=100)
    assert_valid(inst.problem, solution)
    assert solution.summary.served_jobs == 100
    assert solution.summary.travel_s / 10 <= 1.10 * inst.bks


def test_cp_day_generator() -> None:
    problem = cp_days.cp_day(1, 30, 4)
    assert len(problem.jobs) == 30 and len(problem.vehicles) == 4
    assert any(j.is_must for j in problem.jobs)
    assert any(len(j.time_windows) == 2 for j in problem.jobs)
    solution = solve(problem, time_limit_s=60.0, solution_limit=200)
    assert_valid(problem, solution)


@pytest.mark.bench
@pytest.mark.skipif(importlib.util.find_spec("vroom") is None, reason="pyvroom not installed")
def test_bench_peers_on_one_day() -> None:
    """VROOM's and PyVRP's plans read back and pass our validator."""
    problem = cp_days.cp_day(1, 30, 4)
    vroom_solution, _ = cp_days.run_vroom(problem, 1.0)
    assert_valid(problem, vroom_solution)
    no_breaks = cp_days.without_breaks(problem)
    pyvrp_solution, _ = cp_days.run_pyvrp(no_breaks, 1.0)
    assert_valid(no_breaks, pyvrp_solution)


@pytest.mark.bench
def test_bench_scripts_run() -> None:
    assert solomon.main(["--time-limit", "1", "--only", "C101,R101", "--cpu"]) == 0
    assert scaling.matrix_time(200, repeat=1) < 5.0
