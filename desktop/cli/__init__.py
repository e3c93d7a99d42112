"""The `rounds` command line.

Each sub-command lives in its own module with `register(subparsers)` and `run(args) -> int`.
Exit codes: 0 ok, 2 the user's to fix (message on stderr, no traceback; the same errors the app
shows as a plain message, see `desktop.errors`), 3 an integrity failure (`audit verify`), 1 a
bug. Qt is imported only by the commands that open a window or print, so headless commands
start fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Protocol, cast

# Command -> (module, one-line help). Only the module of the command being run is imported,
# so `rounds --help` and each command start without loading the whole app.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "create an empty program database (default programs and settings)"),
    "demo": ("demo", "create a demo caseload (invented people around Durham, NC)"),
    "import": ("import_", "import clients, events, addresses, staff or shifts from CSV/XLSX"),
    "priorities": ("priorities", "rank the caseload for a day, with reasons"),
    "plan": ("plan", "plan a day and write route sheets, JSON, CSV and calendars"),
    "solve": ("solve", "solve a VROOM-format routing problem (JSON in, JSON out)"),
    "rebalance": ("rebalance", "suggest (and apply) caseload reassignments between clinicians"),
    "geocode": ("geocode", "locate addresses with the local address table (offline)"),
    "audit": ("audit", "verify or list the tamper-evident audit log"),
    "backup": ("backup", "copy the database to a backup file (SQLite)"),
    "restore": ("restore", "put a backup back in place of the database (checked first)"),
    "report": ("report", "write the outcomes report: summary PDF, measures and clients CSVs"),
    "users": ("users", "manage user accounts and single-user local mode (administrator)"),
}


class CommandModule(Protocol):
    def register(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None: ...


def add_db_argument(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """`--db URL` and `--user NAME`, accepted before or after the command (`rounds --db X plan`
    = `rounds plan --db X`): only the top-level parser has a default, so a command's parser
    never hides it."""
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None if top_level else argparse.SUPPRESS,
        help="SQLAlchemy database URL (default: $ROUNDS_DB, else SQLite in the user data dir)",
    )
    parser.add_argument(  # a command on a database acts as a user
        "--user",
        metavar="NAME",
        default=None if top_level else argparse.SUPPRESS,
        help="act as this user (default: $ROUNDS_USER); the password comes from "
        "$ROUNDS_PASSWORD or is asked for. Not needed on a demo database or in local mode",
    )


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; the full sub-parser is built only for the command named in `argv`."""
    parser = argparse.ArgumentParser(
        prog="rounds",
        description="MIH Rounds: plan community paramedicine visits. Without a command, "
        "opens the desktop app.",
    )
    add_db_argument(parser, top_level=True)
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh demo database")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((arg for arg in argv if arg in COMMANDS), None)
    for name, (module_name, help_text) in COMMANDS.items():
        if name == wanted:
            module = cast(CommandModule, importlib.import_module(f"desktop.cli.{module_name}"))
            module.register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    from caseload.private_files import private_umask
    from desktop.log_format import SafeFormatter

    stderr = logging.StreamHandler()
    stderr.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))  # no row values
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, handlers=[stderr])

    from caseload.store import encryption

    encryption.set_key_prompt(_ask_for_key)  # an encrypted database without $ROUNDS_DB_KEY
    with private_umask():  # whatever a library writes meanwhile is private too
        return _run(args)


def _ask_for_key(path: object) -> str | None:
    """The passphrase of an encrypted database, typed without echo (only at a terminal)."""
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass(f"Passphrase for {path}: ") or None


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command is None:
            from desktop.app import run_app

            return run_app(db_url=args.db, demo=args.demo)
        run = args.run
        return int(run(args))
    except KeyboardInterrupt:
        print("rounds: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from desktop.errors import user_message  # loaded only on failure: keeps start-up fast

        message = user_message(exc)
        if message is None:
            if args.verbose:
                raise  # asked for everything: the full traceback, message included
            # A bug: the stack is what we need; the error's own text may quote client data.
            from desktop.log_format import safe_traceback

            print(safe_traceback(exc), file=sys.stderr)
            print("rounds: internal error (a bug); please report it with the lines above.",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(f"rounds: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
