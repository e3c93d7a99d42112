"""The database layer: migrations, timezone-aware times, optimistic locking, backups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload.errors import ConflictError, DatabaseUnavailableError
from caseload.store.database import Database, open_database, resolve_url
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
