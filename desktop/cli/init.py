"""`rounds init [--db URL]`: create an empty program database (default programs and settings)."""

from __future__ import annotations

import argparse

from desktop.cli import add_db_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "init",
        help="create an empty program database (default programs and settings)",
        description="Create a new, empty program database with the default programs and "
        "settings. Refuses if a database already exists there. On PostgreSQL the database "
        "itself must exist (createdb); init creates the tables in it.",
    )
    add_db_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from caseload.actor import local_actor
    from caseload.new_program import create_program_database

    db = create_program_database(args.db, local_actor())
    try:
        print(f"Created an empty program database: {db.describe()}")
    finally:
        db.dispose()
    return 0
