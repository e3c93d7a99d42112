"""How long ranking a large caseload takes on SQLite (prints figures; asserts no wall time).

python -m tests.bench.priorities_bench [--clients N]
pytest -m bench -s tests/bench/priorities_bench.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from caseload import settings
from caseload.actor import SYSTEM_ACTOR
from caseload.enums import EventKind, HousingStatus, VisitStatus, VisitType
from caseload.priority.engine import compute_priority
from caseload.priority.rules import PriorityRules
from caseload.priority.service import load_facts, rank_caseload
from caseload.programs import ensure_default_programs
from caseload.settings import ProgramSettings
from caseload.store.database import Database, open_database
from caseload.store.models import Client, Enrollment, Program, UtilizationEvent, Visit

ON = date(2026, 3, 16)


def generate(db: Database, n_clients: int, seed: int = 7) -> dict[str, int]:
    """A synthetic caseload: events, enrollments, completed visits and some appointments."""
    rng = random.Random(seed)
    zone = settings.load(db, ProgramSettings).zone
    now = datetime(ON.year, ON.month, ON.day, 7, tzinfo=zone)
    created = datetime(2025, 1, 1, tzinfo=UTC)
    housing = [HousingStatus.HOUSED] * 5 + [HousingStatus.SHELTERED, HousingStatus.UNSHELTERED] * 2
    kinds = [EventKind.CALL_911] * 4 + [EventKind.ED_VISIT] * 3 + [EventKind.FALL]
    kinds += [EventKind.OVERDOSE, EventKind.HOSPITAL_DISCHARGE]
    with db.session() as session:
        ensure_default_programs(session)
        programs = list(session.execute(select(Program.id, Program.cadence_days)))
        session.execute(
            insert(Client),
            [
                {
                    "external_id": f"B{i:06d}",
                    "first_name": f"First{i}",
                    "last_name": f"Last{i}",
                    "date_of_birth": date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                    "housing_status": rng.choice(housing).value,
                    "active": rng.random() > 0.05,
                    "created_at": created,
                    "version": 1,
                }
                for i in range(n_clients)
            ],
        )
        ids = list(session.scalars(select(Client.id)))
        events: list[dict[str, Any]] = []
        enrollments: list[dict[str, Any]] = []
        visits: list[dict[str, Any]] = []
        for cid in ids:
            for j in range(rng.randint(0, 10)):
                at = now - timedelta(minutes=rng.randint(30, 365 * 24 * 60)) + timedelta(seconds=j)
                events.append(
                    {"client_id": cid, "kind": rng.choice(kinds).value, "occurred_at": at}
                )
            for program_id, _cadence in rng.sample(programs, rng.randint(1, 2)):
                enrolled = ON - timedelta(days=rng.randint(1, 400))
                enrollments.append(
                    {"client_id": cid, "program_id": program_id, "enrolled_on": enrolled}
                )
                for _ in range(rng.randint(0, 4)):
                    day = ON - timedelta(days=rng.randint(1, 120))
                    visits.append(
                        {
                            "client_id": cid,
                            "program_id": program_id,
                            "visit_date": day,
                            "visit_type": rng.choice(list(VisitType)).value,
                            "status": VisitStatus.COMPLETED.value,
                            "completed_at": datetime(day.year, day.month, day.day, 15, tzinfo=zone),
                            "version": 1,
                        }
                    )
            if rng.random() < 0.02:
                start = now + timedelta(hours=rng.randint(1, 10))
                visits.append(
                    {
                        "client_id": cid,
                        "visit_date": ON,
                        "visit_type": VisitType.APPOINTMENT.value,
                        "status": VisitStatus.PLANNED.value,
                        "is_fixed_appointment": True,
                        "window_start": start,
                        "window_end": start + timedelta(hours=1),
                        "version": 1,
                    }
                )
        # Event rows are unique by (client, kind, time): drop accidental duplicates.
        unique = {(e["client_id"], e["kind"], e["occurred_at"]): e for e in events}
        session.execute(insert(UtilizationEvent), list(unique.values()))
        session.execute(insert(Enrollment), enrollments)
        session.execute(insert(Visit), visits)
    return {
        "clients": len(ids),
        "events": len(unique),
        "enrollments": len(enrollments),
        "visits": len(visits),
    }


def measure(db: Database, repeats: int = 3) -> None:
    zone = settings.load(db, ProgramSettings).zone
    now = datetime(ON.year, ON.month, ON.day, 7, tzinfo=zone)
    rules = PriorityRules()
    # Wall time and this process's CPU time (the CPU figure is what an idle machine would see
    # when other work competes for the cores).
    wall: dict[str, list[float]] = {"load": [], "compute": [], "total": []}
    cpu: dict[str, list[float]] = {"load": [], "compute": [], "total": []}
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        with db.session() as session:
            facts = load_facts(session, ON, now, rules)
        w1, c1 = time.perf_counter(), time.process_time()
        for f in facts:
            compute_priority(f, now, ON, rules)
        w2, c2 = time.perf_counter(), time.process_time()
        ranked = rank_caseload(db, ON, SYSTEM_ACTOR, now=now)
        w3, c3 = time.perf_counter(), time.process_time()
        for key, (a, b, x, y) in {
            "load": (w0, w1, c0, c1),
            "compute": (w1, w2, c1, c2),
            "total": (w2, w3, c2, c3),
        }.items():
            wall[key].append(b - a)
            cpu[key].append(y - x)
    tiers = {t: sum(1 for p in ranked if p.tier.value == t) for t in ("MUST", "HIGH", "ROUTINE")}
    print(f"ranked {len(ranked)} active clients: {tiers}; load average {os.getloadavg()[0]:.1f}")
    for key, title in (
        ("load", "load facts (5 queries)"),
        ("compute", "compute priorities"),
        ("total", "rank_caseload total"),
    ):
        print(
            f"  {title:<24} wall median {statistics.median(wall[key]):.3f} s "
            f"(min {min(wall[key]):.3f}), CPU median {statistics.median(cpu[key]):.3f} s "
            f"({repeats} runs)"
        )


def run(n_clients: int, path: Path) -> None:
    db = open_database(f"sqlite:///{path}", create=True)
    try:
        t0 = time.perf_counter()
        counts = generate(db, n_clients)
        print(f"generated {counts} in {time.perf_counter() - t0:.1f} s")
        measure(db)
    finally:
        db.dispose()


@pytest.mark.bench
def test_bench_rank_10000_clients(sqlite_db: Database) -> None:
    counts = generate(sqlite_db, 10_000)
    print(f"\ngenerated {counts}")
    measure(sqlite_db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.clients, Path(tmp) / "bench.db")


if __name__ == "__main__":
    main()
