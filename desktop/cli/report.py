"""`rounds report`: the outcomes report for a date range, written into DIR.

Writes the executive summary PDF (headline numbers, the before/after chart, definitions), a
CSV of every measure (small numbers suppressed: counts 1-10 shown as "<11") and a
de-identified client-level CSV for evaluators (HIPAA Safe Harbor). Files are private (0600).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from desktop.cli import add_db_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the outcomes report (PDF summary, measures CSV, de-identified clients CSV)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", required=True)
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", required=True)
    parser.add_argument(
        "--program", metavar="P", default=None, help="one program, by code or name (default: all)"
    )
    add_db_argument(parser)
    parser.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from caseload import settings
    from caseload.errors import UserError
    from caseload.reports.service import build_report
    from caseload.settings import ProgramSettings
    from caseload.store.database import open_database
    from desktop.cli.priorities import parse_date
    from desktop.cli.session import cli_actor
    from desktop.reports.save import write_report_files

    def day(flag: str, raw: str) -> date:
        try:
            return parse_date(raw)
        except UserError:
            raise UserError(
                f"{flag}: got {raw!r}, expected a date written YYYY-MM-DD (e.g. 2026-03-14)"
            ) from None

    start, end = day("--from", args.start), day("--to", args.end)
    db = open_database(args.db)
    try:
        program = settings.load(db, ProgramSettings)
        report = build_report(db, start, end, cli_actor(args, db), program=args.program)
    finally:
        db.dispose()
    written = write_report_files(
        report, args.out, program_name=program.program_name, paper_size=program.paper_size
    )
    sys.stdout.write(
        f"Outcomes report, {report.scope}, {report.period.start} to {report.period.end}:\n"
        + "".join(f"  {p}\n" for p in written)
    )
    return 0
