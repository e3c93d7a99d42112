"""Backups of the SQLite database (issue 14): an online copy that is private and checked, a
restore that checks first, never overwrites by accident and keeps what it replaces, and a
damaged database file that says where its backups are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload import audit_chain
from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.errors import DatabaseCorruptError, DatabaseExistsError, UserError
from caseload.store import migrate
from caseload.store.backup import backup_database, restore_database
from caseload.store.database import Database, open_database
from caseload.store.models import Client

TODAY = date(2026, 3, 10)
ALL = 26  # the demo's 25 active clients and 1 discharged


def _clients(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Client)) or 0


@pytest.fixture
def demo(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=3, clients=25, today=TODAY)
    db.dispose()
    return url


def test_a_backup_is_a_private_checked_self_contained_copy(demo: str, tmp_path: Path) -> None:
    live = open_database(demo)  # the app stays open meanwhile
    try:
        report = backup_database(demo, tmp_path / "keep" / "monday.db")
        assert report.clients == _clients(live) == ALL and report.audit_rows >= 1
    finally:
        live.dispose()
    copy = tmp_path / "keep" / "monday.db"
    assert copy.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in copy.parent.iterdir()) == ["monday.db"]  # no -wal/-shm
    with pytest.raises(DatabaseExistsError, match="--force"):
        backup_database(demo, copy)


def test_postgresql_is_backed_up_with_its_own_tools() -> None:
    with pytest.raises(UserError, match="pg_dump"):
        backup_database("postgresql+psycopg://u@localhost/rounds", Path("x.db"))


def test_restore_refuses_to_overwrite_then_replaces_and_keeps_a_copy(
    demo: str, tmp_path: Path
) -> None:
    backup_database(demo, tmp_path / "b.db")
    db = open_database(demo)
    try:
        with db.session() as session:
            session.execute(Client.__table__.delete())
        assert _clients(db) == 0  # a bad day: everything deleted
        with pytest.raises(DatabaseExistsError, match="--force"):
            restore_database(tmp_path / "b.db", demo)
        assert _clients(db) == 0  # refused: nothing changed
        report = restore_database(tmp_path / "b.db", demo, force=True)
        assert _clients(db) == ALL  # the open connection sees the restored data
    finally:
        db.dispose()
    assert report.kept_copy is not None and report.kept_copy.name.startswith("rounds.db.before")
    kept = open_database(f"sqlite:///{report.kept_copy}")
    try:
        assert _clients(kept) == 0  # what it replaced, kept
    finally:
        kept.dispose()
    restored = open_database(demo)
    try:
        assert audit_chain.verify_chain(restored).intact
    finally:
        restored.dispose()


def test_a_damaged_or_foreign_backup_is_refused_and_nothing_changes(
    demo: str, tmp_path: Path
) -> None:
    backup_database(demo, tmp_path / "b.db")
    data = (tmp_path / "b.db").read_bytes()
    (tmp_path / "cut.db").write_bytes(data[: len(data) // 3])
    (tmp_path / "notes.db").write_bytes(b"not a database at all" * 50)
    before = (tmp_path / "rounds.db").read_bytes()
    for bad in ("cut.db", "notes.db"):
        with pytest.raises(UserError, match=r"damaged|not a database"):
            restore_database(tmp_path / bad, demo, force=True)
    assert (tmp_path / "rounds.db").read_bytes() == before


def test_a_damaged_database_names_its_newest_backup(demo: str, tmp_path: Path) -> None:
    path = tmp_path / "rounds.db"
    backup_database(demo, tmp_path / "rounds.db.nightly.bak")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 4])  # a copy cut short by a full disk
    with pytest.raises(DatabaseCorruptError) as caught:
        open_database(demo)
    message = str(caught.value)
    assert "damaged" in message and "rounds.db.nightly.bak" in message
    assert "rounds restore" in message
    restore_database(tmp_path / "rounds.db.nightly.bak", demo, force=True)
    db = open_database(demo)
    try:
        assert _clients(db) == ALL
    finally:
        db.dispose()
    assert list(tmp_path.glob("rounds.db.damaged-*"))  # the damaged file is kept aside


def test_a_backup_is_kept_before_each_migration(
    demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgraded: list[str] = []
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002")
    monkeypatch.setattr(migrate.command, "upgrade", lambda _config, rev: upgraded.append(rev))
    open_database(demo).dispose()
    (kept,) = tmp_path.glob("rounds.db.before-migration-from-0001-*.bak")
    assert upgraded == ["head"] and kept.stat().st_mode & 0o777 == 0o600
    copy = open_database(f"sqlite:///{kept}", migrate=False)
    try:
        assert _clients(copy) == ALL
    finally:
        copy.dispose()


def test_a_daily_backup_on_the_first_start_keeps_the_newest_seven(
    demo: str, tmp_path: Path
) -> None:
    from datetime import timedelta

    from caseload.store.backup import daily_backup

    db = open_database(demo)
    try:
        first = daily_backup(db, today=TODAY)
        assert first is not None and first.name == "rounds.db.daily-20260310.bak"
        assert first.stat().st_mode & 0o777 == 0o600
        assert daily_backup(db, today=TODAY) is None  # once a day
        for days in range(1, 10):
            daily_backup(db, today=TODAY + timedelta(days=days))
    finally:
        db.dispose()
    kept = sorted(p.name for p in tmp_path.glob("rounds.db.daily-*.bak"))
    assert len(kept) == 7 and kept[-1] == "rounds.db.daily-20260319.bak"
    assert kept[0] == "rounds.db.daily-20260313.bak"
