"""`rounds audit verify [--db URL] [--expect-count N --expect-head H]`: check the audit log's
hash chain. Exit 0 intact, 3 when a row was altered, deleted or inserted out of order (the first
bad row is named), 2 when the database or the key cannot be used.

`rounds audit list [--by USER] [--client ID] [--since DATE] [--until DATE] [--action A]
[--limit N] [--csv FILE]`: the newest matching entries (supervisors, program managers and
administrators). The terminal gets ids and details only; before/after values (PHI) go only into
the private CSV. (`--by`, not `--user`: `--user` names who runs the command, as everywhere.)"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from desktop.cli import add_db_argument

INTEGRITY_FAILURE = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="verify the tamper-evident audit log",
        description="Work with the audit log (who viewed, changed or printed what, and when).",
    )
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="check that no audit row was altered, deleted or inserted out of order",
        description="Recompute the audit log's hash chain with the audit key "
        "($ROUNDS_AUDIT_KEY or the key file). Prints the row count and the latest chain value: "
        "record both somewhere the database's users cannot change, and pass them back with "
        "--expect-count and --expect-head to also detect removed newest rows.",
    )
    add_db_argument(verify)
    verify.add_argument(
        "--expect-count",
        type=int,
        metavar="N",
        default=None,
        help="the row count an earlier verify printed: the log must still hold these rows",
    )
    verify.add_argument(
        "--expect-head",
        metavar="H",
        default=None,
        help="the chain value an earlier verify printed with --expect-count's count",
    )
    verify.set_defaults(run=run_verify)
    _register_list(actions)


def _register_list(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = actions.add_parser(
        "list",
        help="show or export audit entries (supervisors and administrators)",
        description="Show the newest audit entries matching the filters, or write every match "
        "to a CSV file (0600) with --csv, before/after values included.",
    )
    add_db_argument(listing)
    listing.add_argument("--by", metavar="USER", default="", help="only this user's entries")
    listing.add_argument(
        "--client", metavar="ID", default="", help="a client's database id or external id"
    )
    listing.add_argument("--since", metavar="DATE", default="", help="from this day (YYYY-MM-DD)")
    listing.add_argument("--until", metavar="DATE", default="", help="to this day, inclusive")
    listing.add_argument(
        "--action", metavar="A", default="", help='an action, or a family ending in "." (client.)'
    )
    listing.add_argument(
        "--limit", type=int, metavar="N", default=50, help="entries to show (default 50)"
    )
    listing.add_argument("--csv", metavar="FILE", default=None, help="write every match here")
    listing.set_defaults(run=run_list)


def run_list(args: argparse.Namespace) -> int:
    from pathlib import Path

    from caseload.audit_view import AuditFilter, audit_entries, export_audit_csv
    from caseload.store.database import open_database
    from desktop.cli.session import cli_actor

    filters = AuditFilter(
        user=args.by.strip(),
        client_id=int(args.client) if args.client.strip().isdigit() else None,
        client_search="" if args.client.strip().isdigit() else args.client.strip(),
        start=_day(args.since, "--since"),
        end=_day(args.until, "--until"),
        action=args.action.strip(),
    )
    if args.limit < 1:
        raise _error(f"--limit must be 1 or more, got {args.limit}")
    db = open_database(args.db)
    try:
        actor = cli_actor(args, db)
        if args.csv:
            count = export_audit_csv(db, actor, Path(args.csv), filters)
            print(f"Wrote {count} audit entries to {args.csv}.")
            return 0
        page = audit_entries(db, actor, filters, limit=args.limit)
    finally:
        db.dispose()
    for row in page.rows:
        client = f" client {row.client_id}" if row.client_id is not None else ""
        changed = (
            f" [changed: {', '.join(sorted(row.after or row.before or {}))}]"
            if (row.before or row.after)
            else ""
        )
        print(
            f"{row.seq or '-':>7}  {row.at.astimezone():%Y-%m-%d %H:%M:%S}  {row.user}  "
            f"{row.action}  {row.entity} {row.entity_id}{client}  {row.details[:120]}{changed}"
        )
    print(f"{len(page.rows)} of {page.total} matching entries (newest first).")
    return 0


def _day(text: str, option: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _error(f"{option} must be a date like 2026-03-01, got {text!r}") from None


def _error(message: str) -> Exception:
    from caseload.errors import UserError

    return UserError(message)


def run_verify(args: argparse.Namespace) -> int:
    from caseload.audit_chain import KEY_ENV, key_file_path, verify_chain
    from caseload.errors import UserError
    from caseload.store.database import open_database
    from caseload.users.permissions import Permission, require
    from desktop.cli.session import cli_actor

    if args.expect_head is not None and args.expect_count is None:
        raise UserError("--expect-head needs --expect-count (the row count printed with it)")
    if args.expect_count is not None and args.expect_count < 0:
        raise UserError(f"--expect-count must be 0 or more, got {args.expect_count}")
    db = open_database(args.db, migrate=False)
    try:
        require(cli_actor(args, db), Permission.VIEW_AUDIT)
        report = verify_chain(db, expect_count=args.expect_count, expect_head=args.expect_head)
        where = db.describe()
    finally:
        db.dispose()
    if report.bad is not None:
        bad = report.bad
        parts = [f"row {bad.seq}" if bad.seq is not None else "a row"]
        if bad.row_id is not None:
            parts.append(f"(id {bad.row_id}")
            parts[-1] += f", {bad.at:%Y-%m-%d %H:%M:%S} UTC" if bad.at else ""
            parts[-1] += f", {bad.action})" if bad.action else ")"
        print(
            f"rounds: audit log NOT intact ({where}): {' '.join(parts)} {bad.problem}. "
            f"{report.rows} row(s) before it verify. If this database is written from several "
            f"machines, each must use the same audit key (${KEY_ENV} or {key_file_path()}).",
            file=sys.stderr,
        )
        return INTEGRITY_FAILURE
    span = (
        f", {report.first:%Y-%m-%d %H:%M} to {report.last:%Y-%m-%d %H:%M} UTC"
        if report.first and report.last
        else ""
    )
    print(f"Audit log intact ({where}): {report.rows} row(s){span}.")
    print(f"Latest chain value: {report.head or '(none: the log is empty)'}")
    print(
        "Record the count and value where the database's users cannot change them; later, "
        f"`rounds audit verify --expect-count {report.rows} --expect-head "
        f"{report.head or '-'}` also detects removed newest rows."
    )
    return 0
