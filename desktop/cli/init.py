"""`rounds init [--db URL] [--admin NAME]`: create an empty program database (default programs
and settings) and its first administrator."""

from __future__ import annotations

import argparse

from desktop.cli import add_db_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init",
        help="create an empty program database (default programs and settings)",
        description="Create a new, empty program database with the default programs and "
        "settings, and its first administrator (--admin NAME; the password comes from "
        "$ROUNDS_NEW_PASSWORD or $ROUNDS_PASSWORD, or is asked for twice). Refuses if a "
        "database already exists there. On PostgreSQL the database itself must exist "
        "(createdb); init creates the tables in it.",
    )
    add_db_argument(parser)
    parser.add_argument(
        "--admin",
        metavar="NAME",
        default=None,
        help="the first administrator's user name (at a terminal, asked for when not given)",
    )
    parser.add_argument(
        "--admin-name",
        metavar="FULL NAME",
        default=None,
        help="the administrator's full name (default: the user name)",
    )
    parser.set_defaults(run=run)


def _ask_admin_name() -> str | None:
    import sys

    if not sys.stdin.isatty():
        return None
    return input("User name of the first administrator (Enter: later): ").strip() or None


def run(args: argparse.Namespace) -> int:
    from caseload.actor import SYSTEM_ACTOR
    from caseload.new_program import create_program_database
    from caseload.users.accounts import create_first_administrator
    from caseload.users.passwords import check_new_password
    from desktop.cli.session import ask_new_password

    admin = args.admin or _ask_admin_name()
    password = None
    if admin is not None:  # asked before anything is created: a missing password changes nothing
        password = ask_new_password(admin, first_user=True)
        check_new_password(password)
    db = create_program_database(args.db, SYSTEM_ACTOR)
    try:
        print(f"Created an empty program database: {db.describe()}")
        if admin is not None and password is not None:
            actor = create_first_administrator(db, admin, args.admin_name or admin, password)
            print(
                f"Administrator: {actor.user_id}. Add the other users with `rounds users add` "
                f"(--user {actor.user_id}), or switch on single-user local mode with "
                "`rounds users local-mode on`."
            )
        else:
            print(
                "No administrator yet: create one with `rounds users add NAME --role "
                "administrator` (or in the app) before anyone can work in it."
            )
    finally:
        db.dispose()
    return 0
