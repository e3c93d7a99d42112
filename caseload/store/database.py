"""Opening the database: URL resolution, migrations, one session per unit of work.

Default: a SQLite file in the user data dir (pragmas in `sqlite_file`). Any SQLAlchemy URL works;
PostgreSQL is the shared multi-user deployment (psycopg 3). Opening never creates a database by
accident: a missing one is an error unless the caller asks to create it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from caseload.errors import (
    ConflictError,
    DatabaseCorruptError,
    DatabaseMissingError,
    DatabaseUnavailableError,
    UserError,
)
from caseload.private_files import create_private_file, private_dir, remove_partial_files
from caseload.store import encryption
from caseload.store.db_errors import translate
from caseload.store.migrate import current_revision, upgrade_to_head
from caseload.store.sqlite_file import (
    secure_sqlite_files,
    set_postgres_lock_timeout,
    set_sqlite_pragmas,
    sqlite_path,
)

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
        except DBAPIError as exc:
            session.rollback()
            plain = translate(exc)
            if plain is None:
                raise
            # `from None`: the driver's text (PostgreSQL's DETAIL) may repeat row values.
            raise plain from None
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


def create_db_engine(url: str, *, create: bool = False, encrypt: bool = False) -> Engine:
    """An engine for `url`. A SQLite file's folder is made only when `create` is set, so a
    mistyped path never leaves folders behind. An encrypted SQLite file (or a new one with
    `encrypt`) is opened through SQLCipher with its key (`caseload.store.encryption`)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailableError(
            f"'{url}' is not a database URL; expected e.g. sqlite:///path/rounds.db "
            "or postgresql+psycopg://user:password@host/dbname"
        ) from exc
    sqlite_file = sqlite_path(parsed)
    if encrypt and (sqlite_file is None or _has_plain_content(sqlite_file)):
        raise UserError(
            "Only a new SQLite database file can be encrypted; "
            + ("this one already exists unencrypted." if sqlite_file else f"not {url}.")
        )
    if sqlite_file is not None and create:
        private_dir(sqlite_file.parent, ours=sqlite_file == default_database_path())
        if not sqlite_file.exists():
            # 0600 before SQLite opens it; its -wal and -shm take the database file's mode.
            create_private_file(sqlite_file)
    encrypted = sqlite_file is not None and (encrypt or encryption.is_encrypted_file(sqlite_file))
    key = encryption.key_for(sqlite_file) if encrypted and sqlite_file is not None else None
    extra: dict[str, Any] = {"module": encryption.dbapi()} if key is not None else {}
    try:
        # hide_parameters: an error's text never carries a statement's values (client data).
        engine = create_engine(
            parsed,
            pool_pre_ping=parsed.get_backend_name() != "sqlite",
            hide_parameters=True,
            **extra,
        )
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailableError(
            f"'{parsed.drivername}' is not a database MIH Rounds can use; expected "
            "sqlite:///path/rounds.db or postgresql+psycopg://user:password@host/dbname"
        ) from exc
    if key is not None:
        event.listen(engine, "connect", _unlock_then_pragmas(key))
    elif parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", set_sqlite_pragmas)
    elif parsed.get_backend_name() == "postgresql":
        event.listen(engine, "connect", set_postgres_lock_timeout)
    return engine


