"""`rounds backup [--db URL] --out FILE` and `rounds restore FILE [--db URL] [--force]`: copies of
the SQLite database made online (the app may stay open) and put back after a check."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli import add_db_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="copy the database to a backup file (SQLite; safe while the app is open)",
        description="Copy the SQLite database to FILE with SQLite's online backup (consistent "
        "while others use it), readable by you only (0600), and check the copy. For "
        "PostgreSQL use pg_dump.",
    )
    add_db_argument(backup)
    backup.add_argument("--out", type=Path, required=True, metavar="FILE", help="the backup file")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.set_defaults(run=run_backup)


def register_restore(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    restore = subparsers.add_parser(
        "restore",
        help="put a backup back in place of the database (checked first)",
        description="Check FILE (SQLite's integrity check and the MIH Rounds tables), then copy "
        "it into the database. An existing database is replaced only with --force, and a copy "
        "of it is kept beside it first.",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a file `rounds backup` wrote")
    add_db_argument(restore)
    restore.add_argument(
        "--force", action="store_true", help="replace an existing database (a copy is kept)"
    )
    restore.set_defaults(run=run_restore)


def _url(args: argparse.Namespace) -> str:
    from caseload.store.database import resolve_url

    return resolve_url(args.db)


def run_backup(args: argparse.Namespace) -> int:
    from caseload import audit
    from caseload.store.backup import backup_database
    from caseload.store.database import open_database
    from caseload.users.permissions import Permission, require
    from desktop.cli.session import cli_actor

    url = _url(args)
    db = open_database(url)  # migrated and checked first; the copy's export is on file
    try:
        actor = cli_actor(args, db)
        require(actor, Permission.BACKUP)
        audit.record_now(db, actor, "database.backup", "database", "", str(args.out))
    finally:
        db.dispose()
    report = backup_database(url, args.out, force=args.force)
    print(
        f"Backed up {report.source} to {report.target} ({report.clients} clients, "
        f"{report.audit_rows} audit rows; readable by you only). Keep it somewhere safe."
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from caseload import audit
    from caseload.errors import DatabaseMissingError, DatabaseUnavailableError
    from caseload.store.backup import restore_database
    from caseload.store.database import open_database
    from caseload.users.permissions import Permission, require
    from desktop.cli.session import cli_actor

    url = _url(args)
    current = None
    actor = None
    try:  # only someone who may restore replaces the database in use
        current = open_database(url)
        actor = cli_actor(args, current)
    except (DatabaseMissingError, DatabaseUnavailableError):
        pass  # none there, or damaged (what a restore is for): the backup has its own log-in
    finally:
        if current is not None:
            current.dispose()
    if actor is not None:
        require(actor, Permission.BACKUP)
    report = restore_database(args.file, url, force=args.force)
    db = open_database(url)  # brings an older backup's schema up to date
    try:
        actor = cli_actor(args, db)  # as the restored database knows them
        audit.record_now(db, actor, "database.restore", "database", "", str(args.file))
    finally:
        db.dispose()
    kept = f" The database it replaced is kept as {report.kept_copy}." if report.kept_copy else ""
    print(
        f"Restored {report.source} into {report.target} ({report.clients} clients, "
        f"{report.audit_rows} audit rows).{kept} Run `rounds audit verify` to check its audit "
        "log."
    )
    return 0
