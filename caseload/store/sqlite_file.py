"""SQLite specifics: where a URL's file is, the connection pragmas, and online file backups; and
the same bounded wait for a lock on PostgreSQL."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from caseload.private_files import create_private_file, make_private, part_path
from caseload.store import encryption

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
    copy_sqlite(path, target)
    log.info("backed up %s to %s", path, target)
    return target


def copy_sqlite(source_path: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite database (the online backup API), 0600, written as a
    `.part` file and renamed into place, so a killed copy never looks like a backup."""
    partial = create_private_file(part_path(target))
    try:
        encrypted = encryption.is_encrypted_file(source_path)
        source = encryption.connect(source_path, encrypted=encrypted)
        try:
            # An encrypted database's copy is encrypted with the same key.
            key = encryption.key_for(source_path) if encrypted else None
            dest = encryption.connect(partial, encrypted=encrypted, key=key)
            try:
                source.backup(dest)
                # One self-contained file (no -wal/-shm beside it); opening it as a database
                # turns WAL back on.
                dest.execute("PRAGMA journal_mode=DELETE")
            finally:
                dest.close()
        finally:
            source.close()
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def secure_sqlite_files(path: Path) -> None:
    """The database file and its -wal/-shm: 0600 (a file from an older version may be 0644)."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        make_private(candidate)
