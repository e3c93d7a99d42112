"""`rounds plan`: plan a day headless and write everything the crews take on the road.

Ranks the caseload, builds the day for the crews on shift (every MUST visit, then HIGH as time
allows), solves, stores the plan as a new version, and writes into DIR one route-sheet PDF per
crew, the plan as VROOM-format JSON, a CSV of all stops and one ICS calendar per crew. For
scheduled overnight planning and for tests.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli import add_db_argument


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="plan a day and write route sheets, JSON, CSV and calendars",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        default=None,
        help="the day to plan (default: today in the program's time zone)",
    )
    add_db_argument(parser)
    parser.add_argument(
        "--time-limit",
        metavar="S",
        type=float,
        default=None,
        help="seconds the planner may search (default: the program setting)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=None,
        help="folder for the sheets and files (default: ./rounds-<date>)",
    )
    sheets = parser.add_mutually_exclusive_group()
    sheets.add_argument(
        "--phi-minimised",
        dest="phi",
        action="store_true",
        default=None,
        help="initials only, no phone numbers or ages on the sheets",
    )
    sheets.add_argument(
        "--full",
        dest="phi",
        action="store_false",
        help="full names and phone numbers on the sheets",
    )
    parser.set_defaults(run=run)


def _initials_of(full_name: str) -> str:
    """'Ana María López' -> 'A. L.' (first and last word), as on PHI-minimised sheets."""
    from caseload.planning.sheets import initials

    words = full_name.split()
    return initials(words[0], words[-1] if len(words) > 1 else "") if words else ""


def run(args: argparse.Namespace) -> int:
    from caseload import audit, settings
    from caseload.errors import UserError
    from caseload.planning.exports import (
        crew_file_stems,
        write_crew_ics,
        write_plan_json,
        write_stops_csv,
    )
    from caseload.planning.service import load_day, plan_day
    from caseload.planning.sheets import build_crew_sheets
    from caseload.planning.snapshot import routing_documents
    from caseload.planning.versions import save_plan
    from caseload.private_files import private_dir
    from caseload.settings import ProgramSettings
    from caseload.store.database import open_database
    from desktop.cli.priorities import parse_date
    from desktop.cli.session import cli_actor
    from desktop.printing.route_sheet import ensure_gui_application, write_crew_pdfs

    if args.time_limit is not None and args.time_limit <= 0:
        raise UserError(f"--time-limit must be a positive number of seconds, got {args.time_limit}")
    db = open_database(args.db)
    actor = cli_actor(args, db)
    program = settings.load(db, ProgramSettings)
    if args.date is None:
        from datetime import datetime

        on = datetime.now(program.zone).date()
    else:
        on = parse_date(args.date)
    day = load_day(db, on, actor)
    if not day.crews:
        raise UserError(f"No crews are on shift on {on:%a %d %b %Y}: nothing to plan.")
    if not day.suggested:
        raise UserError(f"No MUST or HIGH visits are due on {on:%a %d %b %Y}: nothing to plan.")
    out = args.out if args.out is not None else Path(f"rounds-{on.isoformat()}")
    ensure_gui_application()  # the PDF writer needs one, created on the main thread

    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, message: str) -> None:
        if interactive:  # a live line on a terminal; nothing in logs of scheduled runs
            print(f"\r  planning: {done:3d}% {message[:60]:<60}", end="", file=sys.stderr)

    plan = plan_day(
        db,
        on,
        actor,
        selected=sorted(day.suggested),
        time_limit_s=args.time_limit,
        crews=day.crews,
        candidates=day.candidates,
        progress=progress,
    )
    if interactive:
        print(file=sys.stderr)
    saved = save_plan(
        db, actor, plan, note="rounds plan (command line)", based_on_version=day.latest_version
    )
    assert saved.plan_id is not None
    sheets = build_crew_sheets(db, saved.plan_id, actor, phi_minimised=args.phi)
    private_dir(out)  # a new folder is 0700; every file in it is written 0600
    pdfs = write_crew_pdfs(sheets, out, paper_size=program.paper_size, outline=program.outline())
    # Phone calendars often sync to cloud services: they get initials only, always.
    calendar_sheets = (
        sheets
        if all(s.phi_minimised for s in sheets)
        else build_crew_sheets(db, saved.plan_id, actor, phi_minimised=True)
    )
    icss = [
        write_crew_ics(sheet, out / f"{stem}.ics")
        for sheet, stem in zip(calendar_sheets, crew_file_stems(calendar_sheets), strict=True)
    ]
    csv_path = write_stops_csv(sheets, out / f"{on.isoformat()}-stops.csv")
    json_path = write_plan_json(*routing_documents(saved), out / f"{on.isoformat()}-plan.json")
    kind = "phi-minimised" if all(s.phi_minimised for s in sheets) else "full"
    audit.record_now(
        db, actor, "plan.export", "plan", saved.plan_id,
        f"{len(pdfs)} PDF, {len(icss)} ICS, CSV and JSON ({kind}) written by rounds plan",
    )  # fmt: skip
    print(
        f"Planned {on:%a %d %b %Y} (version {saved.version_no}): {plan.served_count} visits "
        f"for {len(day.crews)} crews, {len(plan.unassigned)} not planned, driving "
        f"{plan.travel_s // 60} min in total."
    )
    for route in plan.routes:
        print(f"  {route.crew.name:<12} {len(route.stops):3d} stops  {route.crew.member_names}")
    # The terminal (and a scheduled run's mail or log) follows the sheets' choice: initials only.
    minimised = program.phi_minimised_sheets if args.phi is None else args.phi
    for item in plan.unassigned:
        if item.candidate.tier.value == "MUST":
            who = _initials_of(item.candidate.name) if minimised else item.candidate.name
            print(f"  NOT PLANNED (MUST) {who}: {item.reason}")
    print(
        f"Wrote {len(pdfs)} PDF(s), {len(icss)} calendar(s), {csv_path.name} and "
        f"{json_path.name} to {out}"
    )
    return 0
