"""`rounds demo`: fill a database with an invented, realistic Durham, NC caseload."""

from __future__ import annotations

import argparse
import re
import time

from caseload.actor import local_actor  # a demo has no accounts: the local user
from caseload.demo.create import MAX_CLIENTS, MIN_CLIENTS, create_demo
from caseload.store.database import open_database
from desktop.cli import add_db_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="create a demo caseload (invented people around Durham, NC)",
        description="Create a deterministic demo program dated from today: a team of "
        "community paramedics and peer-support specialists with two weeks of shifts, and "
        "clients with their places, history, visits and appointments. Everyone is invented. "
        "Refuses to touch a database that already has clients or staff unless --replace.",
    )
    add_db_argument(parser)
    parser.add_argument(
        "--seed", type=int, default=7, help="random seed; the same seed gives the same demo"
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=150,
        metavar="N",
        help=f"number of active clients ({MIN_CLIENTS}-{MAX_CLIENTS}, default 150); above 600 "
        "the team grows to about one clinician per 100 clients",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="delete every client, visit, shift, crew, plan and staff member first",
    )
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt a new SQLite database file with SQLCipher (key: $ROUNDS_DB_KEY, else "
        "asked for)",
    )
    parser.set_defaults(run=run)


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    db = open_database(args.db, create=True, encrypt=args.encrypt)
    try:
        summary = create_demo(
            db, local_actor(), seed=args.seed, clients=args.clients, replace=args.replace
        )
    finally:
        db.dispose()
    elapsed = time.perf_counter() - started
    print(f"{summary.describe()} Saved to {_safe_url(db.url)} in {elapsed:.1f} s.")
    return 0
