"""The database layer: migrations, timezone-aware times, optimistic locking, backups, and
no database created by accident."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.actor import local_actor
from caseload.errors import (
    ConflictError,
    DatabaseExistsError,
    DatabaseMissingError,
    DatabaseUnavailableError,
)
from caseload.new_program import create_program_database
from caseload.store.database import (
    Database,
    database_exists,
    default_database_path,
    is_default_database,
    open_database,
    resolve_url,
)
from caseload.store.migrate import current_revision, head_revision
from caseload.store.models import Client


def _client(external_id: str = "C1") -> Client:
    return Client(
        external_id=external_id,
        first_name="Ana",
        last_name="Lopez",
        date_of_birth=date(1970, 1, 2),
        created_at=datetime(2026, 1, 1, 12, tzinfo=UTC),
    )


def test_open_migrates_to_head(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()


def test_times_round_trip_timezone_aware(db: Database) -> None:
    eastern = timezone(timedelta(hours=-5))
    created = datetime(2026, 3, 1, 8, 30, tzinfo=eastern)
    with db.session() as session:
        client = _client()
        client.created_at = created
        session.add(client)
    with db.session() as session:
        stored = session.scalars(select(Client)).one().created_at
    assert stored.tzinfo is not None
    assert stored == created


def test_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), db.session() as session:
        client = _client()
        client.created_at = datetime(2026, 1, 1)
        session.add(client)


def test_stale_write_raises_conflict_and_keeps_first_write(db: Database) -> None:
    with db.session() as session:
        session.add(_client())
    first = db._sessions()
    second = db._sessions()
    try:
        mine = first.scalars(select(Client)).one()
        theirs = second.scalars(select(Client)).one()
        theirs.phone = "919-555-0101"
        second.commit()
        mine.phone = "919-555-0199"
        with pytest.raises(Exception, match=r"(?i)stale|expected to update"):
            first.commit()
    finally:
        first.close()
        second.close()
    with db.session() as session:
        assert session.scalars(select(Client)).one().phone == "919-555-0101"


def test_session_turns_stale_data_into_conflict_error(db: Database) -> None:
    with db.session() as session:
        session.add(_client())
    with pytest.raises(ConflictError, match="changed this record"), db.session() as session:
        client = session.scalars(select(Client)).one()
        # Someone else updates the row behind this session's back.
        with db.session() as other:
            other.scalars(select(Client)).one().phone = "1"
        client.phone = "2"
        session.flush()


def test_postgres_url_uses_psycopg3() -> None:
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


def test_unreachable_database_gives_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailableError, match="Cannot open the database"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_bad_url_gives_clear_error() -> None:
    with pytest.raises(DatabaseUnavailableError, match="not a database URL"):
        open_database("not a url")


# --- a database is created only on purpose ---------------------------------------------------
def test_opening_a_missing_sqlite_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "rounds.db"
    with pytest.raises(DatabaseMissingError, match="rounds init --db") as caught:
        open_database(f"sqlite:///{path}")
    assert str(path) in str(caught.value)
    assert not (tmp_path / "typo").exists()
    assert not database_exists(f"sqlite:///{path}")


def test_create_makes_the_file_and_its_folder_then_it_opens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'rounds.db'}"
    open_database(url, create=True).dispose()
    assert database_exists(url)
    db = open_database(url)
    try:
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()


def test_an_empty_or_foreign_file_is_not_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(DatabaseMissingError):
        open_database(f"sqlite:///{empty}")
    text = tmp_path / "notes.db"
    text.write_text("not a database, just notes " * 100, encoding="utf-8")
    with pytest.raises(DatabaseUnavailableError, match="not a database MIH Rounds can read"):
        open_database(f"sqlite:///{text}")


def test_an_in_memory_database_needs_no_creating() -> None:
    db = open_database("sqlite://")
    try:
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()


def test_the_default_database_is_recognised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROUNDS_DB", raising=False)
    assert is_default_database(None)
    assert is_default_database(f"sqlite:///{default_database_path()}")
    assert not is_default_database("sqlite:///elsewhere.db")
    monkeypatch.setenv("ROUNDS_DB", "sqlite:///elsewhere.db")
    assert not is_default_database(None)


def test_a_new_program_database_refuses_an_existing_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    create_program_database(url, local_actor()).dispose()
    with pytest.raises(DatabaseExistsError, match="nothing was changed"):
        create_program_database(url, local_actor())