def _has_plain_content(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0 and not encryption.is_encrypted_file(path)


def _unlock_then_pragmas(key: str) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        encryption.apply_key(dbapi_connection, key)  # before any other statement
        set_sqlite_pragmas(dbapi_connection, record)

    return on_connect


# What PostgreSQL says when the database named in the URL is not there (not a missing role).
_NO_SUCH_DATABASE = re.compile(r'database "[^"]*" does not exist')


def sqlite_file_of(url: str | None) -> Path | None:
    """The SQLite file `url` (see `resolve_url`) names; None for a server or a bad URL."""
    try:
        return sqlite_path(make_url(resolve_url(url)))
    except ArgumentError:
        return None


def is_default_database(url: str | None) -> bool:
    """Whether `url` (see `resolve_url`) is the default SQLite file in the user data dir."""
    return resolve_url(url) == resolve_url(f"sqlite:///{default_database_path()}")


def _how_to_create(url: str) -> str:
    return (
        f"To start a new one there, run `rounds init --db {url}` (an empty program) or "
        f"`rounds demo --db {url}` (the demo), or use File > New database… in the app."
    )


def _missing(resolved: str) -> DatabaseMissingError:
    parsed = make_url(resolved)
    safe = parsed.render_as_string(hide_password=True)
    path = sqlite_path(parsed)
    if path is not None:
        return DatabaseMissingError(
            f"There is no database at {path}. Check the path (sqlite:///name.db is relative to "
            f"the current folder, sqlite:////folder/name.db is absolute). {_how_to_create(safe)}"
        )
    return DatabaseMissingError(f"{safe} holds no MIH Rounds database. {_how_to_create(safe)}")


def _damaged(path: Path, reason: str) -> DatabaseCorruptError:
    """A SQLite file that cannot be read: say so and where the backups are."""
    from caseload.store.backup import backups_beside

    kept = backups_beside(path)
    where = (
        f"The newest backup beside it is {kept[0]}"
        + (f" ({len(kept)} in all)" if len(kept) > 1 else "")
        if kept
        else "No backup was found beside it; use one `rounds backup` wrote"
    )
    return DatabaseCorruptError(
        f"{path} is damaged, or is not a database MIH Rounds can read ({reason}); nothing was "
        "changed. "
        f"It may have been cut short by a full disk, a crash during a copy, or a failing drive. "
        f"{where}: restore it with `rounds restore BACKUP --db sqlite:///{path} --force` (the "
        "damaged file is kept beside it)."
    )


def database_exists(url: str | None = None) -> bool:
    """Whether `url` (see `resolve_url`) holds an MIH Rounds database (its schema)."""
    try:
        open_database(url, migrate=False).dispose()
    except DatabaseMissingError:
        return False
    return True


def open_database(
    url: str | None = None, *, migrate: bool = True, create: bool = False, encrypt: bool = False
) -> Database:
    """Open (and by default migrate) the database at `url` (see `resolve_url`).

    A database that does not exist (no SQLite file, a server database that is missing or holds
    no MIH Rounds schema) raises `DatabaseMissingError`, unless `create` is set: then an empty
    one is made (on a server, the database itself must exist; its schema is created), encrypted
    with SQLCipher when `encrypt` is set (a new SQLite file only)."""
    resolved = resolve_url(url)
    engine = create_db_engine(resolved, create=create, encrypt=encrypt and create)
    path = sqlite_path(engine.url)
    if path is not None and not create and not path.is_file():
        engine.dispose()  # not connected yet: connecting would create the file
        raise _missing(resolved)
    safe = engine.url.render_as_string(hide_password=True)
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig)
        if engine.dialect.name == "postgresql" and _NO_SUCH_DATABASE.search(reason):
            raise DatabaseMissingError(
                f"The server has no database {engine.url.database!r} ({safe}). Ask its "
                f"administrator to create it (createdb {engine.url.database}), then run "
                f"`rounds init --db URL` to set it up for MIH Rounds."
            ) from exc
        raise DatabaseUnavailableError(
            f"Cannot open the database {safe}: {exc.orig}. Check the URL, that the server is "
            "running and that you may connect."
        ) from exc
    except DatabaseError as exc:
        engine.dispose()
        if path is not None:
            raise _damaged(path, str(exc.orig)) from None
        raise DatabaseUnavailableError(
            f"{safe} is not a database MIH Rounds can read: {exc.orig}."
        ) from exc
    if path is not None:
        secure_sqlite_files(path)
        remove_partial_files(path.parent)  # copies and exports killed half-way
    in_memory = engine.dialect.name == "sqlite" and path is None
    if revision is None and not create and not in_memory:
        engine.dispose()
        raise _missing(resolved)
    if migrate:
        upgrade_to_head(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(url=resolved, engine=engine, _sessions=sessions)
