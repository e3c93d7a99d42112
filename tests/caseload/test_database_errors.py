"""Database errors reach the user as plain words, never with a row's values (issue 14): engines
hide statement parameters, and a conflicting write, a busy database or a refused value becomes
a UserError whose text and traceback name no client."""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from caseload.errors import ConflictError, DatabaseBusyError, UserError
from caseload.store import sqlite_file
from caseload.store.database import Database, open_database
from caseload.store.models import Client

# What must never appear: name, birth date, phone, address (and the note).
PHI = ("Zelda", "Quixote", "1950-02-03", "919-555-0142", "77 Secretname Road", "keyunder mat")


def _client(**changes: object) -> Client:
    values: dict[str, object] = {
        "external_id": "Z1",
        "first_name": "Zelda",
        "last_name": "Quixote",
        "date_of_birth": date(1950, 2, 3),
        "phone": "919-555-0142",
        "address": "77 Secretname Road",
        "safety_notes": "keyunder mat",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(changes)
    return Client(**values)


def _everything_said(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def _assert_no_phi(said: str) -> None:
    leaked = [value for value in PHI if value in said]
    assert leaked == [], said


def test_engines_hide_statement_parameters(db: Database) -> None:
    assert db.engine.hide_parameters is True


def test_a_duplicate_write_is_a_plain_conflict(db: Database) -> None:
    with db.session() as session:
        session.add(_client())
    with pytest.raises(ConflictError) as caught, db.session() as session:
        session.add(_client())
        session.flush()
    assert "nothing was saved" in str(caught.value)
    _assert_no_phi(_everything_said(caught.value))


@pytest.fixture
def sqlite_db_short_wait(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """A SQLite database whose writers give up after 0.2 s instead of 10."""
    monkeypatch.setattr(sqlite_file, "BUSY_TIMEOUT_MS", 200)
    sqlite_db.engine.dispose()  # new connections take the shorter wait
    yield sqlite_db


def test_sqlite_waits_a_bounded_time_then_says_the_database_is_busy(
    sqlite_db_short_wait: Database,
) -> None:
    db = sqlite_db_short_wait
    assert db.engine.url.database is not None
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another import holds the write lock
    try:
        with pytest.raises(DatabaseBusyError) as caught, db.session() as session:
            session.add(_client())
            session.flush()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "database is busy" in str(caught.value) and "try again" in str(caught.value).lower()
    _assert_no_phi(_everything_said(caught.value))
    with db.session() as session:  # and the next attempt works
        session.add(_client())


def test_the_sqlite_busy_timeout_is_set_on_every_connection(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        waited = conn.execute(text("PRAGMA busy_timeout")).scalar_one()
    assert waited == sqlite_file.BUSY_TIMEOUT_MS


@pytest.mark.postgres
def test_postgres_nul_byte_is_a_plain_error(postgres_test_database: object) -> None:
    url = postgres_test_database.url  # type: ignore[attr-defined]
    db = open_database(url)
    try:
        with pytest.raises(UserError) as caught, db.session() as session:
            session.add(_client(safety_notes="keyunder mat\x00 Zelda"))
            session.flush()
        assert "NUL" in str(caught.value) and "nothing was saved" in str(caught.value)
        _assert_no_phi(_everything_said(caught.value))
    finally:
        db.dispose()
        postgres_test_database.empty()  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_postgres_waits_a_bounded_time_for_a_locked_row(
    postgres_test_database: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_test_database.url  # type: ignore[attr-defined]
    monkeypatch.setattr(sqlite_file, "BUSY_TIMEOUT_MS", 200)
    first, second = open_database(url), open_database(url)
    try:
        with first.session() as session:
            session.add(_client())
        with first.session() as holder:
            holder.execute(text("SELECT id FROM clients FOR UPDATE")).all()
            with pytest.raises(DatabaseBusyError) as caught, second.session() as session:
                session.execute(text("UPDATE clients SET phone = '919-555-0142'"))
        _assert_no_phi(_everything_said(caught.value))
    finally:
        first.dispose()
        second.dispose()
        postgres_test_database.empty()  # type: ignore[attr-defined]
