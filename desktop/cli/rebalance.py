"""`rounds rebalance`: suggest (and optionally apply) caseload reassignments."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from caseload.errors import UserError
from caseload.rebalance import RebalanceProposal, apply_moves, suggest_rebalance
from caseload.rebalance.workload import ClinicianLoad
from caseload.store.database import open_database
from desktop.cli import add_db_argument
from desktop.cli.session import cli_actor


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "rebalance",
        help="suggest client reassignments that even out caseloads",
        description="Suggest moving clients between clinicians so that workloads fit capacity "
        "more evenly, with as few moves as possible. Nothing changes unless --apply is given.",
    )
    add_db_argument(parser)
    parser.add_argument(
        "--max-moves", type=int, default=20, metavar="N", help="move at most N clients (20)"
    )
    parser.add_argument(
        "--time-limit", type=float, default=5.0, metavar="S", help="search for S seconds (5)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--apply", action="store_true", help="apply all suggested moves (one transaction)"
    )
    parser.set_defaults(run=run)


def _names(loads: tuple[ClinicianLoad, ...]) -> dict[int, str]:
    """Clinician id -> display name, made unique when two clinicians share a name."""
    seen: dict[str, int] = {}
    for load in loads:
        seen[load.name] = seen.get(load.name, 0) + 1
    return {
        x.clinician_id: x.name if seen[x.name] == 1 else f"{x.name} #{x.clinician_id}"
        for x in loads
    }


def to_json(proposal: RebalanceProposal, applied: bool) -> dict[str, Any]:
    names = _names(proposal.before)
    return {
        "status": proposal.status,
        "date": proposal.snapshot.today.isoformat(),
        "max_moves": proposal.max_moves,
        "applied": applied,
        "workload_before": {names[x.clinician_id]: round(x.load_hours, 2) for x in proposal.before},
        "workload_after": {names[x.clinician_id]: round(x.load_hours, 2) for x in proposal.after},
        "capacity": {names[x.clinician_id]: round(x.capacity_hours, 2) for x in proposal.before},
        "spread_before": round(proposal.spread_before, 1),
        "spread_after": round(proposal.spread_after, 1),
        "worst_before": round(proposal.worst_before, 1),
        "worst_after": round(proposal.worst_after, 1),
        "acuity": proposal.snapshot.acuity_source,
        "objective": proposal.objective,
        "solve_seconds": round(proposal.wall_time_s, 2),
        "moves": [
            {
                "client_id": m.client_id,
                "external_id": m.external_id,
                "from": names[m.from_id] if m.from_id is not None else None,
                "to": names[m.to_id],
                "hours_per_week": round(m.hours_to, 2),
                "reason": m.reason,
            }
            for m in proposal.moves
        ],
    }


def to_text(proposal: RebalanceProposal, applied: bool) -> str:
    names = _names(proposal.before)
    width = max([len(n) for n in names.values()] + [10])
    lines = [
        f"Caseload on {proposal.snapshot.today.isoformat()}: {proposal.status},"
        f" {len(proposal.moves)} move(s) of at most {proposal.max_moves}"
        f" ({proposal.wall_time_s:.1f} s)",
        "",
        f"{'Clinician':<{width}}  {'Capacity':>8}  {'Before':>13}  {'After':>13}",
    ]
    for before, after in zip(proposal.before, proposal.after, strict=True):
        lines.append(
            f"{names[before.clinician_id]:<{width}}  {before.capacity_hours:>6.1f} h"
            f"  {before.load_hours:>6.1f} h {_pct(before):>5}"
            f"  {after.load_hours:>6.1f} h {_pct(after):>5}"
        )
    lines += [
        "",
        f"Spread (highest minus lowest load/capacity): {proposal.spread_before:.0f} -> "
        f"{proposal.spread_after:.0f} percentage points; highest: "
        f"{proposal.worst_before:.0f}% -> {proposal.worst_after:.0f}%",
    ]
    if proposal.moves:
        lines += ["", "Moves:"]
        for m in proposal.moves:
            lines.append(f"  {m.external_id} {m.client_name}: {m.from_name} -> {m.to_name}")
            lines.append(f"      {m.reason}")
    lines.append("")
    if applied:
        lines.append(f"Applied {len(proposal.moves)} move(s).")
    elif proposal.moves:
        lines.append("Nothing was changed; run again with --apply to make these moves.")
    else:
        lines.append("No move would improve the balance.")
    return "\n".join(lines)


def _pct(load: ClinicianLoad) -> str:
    return f"{load.utilisation:.0%}" if load.capacity_hours > 0 else "n/a"


def run(args: argparse.Namespace) -> int:
    if args.max_moves < 0:
        raise UserError(f"--max-moves must be 0 or more, got {args.max_moves}")
    if args.time_limit <= 0:
        raise UserError(f"--time-limit must be more than 0 seconds, got {args.time_limit:g}")
    db = open_database(args.db)
    try:
        actor = cli_actor(args, db)
        proposal = suggest_rebalance(
            db, actor, max_moves=args.max_moves, time_limit_s=args.time_limit
        )
        applied = False
        if args.apply and proposal.moves:
            apply_moves(db, actor, proposal.moves, proposal.expected_versions)
            applied = True
    finally:
        db.dispose()
    if args.json:
        json.dump(to_json(proposal, applied), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(to_text(proposal, applied))
    return 0
