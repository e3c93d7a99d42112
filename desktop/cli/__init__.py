"""The `rounds` command line.

Each sub-command lives in its own module with `register(subparsers)` and `run(args) -> int`.
Exit codes: 0 ok, 2 bad input (message on stderr), 1 a bug. Qt is imported only by the commands
that open a window or print, so headless commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from caseload.errors import UserError

COMMAND_MODULES = (
    "demo",
    "import_",
    "priorities",
    "plan",
    "solve",
    "rebalance",
)


class CommandModule(Protocol):
    def register(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None: ...


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="SQLAlchemy database URL (default: $ROUNDS_DB, else SQLite in the user data dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rounds",
        description="MIH Rounds: plan community paramedicine visits. Without a command, "
        "opens the desktop app.",
    )
    add_db_argument(parser)
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh demo database")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = cast(CommandModule, importlib.import_module(f"desktop.cli.{name}"))
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command is None:
            from desktop.app import run_app

            return run_app(db_url=args.db, demo=args.demo)
        run = args.run
        return int(run(args))
    except UserError as exc:
        print(f"rounds: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rounds: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
