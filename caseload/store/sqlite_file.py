"""SQLite specifics: where a URL's file is, the connection pragmas, and online file backups; and
the same bounded wait for a lock on PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL; None for other backends and in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


# How long a write waits for another writer (an import, a save) before giving up with "the
# database is busy": long enough for an ordinary save, short enough that nobody stares at a
# frozen command. PostgreSQL gets the same bound as lock_timeout.
BUSY_TIMEOUT_MS = 10_000


def set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys on, synchronous=FULL (a crash or kill never loses a committed write),
    and a bounded wait for the write lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cursor.close()


def set_postgres_lock_timeout(dbapi_connection: Any, _record: Any) -> None:
    """A bounded wait for a row or table lock held by another writer (SQLSTATE 55P03 after)."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT_MS)}")
    cursor.close()
    dbapi_connection.commit()  # psycopg opens a transaction even for SET


def backup_sqlite(engine: Engine, label: str) -> Path | None:
    """Copy a SQLite database file beside itself (consistent online backup); None for others."""
    path = sqlite_path(engine.url)
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
