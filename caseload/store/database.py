"""Opening the database: URL resolution, SQLite pragmas, migrations, one session per unit of work.

Default: a SQLite file in the user data dir (WAL, foreign keys on, synchronous=FULL so a crash
or kill never loses a committed write or corrupts the file). Any SQLAlchemy URL works; PostgreSQL
is the shared multi-user deployment (psycopg 3).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from caseload.errors import ConflictError, DatabaseUnavailableError

log = logging.getLogger(__name__)

APP_NAME = "mih-rounds"
ENV_VAR = "ROUNDS_DB"


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "rounds.db"


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the explicit one, else $ROUNDS_DB, else the default SQLite file."""
    chosen = url or os.environ.get(ENV_VAR) or f"sqlite:///{default_database_path()}"
    # Plain postgresql:// would pick psycopg2, which we do not ship: use psycopg 3.
    if chosen.startswith("postgresql://") or chosen.startswith("postgres://"):
        chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
    return chosen


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@dataclass(frozen=True, slots=True)
class Database:
    """An open database. Services call `session()` once per unit of work."""

    url: str
    engine: Engine
    _sessions: sessionmaker[Session]

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise ConflictError(
                "Someone else changed this record since you opened it; nothing was saved. "
                "Reload to see their change, then make yours again."
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def describe(self) -> str:
        """Where the data lives, for a status bar (never shows a password)."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite":
            return f"SQLite: {url.database}"
        return f"{url.get_backend_name()}: {url.render_as_string(hide_password=True)}"

    def dispose(self) -> None:
        self.engine.dispose()


def create_db_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailableError(
            f"'{url}' is not a database URL; expected e.g. sqlite:///path/rounds.db "
            "or postgresql+psycopg://user:password@host/dbname"
        ) from exc
    sqlite_file = _sqlite_file(parsed)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailableError(
            f"'{parsed.drivername}' is not a database MIH Rounds can use; expected "
            "sqlite:///path/rounds.db or postgresql+psycopg://user:password@host/dbname"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default migrate) the database at `url` (see `resolve_url`)."""
    resolved = resolve_url(url)
    engine = create_db_engine(resolved)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        safe = make_url(resolved).render_as_string(hide_password=True)
        raise DatabaseUnavailableError(
            f"Cannot open the database {safe}: {exc.orig}. Check the URL, that the server is "
            "running and that you may connect."
        ) from exc
    if migrate:
        from caseload.store.migrate import upgrade_to_head

        upgrade_to_head(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(url=resolved, engine=engine, _sessions=sessions)


def backup_sqlite(engine: Engine, label: str) -> Path | None:
    """Copy a SQLite database file beside itself (consistent online backup); None for others."""
    path = _sqlite_file(engine.url)
    if path is None or not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    log.info("backed up %s to %s", path, target)
    return target
