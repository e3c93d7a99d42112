"""Encryption at rest for the SQLite database: SQLCipher (the `sqlcipher3` module), whole-file
AES-256, so the file and its backups are unreadable without the key.

Whether a file is encrypted is read from the file itself (a plain SQLite file starts with
"SQLite format 3"); a new one is encrypted when asked (`rounds demo --encrypt`,
`rounds init --encrypt`). The key comes from `ROUNDS_DB_KEY`, or from a passphrase prompt the
command line installs (`set_key_prompt`); it is kept in memory only, never written anywhere.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from caseload.errors import DatabaseUnavailableError, UserError

KEY_ENV = "ROUNDS_DB_KEY"
SQLITE_HEADER = b"SQLite format 3\x00"
WRONG_KEY = "cannot open the database: wrong key or not an encrypted database"

_prompt: Callable[[Path], str | None] | None = None
_remembered: dict[Path, str] = {}


class WrongKeyError(DatabaseUnavailableError):
    """The key does not open the encrypted database (or it is not one)."""


class KeyNeededError(DatabaseUnavailableError):
    """A file that is not plain SQLite, and no key to try: encrypted, or not a database."""


def set_key_prompt(prompt: Callable[[Path], str | None] | None) -> None:
    """How to ask for a passphrase when ROUNDS_DB_KEY is not set (None: do not ask)."""
    global _prompt
    _prompt = prompt


def is_encrypted_file(path: Path) -> bool:
    """A non-empty file that is not plain SQLite (SQLCipher leaves no readable header)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return bool(head) and head != SQLITE_HEADER


def key_for(path: Path) -> str:
    """The key for the encrypted database at `path`: $ROUNDS_DB_KEY, else the prompt."""
    resolved = path.resolve()
    from_env = os.environ.get(KEY_ENV, "")
    if from_env:
        return from_env
    if resolved in _remembered:
        return _remembered[resolved]
    entered = _prompt(path) if _prompt is not None else None
    if not entered:
        raise KeyNeededError(
            f"{path} is not a plain SQLite file. If it is an encrypted MIH Rounds database, set "
            f"{KEY_ENV} to its key (or run the command in a terminal to be asked for it); "
            "otherwise it is damaged, or not a database MIH Rounds can read."
        )
    _remembered[resolved] = entered
    return entered


def remember_key(path: Path, key: str) -> None:
    """Keep a key the user typed (in memory, for this process) for the file at `path`."""
    _remembered[path.resolve()] = key


def key_still_needed(path: Path | None) -> bool:
    """Whether opening `path` needs a key nobody has given yet (no $ROUNDS_DB_KEY, none
    typed): the app then asks on its UI thread before opening in the background."""
    return (
        path is not None
        and is_encrypted_file(path)
        and not os.environ.get(KEY_ENV)
        and path.resolve() not in _remembered
    )


def dbapi() -> Any:
    """The SQLCipher DB-API module (a UserError when it is not installed)."""
    try:
        import sqlcipher3.dbapi2 as module  # type: ignore[import-untyped]
    except ImportError:
        raise UserError(
            "Encrypted databases need the sqlcipher3-binary package: pip install sqlcipher3-binary"
        ) from None
    return module


def _quoted(key: str) -> str:
    return "'" + key.replace("'", "''") + "'"


def apply_key(connection: Any, key: str) -> None:
    """Unlock a fresh SQLCipher connection (before any other statement) and check the key."""
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not logs
        cursor.execute(f"PRAGMA key = {_quoted(key)}")
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except dbapi().DatabaseError:
        raise WrongKeyError(WRONG_KEY) from None
    finally:
        cursor.close()


def connect(
    path: Path, *, read_only: bool = False, encrypted: bool | None = None, key: str | None = None
) -> Any:
    """A DB-API connection to the SQLite file `path`, unlocked when it is encrypted
    (`encrypted` None: as the file says; `key` None: `key_for(path)`)."""
    target = f"file:{path}?mode=ro" if read_only else str(path)
    if encrypted is None:
        encrypted = is_encrypted_file(path)
    if not encrypted:
        return sqlite3.connect(target, uri=read_only)
    connection = dbapi().connect(target, uri=read_only)
    try:
        apply_key(connection, key if key is not None else key_for(path))
    except BaseException:
        connection.close()
        raise
    return connection
