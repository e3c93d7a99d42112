"""kill -9 at random moments (issue 14): `rounds import clients`, `rounds plan` (which saves a
plan version) and `rounds rebalance --apply` are killed after seeded random delays spread over
their measured run time. After every kill the database is intact (`PRAGMA integrity_check`),
holds either none or all of the command's write (clients, a plan version with all its stops,
every move with its audit row), keeps everything it held before, and `rounds audit verify`
exits 0.

Each test prints its counts (runs, kills that landed, kills that landed while the command held
a write transaction, rows lost). ROUNDS_FAULT_RUNS=100 runs more by hand; so does
`python -m tests.bench.faults_bench`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.store.database import open_database
from desktop.printing.pdf_file import require_complete_pdf
from tests.desktop.local_mode import switch_on_local_mode
from tests.faults import harness
from tests.faults.harness import Tally

TODAY = date(2026, 3, 10)
IMPORT_ROWS = 2000
EARLIER_ROWS = 5  # clients already in the database: none may be lost


def clients_csv(path: Path, rows: int, prefix: str = "K") -> Path:
    lines = ["external_id,first_name,last_name,date_of_birth,phone,address,zip,lat,lon"]
    lines += [
        f"{prefix}{i},Kit{i},Tester{i},1960-01-02,919-555-{i % 10000:04d},{i} Faultline Road,"
        f"27705,{35.9 + i % 100 / 1000:.4f},{-78.9 - i % 77 / 1000:.4f}"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _report(tally: Tally, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\n{tally.line()}")


def _check_intact(url: str, path: Path | None) -> None:
    if path is not None:
        assert harness.sqlite_integrity(path) == "ok"
    verified = harness.audit_verify(url)
    assert verified.code == 0, verified.stderr


# --- rounds import clients --------------------------------------------------------------------


def kill_imports(
    url: str,
    path: Path | None,
    work: Path,
    restore: Callable[[], None],
    runs: int,
    seed: int,
) -> Tally:
    """Kill `rounds import clients` (IMPORT_ROWS rows) `runs` times; `restore` puts the
    database back to holding only the EARLIER_ROWS clients."""
    earlier_csv = clients_csv(work / "earlier.csv", EARLIER_ROWS, "E")

    def start_over() -> None:
        restore()
        switch_on_local_mode(url)  # a single-user program database (imports refuse a demo)
        assert harness.rounds_here(["import", "clients", str(earlier_csv), "--db", url]).code == 0

    start_over()
    earlier = harness.rows(url, "SELECT external_id FROM clients ORDER BY external_id")
    assert len(earlier) == EARLIER_ROWS
    big = clients_csv(work / "clients.csv", IMPORT_ROWS)
    args = ["import", "clients", str(big), "--db", url]
    snapshot = work / "before.db"
    if path is not None:
        shutil.copyfile(path, snapshot)
    with harness.writer_probe(url) as probe:
        measured = harness.measure(args, probe)
        assert measured.finished.code == 0, measured.finished.stderr
        full = harness.scalar(url, "SELECT count(*) FROM clients")
        assert full == EARLIER_ROWS + IMPORT_ROWS
        tally = Tally("rounds import clients")
        for delay in harness.kill_delays(seed, runs, measured):
            if path is not None:
                shutil.copyfile(snapshot, path)
            else:
                start_over()
            killed = harness.run_and_kill(args, delay, probe)
            assert killed.code in (0, -9), killed
            _check_intact(url, path)
            count = harness.scalar(url, "SELECT count(*) FROM clients")
            kept = harness.rows(
                url,
                "SELECT external_id FROM clients WHERE external_id LIKE 'E%' ORDER BY external_id",
            )
            tally.lost += len(set(earlier) - set(kept))
            assert count in (EARLIER_ROWS, full), f"{count} clients after a kill at {delay} s"
            imports = harness.scalar(
                url, "SELECT count(*) FROM audit_log WHERE action = 'import.clients'"
            )
            assert imports == (2 if count == full else 1)  # the import is audited with its rows
            tally.add(killed, complete=count == full)
        assert tally.lost == 0
        return tally


def test_kill_9_during_a_clients_import_on_sqlite(
    sqlite_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rounds.db"
    url = f"sqlite:///{path}"

    def restore() -> None:
        shutil.copyfile(sqlite_template, path)
        for extra in ("-wal", "-shm"):
            path.with_name(path.name + extra).unlink(missing_ok=True)

    tally = kill_imports(url, path, tmp_path, restore, harness.fault_runs(), seed=14)
    _report(tally, capsys)
    assert tally.kills_landed > 0


@pytest.mark.postgres
def test_kill_9_during_a_clients_import_on_postgresql(
    postgres_test_database: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = postgres_test_database
    url: str = database.url  # type: ignore[attr-defined]
    try:
        runs = max(1, harness.fault_runs() // 2)
        tally = kill_imports(url, None, tmp_path, database.empty, runs, seed=15)  # type: ignore[attr-defined]
    finally:
        database.empty()  # type: ignore[attr-defined]
    tally.command += " (PostgreSQL)"
    _report(tally, capsys)
    assert tally.kills_landed > 0


# --- rounds plan (saves a plan version) --------------------------------------------------------


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    db = open_database(f"sqlite:///{path}", create=True)
    create_demo(db, local_actor(), seed=3, clients=40, today=TODAY)
    db.dispose()  # the last connection folds the WAL in: the file alone is the database
    return path


def _fresh(source: Path, path: Path) -> None:
    shutil.copyfile(source, path)
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)


def test_kill_9_during_a_plan_save_on_sqlite(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.db"
    url = f"sqlite:///{path}"
    args = ["plan", "--date", TODAY.isoformat(), "--db", url, "--time-limit", "1"]
    # The first Qt start of a session builds the font cache (seconds): not a time to measure.
    _fresh(demo_file, path)
    warm_up = harness.run_rounds([*args, "--out", str(tmp_path / "warm-up")])
    assert warm_up.code == 0, warm_up.stderr
    _fresh(demo_file, path)
    before = harness.scalar(url, "SELECT count(*) FROM audit_log")
    with harness.writer_probe(url) as probe:
        measured = harness.measure([*args, "--out", str(tmp_path / "measured")], probe)
        assert measured.finished.code == 0, measured.finished.stderr
        ((full_stops,),) = harness.rows(url, "SELECT count(*) FROM plan_stops")
        assert isinstance(full_stops, int) and full_stops > 0
        tally = Tally("rounds plan (save a plan version)")
        delays = harness.kill_delays(10, harness.fault_runs(), measured)
        for run, delay in enumerate(delays):
            _fresh(demo_file, path)
            out = tmp_path / f"out{run}"
            killed = harness.run_and_kill([*args, "--out", str(out)], delay, probe)
            assert killed.code in (0, -9), killed
            _check_intact(url, path)
            versions = harness.rows(url, "SELECT id, version_no, snapshot_json FROM plans")
            stops = harness.scalar(url, "SELECT count(*) FROM plan_stops")
            saves = harness.scalar(url, "SELECT count(*) FROM audit_log WHERE action = 'plan.save'")
            assert harness.scalar(url, "SELECT count(*) FROM audit_log") >= before  # nothing lost
            if versions:
                ((_, version_no, snapshot),) = versions
                assert version_no == 1 and snapshot not in ("", "{}")
                assert stops == full_stops and saves == 1
            else:
                assert stops == 0 and saves == 0
            _check_files(out)
            tally.add(killed, complete=bool(versions))
        _report(tally, capsys)
        assert tally.kills_landed > 0


def _check_files(out: Path) -> None:
    """Whatever a killed `rounds plan` left is private, and a file under its final name is
    whole (only a `.part` file may be cut short)."""
    for path in out.iterdir() if out.exists() else ():
        assert path.stat().st_mode & 0o077 == 0, path
        if path.suffix == ".pdf":
            require_complete_pdf(path, path)
        elif path.suffix == ".json":
            json.loads(path.read_text("utf-8"))


# --- rounds rebalance --apply ------------------------------------------------------------------


def _assigned(url: str) -> dict[object, object]:
    """Client id -> assigned clinician id."""
    found = harness.rows(url, "SELECT id, assigned_clinician_id FROM clients ORDER BY id")
    return {row[0]: row[1] for row in found}


def test_kill_9_during_a_rebalance_apply_on_sqlite(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "run.db"
    url = f"sqlite:///{path}"
    args = ["rebalance", "--apply", "--db", url, "--time-limit", "2"]
    _fresh(demo_file, path)
    before = _assigned(url)
    with harness.writer_probe(url) as probe:
        measured = harness.measure(args, probe)
        assert measured.finished.code == 0, measured.finished.stderr
        moved = {c: to for c, to in _assigned(url).items() if before[c] != to}
        assert moved, "the demo caseload should need some moves"
        tally = Tally("rounds rebalance --apply")
        for delay in harness.kill_delays(20, harness.fault_runs(), measured):
            _fresh(demo_file, path)
            killed = harness.run_and_kill(args, delay, probe)
            assert killed.code in (0, -9), killed
            _check_intact(url, path)
            after = dict(_assigned(url).items())
            assert after.keys() == before.keys()  # no client lost
            changed = {c: to for c, to in after.items() if before[c] != to}
            assert changed in ({}, moved), f"partial rebalance after a kill at {delay} s"
            audited = harness.scalar(
                url, "SELECT count(*) FROM audit_log WHERE action = 'client.reassign'"
            )
            assert audited == len(changed)
            tally.add(killed, complete=bool(changed))
        _report(tally, capsys)
        assert tally.kills_landed > 0
