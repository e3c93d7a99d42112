"""kill -9 fault runs at scale: the kill tests of tests/faults/test_kill9.py with more runs per
command (`rounds import clients` on SQLite and PostgreSQL, `rounds plan`, `rounds rebalance
--apply`); prints per command the runs, kills that landed, kills that landed while the command
held a write transaction, what the database held after, and rows lost (0, or the test fails).

    python -m tests.bench.faults_bench [--runs 100] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import os
import sys

import pytest

from tests.faults.harness import RUNS_ENV


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=100, help="killed runs per command (100)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip the PostgreSQL variant")
    args = parser.parse_args(argv)
    os.environ[RUNS_ENV] = str(args.runs)
    selection = ["-k", "not postgresql"] if args.sqlite_only else []
    return int(
        pytest.main(
            ["-q", "-s", "-p", "no:cacheprovider", "tests/faults/test_kill9.py", *selection]
        )
    )


if __name__ == "__main__":
    sys.exit(main())
