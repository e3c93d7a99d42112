"""`rounds import clients|events|addresses|places|usual-places|staff|shifts|referrals FILE
[--db URL] [--dry-run]`.

All-or-nothing: a file with any bad row imports nothing; every problem is listed on stderr
(row, column, value, what was expected) and the exit code is 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from caseload.importing.addresses import import_address_table
from caseload.importing.clients import import_clients
from caseload.importing.common import ImportReport
from caseload.importing.events import import_events
from caseload.importing.places import import_shared_places
from caseload.importing.referrals import import_referrals
from caseload.importing.shifts import import_shifts
from caseload.importing.staff import import_staff
from caseload.importing.usual_places import import_usual_places
from caseload.importing.visits import import_visits
from caseload.store.database import open_database
from desktop.cli import add_db_argument
from desktop.cli.session import cli_actor

MAX_WARNINGS_SHOWN = 25

_WHAT = {
    "clients": "Import clients from a CSV or XLSX file (see the README for the columns).",
    "events": "Import 911 calls, ED visits, overdoses, falls and hospital discharges for "
    "clients already in the database.",
    "addresses": "Load the agency's local address table (address, city, state, zip, lat, lon) "
    "used to place client addresses without any network.",
    "staff": "Import or update the team: name, role, certifications with expiry, languages, "
    "home station, weekly hours (see the README for the columns).",
    "shifts": "Import weekly shift patterns (who works which days, hours, crew, vehicle) and "
    "exceptions (leave, sick, swap, extra shift).",
    "referrals": "Put referrals (EMS crew, ED discharge planner, APS, clinic, police, self) in "
    "the referral queue as new; with --accept, rows naming a program are accepted at once.",
}
_WHAT["places"] = (
    "Add or update shared places (shelter, camp, day centre, library, bus station): name, "
    "kind, lat, lon, description, opening_hours."
)
_WHAT["usual-places"] = (
    "Link clients to shared places with the times of day they are usually there: "
    "external_id, place, times_of_day, primary."
)
_WHAT["visits"] = (
    "Record visit outcomes (completed, not_found, declined, transported, cancelled, "
    "rescheduled) for clients already in the database, e.g. from a crew's spreadsheet."
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import clients, events, addresses, staff or shifts from CSV/XLSX (all or nothing)",
        description="Import a CSV or XLSX file. If any row is bad nothing is imported, every "
        "problem is listed and the exit code is 2.",
    )
    kinds = parser.add_subparsers(dest="import_kind", metavar="WHAT", required=True)
    for kind, text in _WHAT.items():
        sub = kinds.add_parser(kind, help=text, description=text)
        sub.add_argument("file", metavar="FILE", type=Path, help="a .csv or .xlsx file")
        add_db_argument(sub)
        sub.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would be imported, without writing anything",
        )
        if kind == "referrals":
            sub.add_argument(
                "--accept",
                action="store_true",
                help="accept rows that name a program: link to the client on file (external_id, "
                "or the one with the same name and date of birth) or make a new client, and "
                "enrol; a row whose person may already be on file is left new for triage",
            )
        sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    importer: dict[str, Callable[..., ImportReport]] = {
        "clients": import_clients,
        "events": import_events,
        "addresses": import_address_table,
        "staff": import_staff,
        "shifts": import_shifts,
        "referrals": import_referrals,
    }
    importer["visits"] = import_visits
    importer["places"] = import_shared_places
    importer["usual-places"] = import_usual_places
    db = open_database(args.db)
    try:
        options = {"accept": True} if getattr(args, "accept", False) else {}
        report = importer[args.import_kind](
            db, cli_actor(args, db), args.file, dry_run=args.dry_run, **options
        )
    finally:
        db.dispose()
    print(report.summary(max_warnings=MAX_WARNINGS_SHOWN))
    return 0
