"""A week of demo days checked against issue 11's clinical rules (prints figures; asserts none).

    python -m tests.bench.clinical_days [--days 7] [--time-limit 5] [--seed 1]

Plans each day of a fresh demo program (nothing is saved, no outcomes are recorded, so overdue
first contacts pile up) and counts, per day: stops, MUST stops planned late, late MUST stops
that come after a HIGH/ROUTINE stop without an appointment in the same crew (the ordering rule)
and how many of those carry no reason for the order ("unexplained", expected 0),
stops whose consent is declined or unrecorded without an "Obtain consent" purpose, and stops
whose crew lacks a skill the visit needs.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date, timedelta
from pathlib import Path

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.enums import ConsentState, Tier
from caseload.planning.model import DayPlan
from caseload.planning.service import plan_day
from caseload.store.database import open_database


def day_figures(plan: DayPlan) -> dict[str, int]:
    assert plan.basis is not None
    candidates = {c.key: c for c in plan.basis.built.candidates}
    out = {
        "stops": 0,
        "late_must": 0,
        "must_after_other": 0,
        "unexplained": 0,
        "consent": 0,
        "needs": 0,
    }
    for route in plan.routes:
        other_before = False
        for stop in route.stops:
            out["stops"] += 1
            candidate = candidates[stop.key]
            if stop.tier is Tier.MUST and stop.lateness > timedelta(0):
                out["late_must"] += 1
                out["must_after_other"] += other_before
                out["unexplained"] += other_before and not stop.order_note
            elif stop.tier is not Tier.MUST and stop.window is None:
                other_before = True
            consent = ConsentState(candidate.consent)
            if consent is ConsentState.DECLINED or (
                consent is ConsentState.NOT_RECORDED
                and not stop.purpose.startswith("Obtain consent")
            ):
                out["consent"] += 1
            out["needs"] += not candidate.required_skills <= route.crew.skills
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 12, 3))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'week.db'}", create=True)
        create_demo(db, local_actor(), seed=args.seed, today=args.start)
        for k in range(args.days):
            day = args.start + timedelta(days=k)
            plan = plan_day(db, day, local_actor(), time_limit_s=args.time_limit)
            figures = " ".join(f"{name}={value}" for name, value in day_figures(plan).items())
            print(f"{day:%a %Y-%m-%d} {figures} unplanned={len(plan.unassigned)}")
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
