"""`rounds` when the database says no: two imports at once, a busy database, a bug — exit 2 with
plain words (or 1 for a bug), and never a client's name, birth date, phone or address on the
terminal or in the log (issue 14)."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.store import sqlite_file
from caseload.store.database import open_database
from caseload.store.models import Client
from desktop.cli import main
from desktop.log_format import SafeFormatter
from tests.desktop.local_mode import switch_on_local_mode

ROWS = 300
PHI = ("Zelda", "Quixote", "1950-02-03", "919-555-", "Secretname Road")


def _clients_csv(path: Path) -> Path:
    lines = ["external_id,first_name,last_name,date_of_birth,phone,address,zip,lat,lon"]
    lines += [
        f"P{i},Zelda{i},Quixote{i},1950-02-03,919-555-{i:04d},{i} Secretname Road,27705,35.99,-78.9"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _assert_no_phi(said: str) -> None:
    assert [value for value in PHI if value in said] == [], said


def _client_count(url: str) -> int:
    db = open_database(url)
    try:
        with db.session() as session:
            return session.scalar(select(func.count()).select_from(Client)) or 0
    finally:
        db.dispose()


def test_two_imports_of_the_same_file_at_once(db_url: str, tmp_path: Path) -> None:
    """One wins; the other exits 2 with a plain message (already there, conflict or busy)
    whichever way the race goes; nothing is imported twice or half; no PHI is printed."""
    csv = _clients_csv(tmp_path / "clients.csv")
    command = [sys.executable, "-m", "desktop.cli", "import", "clients", str(csv), "--db", db_url]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert sorted(code for code, _, _ in results) == [0, 2], results
    for _, out, err in results:
        _assert_no_phi(out + err)
        assert "Traceback" not in err
    (loser_err,) = [err for code, _, err in results if code == 2]
    assert any(
        plain in loser_err
        for plain in ("already in the database", "at the same time", "database is busy")
    ), loser_err
    assert _client_count(db_url) == ROWS


def test_an_import_into_a_busy_database_exits_2_after_a_bounded_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert main(["init", "--db", url]) == 0
    switch_on_local_mode(url)
    monkeypatch.setattr(sqlite_file, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(tmp_path / "r.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another import is writing
    try:
        code = main(["import", "clients", str(_clients_csv(tmp_path / "c.csv")), "--db", url])
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert code == 2
    assert "The database is busy (another import is running" in err and "Try again" in err
    _assert_no_phi(err)
    assert _client_count(url) == 0


def test_a_bug_prints_where_it_happened_but_not_what_it_was_handling(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import desktop.cli.priorities as priorities

    def broken(_args: object) -> int:
        raise ValueError(", ".join(PHI))  # (the stack shows source lines: no values in them)

    monkeypatch.setattr(priorities, "run", broken)
    assert main(["priorities", "--date", "2026-01-05"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "ValueError" in err and "in broken" in err
    assert "internal error" in err
    _assert_no_phi(err)


def test_the_log_keeps_the_stack_and_drops_the_message(tmp_path: Path) -> None:
    """rounds.log's formatter: an exception with client data in its text is logged by type and
    stack only (causes included)."""
    path = tmp_path / "rounds.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("rounds.test-phi")
    logger.addHandler(handler)
    try:
        try:
            try:
                raise KeyError(" ".join(PHI[:3]))
            except KeyError as inner:
                raise RuntimeError(" at ".join(PHI[3:])) from inner
        except RuntimeError:
            logger.exception("unexpected error")
    finally:
        logger.removeHandler(handler)
        handler.close()
    logged = path.read_text(encoding="utf-8")
    assert "unexpected error" in logged and "KeyError" in logged and "RuntimeError" in logged
    assert "test_the_log_keeps_the_stack_and_drops_the_message" in logged
    _assert_no_phi(logged)
