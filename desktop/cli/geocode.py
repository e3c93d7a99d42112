"""`rounds geocode "ADDRESS" | --file QUERIES.txt [--db URL] [--json]`: where an address is,
and how sure we are, from the agency's address table (no network unless the agency configured
its own geocoder)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from caseload.errors import UserError
from caseload.geocoding import GeocodeResult
from caseload.geocoding.service import geocode_addresses
from caseload.store.database import open_database
from desktop.cli import add_db_argument

_TEXT = (
    "Find the coordinates of an address the way a client import would: the address table "
    "(exact, interpolated between house numbers, or a misspelt street matched by house number "
    "and ZIP or city), the agency's own geocoder if configured, the ZIP centre, else none."
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "geocode", help="locate addresses with the local address table", description=_TEXT
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("address", nargs="?", metavar="ADDRESS", help="one address, quoted")
    what.add_argument(
        "--file",
        metavar="QUERIES.txt",
        type=Path,
        help="a text file with one address per line (blank lines are skipped)",
    )
    add_db_argument(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list in input order: query, lat, lon, quality, matched",
    )
    parser.set_defaults(run=run)


def read_queries(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(
            f"{path}: no such file; expected a text file, one address per line"
        ) from None
    except UnicodeDecodeError:
        raise UserError(
            f"{path}: not UTF-8 text; expected a text file, one address per line"
        ) from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})") from exc
    return [line.strip() for line in text.splitlines() if line.strip()]


def run(args: argparse.Namespace) -> int:
    queries = read_queries(args.file) if args.file is not None else [args.address.strip()]
    if not any(queries):
        raise UserError(
            'no address given; expected an address such as "3808 Guess Rd, Durham NC 27705"'
        )
    db = open_database(args.db)
    try:
        results = geocode_addresses(db, queries)
    finally:
        db.dispose()
    if args.json:
        json.dump(
            [to_json(q, r) for q, r in zip(queries, results, strict=True)], sys.stdout, indent=2
        )
        sys.stdout.write("\n")
    else:
        for query, result in zip(queries, results, strict=True):
            sys.stdout.write(format_line(query, result))
    return 0


def to_json(query: str, result: GeocodeResult) -> dict[str, Any]:
    return {
        "query": query,
        "lat": result.lat,
        "lon": result.lon,
        "quality": result.quality.value,
        "matched": result.matched,
        "score": result.score,
        "distance_m": None if result.distance_m is None else round(result.distance_m),
        "source": result.source,
    }


def format_line(query: str, result: GeocodeResult) -> str:
    """'exact  36.057967, -78.929029  3808 GUESS RD  ->  3808 Guess Road, Durham 27705', with
    the similarity of a misspelt street and how far off an interpolated or ZIP point may be."""
    where = "-" if result.location is None else f"{result.lat:.6f}, {result.lon:.6f}"
    detail = result.matched or result.source
    if result.score is not None and result.score < 100:
        detail += f" (score {result.score:.0f})"
    if result.distance_m is not None and result.distance_m > 0:
        detail += f" (± {result.distance_m:.0f} m)"
    return f"{result.quality.value:<13} {where:<23} {query}  ->  {detail}\n"
