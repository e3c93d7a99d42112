"""Database errors as plain messages: never the statement's values (names, birth dates, phones,
addresses, notes), never the driver's detail text (PostgreSQL's DETAIL repeats key values).

Engines are made with `hide_parameters=True`, so even an error nobody translates carries no
row values; `translate` turns the ones a user can act on into `UserError`s (exit 2 on the
command line, a plain dialog in the app): a busy or locked database, a conflicting write, a
value the database refuses, a lost connection, a damaged file.
"""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from caseload.errors import (
    ConflictError,
    DatabaseBusyError,
    DatabaseCorruptError,
    DatabaseUnavailableError,
    UserError,
)

BUSY_MESSAGE = (
    "The database is busy (another import is running, or someone else is saving); nothing "
    "was saved. Try again in a moment."
)
CONFLICT_MESSAGE = (
    "Someone else saved the same records at the same time (for example the same file imported "
    "twice at once); nothing was saved. Check what is in the database now, then try again."
)
DATA_MESSAGE = (
    "The database refused a value (for example a hidden NUL character, or text longer than "
    "the database allows); nothing was saved. Check the input for control characters."
)
LOST_MESSAGE = (
    "Lost the connection to the database; nothing was saved. Check that the server is running "
    "and reachable, then try again."
)
FULL_MESSAGE = "The disk is full; nothing was saved. Free some space, then try again."
CORRUPT_MESSAGE = (
    "The database file is damaged or is not an MIH Rounds database (it may have been cut short "
    "by a full disk or a copy that did not finish); nothing was changed. Restore the latest "
    "backup with `rounds restore FILE` (backups are kept beside the database as "
    "*.bak files, and wherever `rounds backup` wrote them)."
)

# SQLSTATEs of a PostgreSQL transaction that lost a race: lock_not_available,
# serialization_failure, deadlock_detected, query_canceled (statement/lock timeout).
_PG_BUSY = frozenset({"55P03", "40001", "40P01", "57014"})
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_SQLITE_CORRUPT = ("malformed", "file is not a database", "disk image", "file is encrypted")


def _driver_text(exc: DBAPIError) -> str:
    return str(exc.orig).lower() if exc.orig is not None else ""


def _sqlstate(exc: DBAPIError) -> str:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code if isinstance(code, str) else ""


def is_busy(exc: BaseException) -> bool:
    """A database too busy to take the write now (another writer holds the lock)."""
    if not isinstance(exc, DBAPIError):
        return False
    text = _driver_text(exc)
    return _sqlstate(exc) in _PG_BUSY or any(s in text for s in _SQLITE_BUSY)


def translate(exc: BaseException) -> UserError | None:
    """The plain error for a database exception a user can act on; None for anything else
    (a bug: the caller lets it through, and it carries no values thanks to hide_parameters)."""
    if not isinstance(exc, DBAPIError):
        return None
    if is_busy(exc):
        return DatabaseBusyError(BUSY_MESSAGE)
    if isinstance(exc, IntegrityError):
        return ConflictError(CONFLICT_MESSAGE)
    if isinstance(exc, DataError):
        return UserError(DATA_MESSAGE)
    text = _driver_text(exc)
    if any(s in text for s in _SQLITE_CORRUPT):
        return DatabaseCorruptError(CORRUPT_MESSAGE)
    if "disk is full" in text or "no space left" in text:
        return DatabaseUnavailableError(FULL_MESSAGE)
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return DatabaseUnavailableError(LOST_MESSAGE)
    return None
