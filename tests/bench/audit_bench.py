"""How fast the audit viewer's service pages through a large audit log on SQLite (prints
figures; asserts no wall time): the first page of a search, a page near the end, a client
search, and a CSV export of every row.

python -m tests.bench.audit_bench [--rows N]
pytest -m bench -s tests/bench/audit_bench.py
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from caseload import audit_chain
from caseload.actor import SYSTEM_ACTOR
from caseload.audit_view import AuditFilter, audit_entries, export_audit_csv
from caseload.store.database import Database, open_database
from caseload.store.models import AuditEntry, AuditHead, Client

ACTIONS = ("client.view", "client.update", "visit.outcome", "plan.save", "caseload.view")
USERS = ("pm.jones", "sup.lee", "medic.ray", "peer.kim")


def generate(db: Database, rows: int, clients: int = 2000) -> None:
    """`rows` chained audit rows (valid HMACs) over `clients` clients, written in bulk."""
    key = audit_chain.audit_key()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session() as session:
        session.execute(
            insert(Client),
            [
                {
                    "external_id": f"A{i:05d}",
                    "first_name": f"First{i}",
                    "last_name": f"Last{i}",
                    "date_of_birth": date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                    "created_at": start,
                    "version": 1,
                }
                for i in range(clients)
            ],
        )
    previous = audit_chain.GENESIS
    batch: list[dict[str, object]] = []
    for seq in range(1, rows + 1):
        action = ACTIONS[seq % len(ACTIONS)]
        changes = (
            json.dumps({"before": {"phone": f"555-{seq:04d}"}, "after": {"phone": "555-0000"}})
            if action == "client.update"
            else ""
        )
        entry = AuditEntry(
            seq=seq,
            at=start + timedelta(seconds=30 * seq),
            actor=USERS[seq % len(USERS)],
            machine="bench",
            action=action,
            entity="client",
            entity_id=str(1 + seq % clients),
            details="changed: phone" if changes else "",
            client_id=1 + seq % clients,
            changes=changes,
        )
        entry.chain = audit_chain.chain_value(key, entry, previous)
        previous = entry.chain
        batch.append({c: getattr(entry, c) for c in _COLUMNS})
        if len(batch) == 5000 or seq == rows:
            with db.session() as session:
                session.execute(insert(AuditEntry), batch)
            batch = []
    with db.session() as session:
        session.add(AuditHead(id=1, seq=0, chain=""))
        session.flush()
        session.execute(update(AuditHead).values(seq=rows, chain=previous))


_COLUMNS = (
    "seq",
    "at",
    "actor",
    "machine",
    "action",
    "entity",
    "entity_id",
    "details",
    "client_id",
    "changes",
    "chain",
)


def _timed(label: str, fn: object) -> object:
    assert callable(fn)
    t0 = time.perf_counter()
    result = fn()
    print(f"  {label:<44} {time.perf_counter() - t0:7.3f} s")
    return result


def measure(db: Database, rows: int, out: Path) -> None:
    first = _timed(
        "first page (200 rows, newest, with total)",
        lambda: audit_entries(db, SYSTEM_ACTOR, AuditFilter(), limit=200),
    )
    upto = first.upto_seq  # type: ignore[attr-defined]
    _timed(
        f"page at offset {rows - 200}",
        lambda: audit_entries(db, SYSTEM_ACTOR, None, limit=200, offset=rows - 200, upto_seq=upto),
    )
    _timed(
        "client name search ('last17'), first page",
        lambda: audit_entries(db, SYSTEM_ACTOR, AuditFilter(client_search="last17"), limit=200),
    )
    _timed(
        "one user and one action, first page",
        lambda: audit_entries(
            db, SYSTEM_ACTOR, AuditFilter(user="sup.lee", action="client.update"), limit=200
        ),
    )
    count = _timed(
        "CSV export of every row",
        lambda: export_audit_csv(db, SYSTEM_ACTOR, out, AuditFilter()),
    )
    print(f"  exported {count} rows, {out.stat().st_size / 1e6:.1f} MB")
    _timed("verify the whole chain", lambda: audit_chain.verify_chain(db))


def run(rows: int, folder: Path) -> None:
    db = open_database(f"sqlite:///{folder / 'bench.db'}", create=True)
    try:
        t0 = time.perf_counter()
        generate(db, rows)
        print(f"generated {rows} audit rows in {time.perf_counter() - t0:.1f} s")
        measure(db, rows, folder / "audit.csv")
    finally:
        db.dispose()


@pytest.mark.bench
def test_bench_audit_log_100k(tmp_path: Path) -> None:
    print()
    run(100_000, tmp_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.rows, Path(tmp))


if __name__ == "__main__":
    main()
