"""Shared pieces of the fault tests: running `rounds` as a child process, killing it with SIGKILL
after a chosen delay, asking whether it held a write transaction at that moment, and checking a
database afterwards (integrity, audit chain).

`ROUNDS_FAULT_RUNS` sets how many killed runs each kill test makes (default `DEFAULT_RUNS`, for
CI); `python -m tests.bench.faults_bench` runs the same harness with more.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

DEFAULT_RUNS = 10
RUNS_ENV = "ROUNDS_FAULT_RUNS"
ROOT = Path(__file__).resolve().parents[2]


def fault_runs(default: int = DEFAULT_RUNS) -> int:
    """How many killed runs a kill test makes ($ROUNDS_FAULT_RUNS for more by hand)."""
    raw = os.environ.get(RUNS_ENV, "")
    return max(1, int(raw)) if raw.strip() else default


def rounds_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop.cli", *args]


def child_env() -> dict[str, str]:
    """The test's environment (XDG folders, so the same audit key) with Qt offscreen."""
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}


@dataclass(frozen=True, slots=True)
class Finished:
    """A run that was not killed: exit code and what it printed."""

    code: int
    stdout: str
    stderr: str
    seconds: float


def run_rounds(args: Sequence[str], *, timeout_s: float = 300) -> Finished:
    """Run `rounds ARGS` to the end."""
    started = time.monotonic()
    done = subprocess.run(
        rounds_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=child_env(),
        cwd=ROOT,
    )
    return Finished(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def start_rounds(args: Sequence[str]) -> subprocess.Popen[str]:
    """Start `rounds ARGS` in a process group of its own (a solver child dies with it)."""
    return subprocess.Popen(
        rounds_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=ROOT,
        start_new_session=True,
    )


# --- Was the child writing when it was killed? ------------------------------------------------


def sqlite_writer_active(path: Path) -> bool:
    """Whether another connection holds SQLite's write lock (an open write transaction): try
    to take it without waiting, and give it straight back."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


_PG_WRITERS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
)


@contextlib.contextmanager
def writer_probe(url: str) -> Iterator[Callable[[], bool]]:
    """A probe: whether another connection holds a write transaction right now (SQLite: the
    write lock; PostgreSQL: a session whose transaction has written, i.e. has an xid)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database
        path = Path(parsed.database)
        yield lambda: sqlite_writer_active(path)
        return
    # One kept connection (a new one per probe would slow the watched command down); checked
    # before use, as the test database's janitor ends every connection between runs.
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, pool_pre_ping=True)

    def probe() -> bool:
        with engine.connect() as conn:
            return bool(conn.execute(_PG_WRITERS).scalar_one())

    try:
        yield probe
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class Killed:
    """One run: the delay before SIGKILL, whether the child was still running then, whether it
    held a write transaction at that moment, and its exit code."""

    delay_s: float
    landed: bool  # the child was still running (the kill, not the command, ended it)
    mid_write: bool
    code: int


def run_and_kill(args: Sequence[str], delay_s: float, probe: Callable[[], bool]) -> Killed:
    """Start `rounds ARGS`, SIGKILL its process group after `delay_s` (if still running)."""
    child = start_rounds(args)
    try:
        try:
            child.wait(timeout=delay_s)
        except subprocess.TimeoutExpired:
            mid_write = probe()  # immediately before the kill: the race window is microseconds
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate(timeout=60)
            return Killed(delay_s, landed=True, mid_write=mid_write, code=child.returncode)
        child.communicate(timeout=60)
        return Killed(delay_s, landed=False, mid_write=False, code=child.returncode)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


@dataclass(frozen=True, slots=True)
class Measured:
    """A run to the end, watched: how long it took and when it was first seen writing."""

    finished: Finished
    writing_at_s: float | None


def measure(args: Sequence[str], probe: Callable[[], bool]) -> Measured:
    """Run `rounds ARGS` to the end, asking `probe` every few milliseconds whether it holds a
    write transaction, to learn when its write happens."""
    started = time.monotonic()
    child = start_rounds(args)
    writing_at: float | None = None
    while child.poll() is None:
        if writing_at is None and probe():
            writing_at = time.monotonic() - started
        time.sleep(0.002)
    out, err = child.communicate(timeout=60)
    elapsed = time.monotonic() - started
    return Measured(Finished(child.returncode, out, err, elapsed), writing_at)


def kill_delays(seed: int, runs: int, measured: Measured) -> list[float]:
    """`runs` delays (seeded: the same on every run of the suite): half spread over the whole
    measured run (a little past its end too, where it is closing up), half within 0.1 s of the
    moment it was seen writing, where a kill does the most harm."""
    rng = random.Random(seed)
    total = measured.finished.seconds
    delays = []
    for run in range(runs):
        if run % 2 and measured.writing_at_s is not None:
            delay = measured.writing_at_s + rng.uniform(-0.1, 0.1)
        else:
            delay = rng.uniform(0.05, 1.05) * total
        delays.append(round(max(0.05, delay), 3))
    return delays


# --- What a database must look like after any kill -------------------------------------------


def sqlite_integrity(path: Path) -> str:
    """PRAGMA integrity_check's answer ("ok" when intact); opening recovers the WAL first."""
    conn = sqlite3.connect(path)
    try:
        return ", ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def rounds_here(args: Sequence[str]) -> Finished:
    """`rounds ARGS` in this process (no interpreter start-up): exit code and what it printed."""
    from desktop.cli import main

    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Finished(code, out.getvalue(), err.getvalue(), time.monotonic() - started)


def audit_verify(url: str) -> Finished:
    """`rounds audit verify --db URL`: exit 0 when the audit chain is intact."""
    return rounds_here(["audit", "verify", "--db", url])


def scalar(url: str, sql: str, **params: object) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


@dataclass(slots=True)
class Tally:
    """Counts for the report: runs, kills that landed, kills that landed mid-write, what the
    database held after each (nothing of the command's write, or all of it), and data lost."""

    command: str
    runs: int = 0
    kills_landed: int = 0
    mid_write: int = 0
    absent: int = 0
    complete: int = 0
    lost: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, killed: Killed, *, complete: bool) -> None:
        self.runs += 1
        self.kills_landed += killed.landed
        self.mid_write += killed.mid_write
        if complete:
            self.complete += 1
        else:
            self.absent += 1

    def line(self) -> str:
        return (
            f"kill -9 {self.command}: {self.runs} runs, {self.kills_landed} kills landed "
            f"({self.mid_write} mid-write), after: {self.absent} nothing written / "
            f"{self.complete} all written, rows lost: {self.lost}"
        )
