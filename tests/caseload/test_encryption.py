"""Encryption at rest (issue 14): an encrypted database is unreadable without its key, opens
with it, refuses a wrong one with one plain message, and its backups stay encrypted."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseload.actor import local_actor
from caseload.errors import UserError
from caseload.new_program import create_program_database
from caseload.store import encryption
from caseload.store.backup import backup_database, restore_database
from caseload.store.database import open_database
from caseload.store.models import Client


@pytest.fixture(autouse=True)
def no_remembered_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encryption, "_remembered", {})
    monkeypatch.setattr(encryption, "_prompt", None)
    monkeypatch.delenv(encryption.KEY_ENV, raising=False)


def _encrypted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    monkeypatch.setenv(encryption.KEY_ENV, "correct horse battery staple")
    path = tmp_path / "enc.db"
    db = open_database(f"sqlite:///{path}", create=True, encrypt=True)
    try:
        with db.session() as session:
            session.add(
                Client(
                    external_id="E1",
                    first_name="Zelda",
                    last_name="Quixote",
                    date_of_birth=date(1950, 2, 3),
                    created_at=datetime.now(UTC),
                )
            )
    finally:
        db.dispose()
    return f"sqlite:///{path}", path


def test_the_file_is_unreadable_without_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, path = _encrypted(tmp_path, monkeypatch)
    assert encryption.is_encrypted_file(path)
    assert b"Zelda" not in path.read_bytes()
    plain = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT count(*) FROM clients").fetchall()
    plain.close()
    db = open_database(url)  # with the key
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Client)) == 1
    finally:
        db.dispose()


def test_a_wrong_or_missing_key_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, path = _encrypted(tmp_path, monkeypatch)
    monkeypatch.setenv(encryption.KEY_ENV, "wrong")
    with pytest.raises(encryption.WrongKeyError) as caught:
        open_database(url)
    assert str(caught.value) == encryption.WRONG_KEY
    monkeypatch.delenv(encryption.KEY_ENV)
    with pytest.raises(UserError, match="set ROUNDS_DB_KEY"):
        open_database(url)
    asked: list[Path] = []
    encryption.set_key_prompt(lambda p: asked.append(p) or "correct horse battery staple")
    open_database(url).dispose()
    open_database(url).dispose()
    assert asked == [path]  # asked once, then kept in memory (never on disk)


def test_backups_of_an_encrypted_database_stay_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = _encrypted(tmp_path, monkeypatch)
    report = backup_database(url, tmp_path / "b.db")
    assert report.clients == 1 and encryption.is_encrypted_file(tmp_path / "b.db")
    restored = tmp_path / "restored.db"
    restore_database(tmp_path / "b.db", f"sqlite:///{restored}")
    assert encryption.is_encrypted_file(restored)
    open_database(f"sqlite:///{restored}").dispose()
    monkeypatch.setenv(encryption.KEY_ENV, "wrong")
    with pytest.raises(encryption.WrongKeyError):
        backup_database(url, tmp_path / "c.db")
    assert not (tmp_path / "c.db").exists()


def test_only_a_new_file_can_be_encrypted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    create_program_database(url, local_actor()).dispose()
    monkeypatch.setenv(encryption.KEY_ENV, "k")
    with pytest.raises(UserError, match="already exists unencrypted"):
        open_database(url, create=True, encrypt=True)
    open_database(url).dispose()  # a plain file stays plain, key or not
