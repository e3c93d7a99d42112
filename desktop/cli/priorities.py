"""`rounds priorities`: the caseload for a day, ranked, with the reasons for each client."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, datetime
from typing import Any

from caseload import audit, settings
from caseload.errors import UserError
from caseload.priority.facts import ClientPriority
from caseload.priority.service import default_now, rank_caseload
from caseload.settings import ProgramSettings
from caseload.store.database import open_database
from desktop.cli import add_db_argument
from desktop.cli.session import cli_actor

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REASONS_WIDTH = 80


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "priorities",
        help="rank the caseload for a day, with reasons",
        description="Every active client ranked for the day: tier (MUST, HIGH, ROUTINE), "
        "then score, with the reasons behind it. The rules and their points are settings "
        "stored in the database (key priority_rules).",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        default=None,
        help="the day to plan (default: today in the program's time zone)",
    )
    add_db_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--limit", metavar="N", type=_positive_int, default=None, help="show only the first N"
    )
    parser.set_defaults(run=run)


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {raw!r}")
    return value


def parse_date(raw: str) -> date:
    """A calendar date written YYYY-MM-DD; anything else is the user's to fix."""
    if _DATE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise UserError(f"--date: got {raw!r}, expected a date written YYYY-MM-DD (e.g. 2026-03-14)")


def run(args: argparse.Namespace) -> int:
    on = None if args.date is None else parse_date(args.date)
    db = open_database(args.db)
    try:
        zone = settings.load(db, ProgramSettings).zone
        if on is None:
            on = datetime.now(zone).date()
        now = default_now(on, zone)
        actor = cli_actor(args, db)
        ranked = rank_caseload(db, on, actor, now=now)
        audit.record_now(  # a client list printed is a client list viewed
            db, actor, "caseload.view", "caseload", on.isoformat(),
            f"{len(ranked)} clients listed (rounds priorities)",
        )  # fmt: skip
    finally:
        db.dispose()
    shown = ranked if args.limit is None else ranked[: args.limit]
    if args.json:
        json.dump([to_json(p, i) for i, p in enumerate(shown, 1)], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_summary(ranked, on, now))
        sys.stdout.write(format_table(shown))
    return 0


def to_json(priority: ClientPriority, rank: int) -> dict[str, Any]:
    appointment = None
    if priority.appointment is not None:
        start, end = priority.appointment
        appointment = {"start": _iso(start), "end": _iso(end)}
    return {
        "rank": rank,
        "client_id": priority.client_id,
        "external_id": priority.external_id,
        "name": priority.name,
        "tier": priority.tier.value,
        "score": priority.score,
        "reasons": [
            {"code": r.code, "label": r.label, "points": r.points} for r in priority.reasons
        ],
        "due_by": None if priority.due_by is None else _iso(priority.due_by),
        "appointment": appointment,
        "purpose": priority.purpose,
        "visit_type": priority.visit_type.value,
        "flags": sorted(priority.flags),
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _summary(ranked: list[ClientPriority], on: date, now: datetime) -> str:
    counts = dict.fromkeys(("MUST", "HIGH", "ROUTINE"), 0)
    for p in ranked:
        counts[p.tier.value] += 1
    tiers = ", ".join(f"{n} {tier}" for tier, n in counts.items())
    return (
        f"Priorities for {on:%a %d %b %Y} (as of {now:%H:%M %Z}): "
        f"{len(ranked)} active client{'' if len(ranked) == 1 else 's'} — {tiers}\n\n"
    )


def _score(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _top_reasons(priority: ClientPriority) -> str:
    """The leading reasons that fit the column whole, then how many more there are."""
    labels = [r.label for r in priority.reasons]
    shown = labels[:1]
    for label in labels[1:]:
        if len("; ".join([*shown, label])) > _REASONS_WIDTH:
            break
        shown.append(label)
    text = "; ".join(shown)
    more = len(labels) - len(shown)
    return f"{text} (+{more} more)" if more else text


def format_table(ranked: list[ClientPriority]) -> str:
    """An aligned plain-text table: rank, tier, score, name, due by, top reasons."""
    if not ranked:
        return "No active clients.\n"
    header = ("#", "Tier", "Score", "Name", "Due by", "Top reasons")
    rows = [
        (
            str(i),
            p.tier.value,
            _score(p.score),
            p.name,
            "" if p.due_by is None else f"{p.due_by:%a %d %b %H:%M}",
            _top_reasons(p),
        )
        for i, p in enumerate(ranked, 1)
    ]
    widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]
    right = {0, 2}  # numbers align right

    def line(cells: tuple[str, ...]) -> str:
        parts = [
            cell.rjust(widths[c]) if c in right else cell.ljust(widths[c])
            for c, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip() + "\n"

    rule = tuple("-" * w for w in widths)
    return line(header) + line(rule) + "".join(line(row) for row in rows)
