"""`rounds solve PROBLEM.json [-o SOLUTION.json] [--time-limit S]`: routing only.

Reads a VROOM-format problem (see routing.vroom_json), solves it and writes the VROOM-format
solution (to stdout without -o). Exit 0 ok, 2 bad input (message on stderr, saying where).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from routing.errors import ProblemError, SolveError
from routing.geo import LatLon


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "solve",
        help="solve a VROOM-format routing problem (JSON)",
        description="Solve a routing problem in VROOM's JSON format and write the solution in "
        "VROOM's output format (with a reason for each unassigned job). Without "
        "matrices.car.durations, locations are [lon, lat] and travel times are estimated "
        "offline (great-circle distance x circuity / speed).",
    )
    parser.add_argument("problem", type=Path, metavar="PROBLEM.json")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="SOLUTION.json",
        default=None,
        help="write the solution here (default: stdout)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=5.0,
        metavar="S",
        help="search time in seconds (default: 5)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="search processes with different strategies (default: 1)",
    )
    parser.set_defaults(run=run)


def _default_durations(locations: Sequence[LatLon]) -> Any:
    from routing.matrix import GeodesicProvider

    return GeodesicProvider().durations(locations)


def _fail(message: str) -> int:
    print(f"rounds solve: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from routing import solve
    from routing.vroom_json import problem_from_vroom, solution_to_vroom

    path: Path = args.problem
    if args.time_limit <= 0:
        return _fail(f"--time-limit must be positive, got {args.time_limit}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return _fail(f"{path} is not UTF-8 text")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _fail(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
    except RecursionError:
        return _fail(f"{path}: the JSON is nested too deeply to be a routing problem")
    except ValueError:  # an integer of more than 4300 digits (Python's guard against DoS)
        return _fail(f"{path}: the JSON holds a number far too long to be a routing problem")
    try:
        problem = problem_from_vroom(data, durations_provider=_default_durations)
        solution = solve(problem, time_limit_s=args.time_limit, workers=max(1, args.workers))
    except ProblemError as exc:
        return _fail(f"{path}: {exc}")
    except SolveError as exc:
        print(f"rounds solve: internal error (please report): {exc}", file=sys.stderr)
        return 1
    out = json.dumps(solution_to_vroom(problem, solution), indent=2)
    if args.output is None:
        sys.stdout.write(out + "\n")
    else:
        try:
            from caseload.private_files import write_private_bytes

            write_private_bytes(args.output, (out + "\n").encode("utf-8"))
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    return 0
