"""A full disk for SQLite without root or a tiny filesystem: every new connection gets
`PRAGMA max_page_count` set to the file's current size, so any write that needs one more page
fails as a full disk does (SQLITE_FULL, "database or disk is full")."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event

from caseload.store import database, sqlite_file


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, SQLite databases opened through `open_database` cannot grow."""
    set_pragmas = sqlite_file.set_sqlite_pragmas

    def pragmas_then_full(dbapi_connection: Any, record: Any) -> None:
        set_pragmas(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        (pages,) = cursor.execute("PRAGMA page_count").fetchone()
        cursor.execute(f"PRAGMA max_page_count = {int(pages)}")
        cursor.close()

    monkeypatch.setattr(database, "set_sqlite_pragmas", pragmas_then_full)


def fill_the_disk_of(engine: Engine) -> None:
    """The same for an engine already open: its pooled connections are closed, new ones are
    limited."""

    def full(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        (pages,) = cursor.execute("PRAGMA page_count").fetchone()
        cursor.execute(f"PRAGMA max_page_count = {int(pages)}")
        cursor.close()

    event.listen(engine, "connect", full)
    engine.dispose()
