"""Backups of the embedded (SQLite) database: an online copy, a checked restore, and where the
backups of a damaged database are.

A backup is made with SQLite's online backup API, so it is consistent while the app is open, and
written as a private (0600) `.part` file renamed into place. A restore checks the backup first
(`PRAGMA integrity_check` and the MIH Rounds schema), keeps a copy of the database it replaces,
and copies through the same API into the live file, so its -wal and -shm stay consistent.
PostgreSQL is backed up with the server's own tools (`pg_dump`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import make_url

from caseload.errors import DatabaseExistsError, DatabaseMissingError, UserError
from caseload.private_files import create_private_file, private_dir
from caseload.store import encryption
from caseload.store.database import Database
from caseload.store.sqlite_file import copy_sqlite, secure_sqlite_files, sqlite_path

_NEEDED_TABLES = frozenset({"alembic_version", "clients", "audit_log"})


@dataclass(frozen=True, slots=True)
class BackupReport:
    source: Path
    target: Path
    clients: int
    audit_rows: int
    kept_copy: Path | None = None  # restore: the database it replaced


def _sqlite_file(url: str, what: str) -> Path:
    parsed = make_url(url)
    path = sqlite_path(parsed)
    if path is None:
        if parsed.get_backend_name() == "postgresql":
            raise UserError(
                f"`rounds {what}` works on SQLite database files; back up a PostgreSQL database "
                "with the server's tools (pg_dump / pg_restore), which keep its users and rights."
            )
        raise UserError(f"`rounds {what}` needs a SQLite database file, not {parsed.drivername}.")
    return path


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def check_backup_file(path: Path) -> tuple[int, int]:
    """(clients, audit rows) of an MIH Rounds SQLite file that passes `integrity_check`; a
    damaged, truncated or foreign file is a UserError saying so."""
    if not path.is_file():
        raise DatabaseMissingError(f"{path}: no such backup file.")
    try:
        conn = encryption.connect(path, read_only=True)
    except sqlite3.Error as exc:
        raise UserError(f"{path} cannot be opened as a database ({exc}).") from None
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise UserError(
                f"{path} is damaged (SQLite's integrity check: {'; '.join(result[:3])}); "
                "nothing was changed. Use an older backup."
            )
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not tables >= _NEEDED_TABLES:
            raise UserError(f"{path} is a SQLite file but not an MIH Rounds database.")
        clients = int(conn.execute("SELECT count(*) FROM clients").fetchone()[0])
        audit_rows = int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    except (sqlite3.DatabaseError, encryption.dbapi().DatabaseError) as exc:
        raise UserError(
            f"{path} is damaged or not a database ({exc}); nothing was changed. Use an older "
            "backup."
        ) from None
    finally:
        conn.close()
    return clients, audit_rows


def backup_database(url: str, out: Path, *, force: bool = False) -> BackupReport:
    """Copy the live database at `url` to `out` (0600), then check the copy."""
    source = _sqlite_file(url, "backup")
    if not source.is_file():
        raise DatabaseMissingError(f"There is no database at {source} to back up.")
    out = Path(out)
    if out.resolve() == source.resolve():
        raise UserError("The backup must go to another file than the database itself.")
    if out.exists() and not force:
        raise DatabaseExistsError(
            f"{out} already exists; nothing was written. Choose a new file name, or add "
            "--force to replace it."
        )
    private_dir(out.parent)
    try:
        copy_sqlite(source, out)
    except (sqlite3.DatabaseError, encryption.dbapi().DatabaseError) as exc:
        raise UserError(
            f"{source} could not be copied ({exc}): it may be damaged. Restore an earlier "
            "backup with `rounds restore FILE`."
        ) from None
    clients, audit_rows = check_backup_file(out)
    return BackupReport(source, out, clients, audit_rows)


def restore_database(backup: Path, url: str, *, force: bool = False) -> BackupReport:
    """Put `backup` in place of the database at `url`. An existing database is replaced only
    with `force`, and a copy of it is kept beside it first (`….before-restore-STAMP.bak`, or
    `….damaged-STAMP` when it cannot be read)."""
    backup = Path(backup)
    target = _sqlite_file(url, "restore")
    clients, audit_rows = check_backup_file(backup)
    if target.exists() and target.resolve() == backup.resolve():
        raise UserError("That backup is the database itself; nothing to restore.")
    kept: Path | None = None
    if target.exists():
        if not force:
            raise DatabaseExistsError(
                f"There is already a database at {target}; nothing was changed. Add --force "
                "to replace it (a copy of it is kept beside it first)."
            )
        kept = _keep_current(target)
    else:
        private_dir(target.parent)
    encrypted = encryption.is_encrypted_file(backup)
    if target.exists() and encryption.is_encrypted_file(target) != encrypted:
        for suffix in ("", "-wal", "-shm"):  # kept above; the file changes kind
            target.with_name(target.name + suffix).unlink(missing_ok=True)
    create_private_file(target)
    source = encryption.connect(backup, read_only=True, encrypted=encrypted)
    try:
        # An encrypted backup comes back encrypted with the same key.
        key = encryption.key_for(backup) if encrypted else None
        dest = encryption.connect(target, encrypted=encrypted, key=key)
        try:
            source.backup(dest)  # through SQLite: the -wal and -shm stay consistent
            result = [row[0] for row in dest.execute("PRAGMA integrity_check")]
        finally:
            dest.close()
    finally:
        source.close()
    if result != ["ok"]:
        raise UserError(f"The restored database failed SQLite's integrity check: {result[:3]}.")
    secure_sqlite_files(target)
    return BackupReport(backup, target, clients, audit_rows, kept)


def _keep_current(target: Path) -> Path:
    """A copy of the database about to be replaced: an online copy when it can be read, else
    the damaged file itself (moved aside with its -wal and -shm)."""
    stamp = _stamp()
    if _readable(target):
        return copy_sqlite(target, target.with_name(f"{target.name}.before-restore-{stamp}.bak"))
    moved = target.with_name(f"{target.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = target.with_name(target.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            part.replace(moved.with_name(moved.name + suffix))
    return moved


def _readable(path: Path) -> bool:
    try:
        conn = encryption.connect(path, read_only=True)
    except (sqlite3.Error, UserError):
        return False
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check")] == ["ok"]
    except (sqlite3.DatabaseError, encryption.dbapi().DatabaseError):
        return False
    finally:
        conn.close()


def backups_beside(path: Path) -> list[Path]:
    """The backups kept next to a database file, newest first."""
    try:
        found = [p for p in path.parent.glob(f"{path.name}.*.bak") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


DAILY_KEEP = 7


def daily_backup(db: Database, *, keep: int = DAILY_KEEP, today: date | None = None) -> Path | None:
    """Once a day, on the first start: a copy beside the database
    (`rounds.db.daily-YYYYMMDD.bak`, 0600), keeping the newest `keep`. None when today's
    exists already or the database is not a SQLite file."""
    path = sqlite_path(db.engine.url)
    if path is None or not path.is_file():
        return None
    day = today or datetime.now(UTC).date()
    target = path.with_name(f"{path.name}.daily-{day:%Y%m%d}.bak")
    if target.exists():
        return None
    copy_sqlite(path, target)
    dailies = sorted(path.parent.glob(f"{path.name}.daily-*.bak"), reverse=True)
    for old in dailies[keep:]:
        old.unlink(missing_ok=True)
    return target
