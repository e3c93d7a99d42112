"""Two writers at once (issue 14), on SQLite and on PostgreSQL: two `rounds plan` saving the
same day, two `rounds rebalance --apply` making the same moves. One wins; the other exits 2 with
a plain conflict or busy message (no traceback, no client's name); nothing is lost or written
twice; the audit chain verifies.

To make the race certain rather than likely, the test holds the database's write lock while
both commands start, read and plan, and lets go once both have had time to reach their write
(well inside the 10 s the commands wait for a lock): both then write from the same starting
point, as two people pressing Save together do.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.store.database import open_database
from tests.faults import harness

TODAY = date(2026, 3, 10)
# Long enough for both commands to start and plan before either can write (`rounds plan`
# takes ~2 s whole on an idle machine: 4x margin for a loaded one); shorter than the commands'
# lock wait (sqlite_file.BUSY_TIMEOUT_MS, 10 s), since neither can be waiting from its start.
HOLD_S = 8.5
PLAIN = (
    "at the same time",
    "database is busy",
    "while you were editing",
    "changed by someone",
    "Someone else changed this record",
)


@pytest.fixture
def demo_url(db_url: str) -> str:
    db = open_database(db_url)
    create_demo(db, local_actor(), seed=3, clients=40, today=TODAY)
    db.dispose()
    return db_url


@contextmanager
def write_lock_held(url: str, table: str) -> Iterator[None]:
    """Hold the write lock: SQLite's (BEGIN IMMEDIATE), or on PostgreSQL an EXCLUSIVE lock on
    `table` (others may read it, nobody may write it or lock its rows)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database
        conn = sqlite3.connect(parsed.database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as pg, pg.begin():
            pg.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def race(url: str, table: str, commands: list[list[str]]) -> list[harness.Finished]:
    """Start `commands` together under the write lock, let go after HOLD_S; their results."""
    with write_lock_held(url, table):
        children = [harness.start_rounds(args) for args in commands]
        time.sleep(HOLD_S)
    results = []
    for child in children:
        try:
            out, err = child.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            child.kill()
            raise
        results.append(harness.Finished(child.returncode, out, err, 0.0))
    return results


def client_names(url: str) -> set[str]:
    found = harness.rows(url, "SELECT first_name, last_name FROM clients")
    return {str(name) for row in found for name in row if name and len(str(name)) > 3}


def loser_of(results: list[harness.Finished], names: set[str]) -> harness.Finished:
    """The one that lost: exit 2 with a plain message; the other won."""
    assert sorted(r.code for r in results) == [0, 2], [(r.code, r.stderr) for r in results]
    (loser,) = [r for r in results if r.code == 2]
    assert "Traceback" not in loser.stderr
    assert any(plain in loser.stderr for plain in PLAIN), loser.stderr
    leaked = sorted(n for n in names if n in loser.stderr + loser.stdout)
    assert leaked == [], loser.stderr
    return loser


def test_two_plan_saves_for_the_same_day(demo_url: str, tmp_path: Path) -> None:
    args = ["plan", "--date", TODAY.isoformat(), "--db", demo_url, "--time-limit", "1"]
    results = race(
        demo_url, "plans", [[*args, "--out", str(tmp_path / name)] for name in ("a", "b")]
    )
    loser_of(results, client_names(demo_url))
    versions = harness.rows(demo_url, "SELECT id, version_no FROM plans")
    assert [v for _, v in versions] == [1]  # one version, not two, not half of one
    ((plan_id, _),) = versions
    stops = harness.scalar(
        demo_url, "SELECT count(*) FROM plan_stops WHERE plan_id = :p", p=plan_id
    )
    assert stops > 0
    assert harness.scalar(demo_url, "SELECT count(*) FROM plan_stops") == stops
    assert harness.audit_verify(demo_url).code == 0


def test_two_rebalance_applies_at_once(demo_url: str) -> None:
    query = "SELECT id, assigned_clinician_id, version FROM clients ORDER BY id"
    before = {row[0]: row[1:] for row in harness.rows(demo_url, query)}
    args = ["rebalance", "--apply", "--db", demo_url, "--time-limit", "2"]
    results = race(demo_url, "clients", [args, args])
    loser_of(results, client_names(demo_url))
    after = {row[0]: row[1:] for row in harness.rows(demo_url, query)}
    assert after.keys() == before.keys()
    moved = [c for c in after if after[c][0] != before[c][0]]
    assert moved, "the winner applied its moves"
    # Each moved client changed once (version + 1) and has one audit row, not two.
    assert all(after[c][1] == before[c][1] + 1 for c in moved)  # type: ignore[operator]
    audited = harness.scalar(
        demo_url, "SELECT count(*) FROM audit_log WHERE action = 'client.reassign'"
    )
    assert audited == len(moved)
    assert harness.audit_verify(demo_url).code == 0
