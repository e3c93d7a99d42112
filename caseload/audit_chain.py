"""The audit log's hash chain: each row's HMAC-SHA-256 covers its content and the previous
row's value, keyed with a secret kept outside the database.

Someone who can edit the database file (sqlite3, psql) but not read the key cannot change,
delete or insert a row without `verify_chain` naming the first bad one. Removing the newest rows
leaves a shorter, intact chain: the administrator records the row count and latest chain value
that `rounds audit verify` prints, and later passes them back (`--expect-count`,
`--expect-head`); the `audit_head` row is compared too.

The key: `ROUNDS_AUDIT_KEY` (any text; every machine writing the same database needs the same
one), else the file `audit.key` in the user's config folder (on Linux
`~/.config/mih-rounds/audit.key`), created 0600 with 32 random bytes on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from caseload.errors import UserError
from caseload.private_files import FILE_MODE, private_dir
from caseload.store.database import Database
from caseload.store.models import AuditEntry, AuditHead

KEY_ENV = "ROUNDS_AUDIT_KEY"
KEY_FILE = "audit.key"
GENESIS = ""  # the "previous chain value" of row 1
_HEAD_ID = 1


def key_file_path() -> Path:
    return Path(platformdirs.user_config_dir("mih-rounds")) / KEY_FILE


def audit_key() -> bytes:
    """The HMAC key: $ROUNDS_AUDIT_KEY, else the key file (made on first use, 0600)."""
    from_env = os.environ.get(KEY_ENV, "")
    if from_env:
        return from_env.encode("utf-8")
    path = key_file_path()
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        private_dir(path.parent)
        fd = None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
        except FileExistsError:
            pass  # another process made it meanwhile: use theirs
        finally:
            if fd is not None:
                os.close(fd)
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"Cannot read the audit key {path}: {exc}. Restore it from your records, or set "
            f"{KEY_ENV}."
        ) from None
    if not text:
        raise UserError(f"The audit key file {path} is empty; restore it or set {KEY_ENV}.")
    return text.encode("ascii")


def machine_name() -> str:
    return (socket.gethostname() or "unknown")[:120]


def _moment(at: datetime) -> str:
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def chain_value(key: bytes, entry: AuditEntry, previous: str) -> str:
    """The HMAC of one row (every field but its id and its own chain) after `previous`."""
    content: list[object] = [
        entry.seq,
        _moment(entry.at),
        entry.actor,
        entry.machine,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.details,
        previous,
    ]
    # Added later: covered only when set, so rows written before them still verify (a value
    # added, changed or removed afterwards still changes the HMAC).
    if entry.client_id is not None:
        content.append(["client", entry.client_id])
    if entry.changes:
        content.append(["changes", entry.changes])
    message = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _claim_head(session: Session) -> tuple[int, str]:
    """Lock the head row (creating it once) and return (latest seq, latest chain value)."""
    dialect = session.get_bind().dialect.name
    row = {"id": _HEAD_ID, "seq": 0, "chain": GENESIS}
    if dialect == "postgresql":
        session.execute(postgresql.insert(AuditHead).values(row).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(AuditHead).values(row).on_conflict_do_nothing())
    elif session.get(AuditHead, _HEAD_ID) is None:
        session.add(AuditHead(**row))
        session.flush()
    # Updating the row takes the lock; the value read after it is the latest committed one.
    session.execute(update(AuditHead).where(AuditHead.id == _HEAD_ID).values(seq=AuditHead.seq + 0))
    head = session.execute(
        select(AuditHead.seq, AuditHead.chain)
        .where(AuditHead.id == _HEAD_ID)
        .execution_options(populate_existing=True)
    ).one()
    return int(head.seq), str(head.chain)


def append(session: Session, entry: AuditEntry) -> None:
    """Give `entry` its place and chain value and add it to `session` (same unit of work)."""
    seq, previous = _claim_head(session)
    entry.seq = seq + 1
    entry.machine = entry.machine or machine_name()
    entry.chain = chain_value(audit_key(), entry, previous)
    session.add(entry)
    session.execute(
        update(AuditHead).where(AuditHead.id == _HEAD_ID).values(seq=entry.seq, chain=entry.chain)
    )


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BadRow:
    seq: int | None
    row_id: int | None
    at: datetime | None
    action: str
    problem: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    rows: int
    head: str  # the latest chain value (GENESIS when there are no rows)
    first: datetime | None
    last: datetime | None
    bad: BadRow | None  # the first row that does not verify

    @property
    def intact(self) -> bool:
        return self.bad is None


def verify_chain(
    db: Database,
    *,
    key: bytes | None = None,
    expect_count: int | None = None,
    expect_head: str | None = None,
) -> ChainReport:
    """Walk the chain in `seq` order and name the first row that was altered, deleted or
    inserted out of order. With `expect_count`/`expect_head` (a count and head recorded
    earlier), the chain must still hold that row with that value (newest rows removed)."""
    key = audit_key() if key is None else key
    rows = 0
    previous = GENESIS
    first: datetime | None = None
    last: datetime | None = None
    bad: BadRow | None = None
    recorded_at: str | None = None
    with db.session() as session:
        entries = session.scalars(
            select(AuditEntry).order_by(AuditEntry.seq.is_(None), AuditEntry.seq, AuditEntry.id)
        )
        for entry in entries:
            expected_seq = rows + 1
            where = BadRow(entry.seq, entry.id, entry.at, entry.action, "")
            if entry.seq is None:
                bad = _with(where, "has no place in the chain (inserted outside MIH Rounds)")
                break
            if entry.seq != expected_seq:
                bad = _with(
                    where,
                    f"follows row {rows}: row(s) {expected_seq}–{entry.seq - 1} were deleted"
                    if entry.seq > expected_seq
                    else "is out of order",
                )
                break
            if not hmac.compare_digest(chain_value(key, entry, previous), entry.chain):
                bad = _with(where, "was altered, or inserted out of order")
                break
            rows, previous = entry.seq, entry.chain
            first = first or entry.at
            last = entry.at
            if expect_count is not None and rows == expect_count:
                recorded_at = entry.chain
        head_row = session.get(AuditHead, _HEAD_ID)
        head_seq = 0 if head_row is None else head_row.seq
    if bad is None and head_seq > rows:
        bad = BadRow(
            rows + 1, None, None, "", f"rows {rows + 1}–{head_seq} were deleted (the newest)"
        )
    if bad is None and expect_count is not None:
        if rows < expect_count:
            bad = BadRow(
                rows + 1,
                None,
                None,
                "",
                f"the log has {rows} rows but {expect_count} were recorded: the newest "
                "rows were deleted",
            )
        elif expect_head is not None and recorded_at != expect_head.strip().lower():
            bad = BadRow(
                expect_count,
                None,
                None,
                "",
                f"row {expect_count}'s chain value is not the one recorded: the log was "
                "rewritten from there",
            )
    return ChainReport(rows=rows, head=previous, first=first, last=last, bad=bad)


def _with(row: BadRow, problem: str) -> BadRow:
    return BadRow(row.seq, row.row_id, row.at, row.action, problem)
