"""Before/after values for the audit log: an ORM row's columns as plain JSON values, and the
difference between two such snapshots — one piece of code for every service that changes data.

Secrets (password hashes) are never copied; everything else is, because the audit must show what
a record was and became. The values live in the protected database only (`AuditEntry.changes`),
never in log files or messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

from sqlalchemy import inspect

Values = dict[str, object]

# Columns never copied into the audit, whatever table they are in.
_SECRET_PARTS = ("password", "hash", "secret", "token")
# Bookkeeping an auditor does not need (the optimistic-locking counter).
_SKIPPED = frozenset({"version"})


def plain(value: object) -> object:
    """A JSON-safe form of one column value (dates as ISO text, enums as their value)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def row_values(row: object, *, exclude: tuple[str, ...] = ()) -> Values:
    """The column values of an ORM row (not its relationships), secrets left out."""
    values: Values = {}
    for attr in inspect(row).mapper.column_attrs:
        name = attr.key
        if (
            name in exclude
            or name in _SKIPPED
            or any(part in name.lower() for part in _SECRET_PARTS)
        ):
            continue
        values[name] = plain(getattr(row, name))
    return values


def diff(
    before: Mapping[str, object] | None, after: Mapping[str, object] | None
) -> tuple[Values | None, Values | None]:
    """Keep only what changed: for an update the fields whose value differs (on both sides);
    a create (no `before`) or delete (no `after`) keeps the whole snapshot."""
    if before is None or after is None:
        return (_plain_map(before), _plain_map(after))
    old, new = _plain_map(before) or {}, _plain_map(after) or {}
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return ({k: old.get(k) for k in changed}, {k: new.get(k) for k in changed})


def changes_json(before: Mapping[str, object] | None, after: Mapping[str, object] | None) -> str:
    """The text stored in `AuditEntry.changes`: "" when there is nothing to keep."""
    old, new = diff(before, after)
    if not old and not new:
        return ""
    document: dict[str, object] = {}
    if old is not None:
        document["before"] = old
    if new is not None:
        document["after"] = new
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_changes(text: str) -> tuple[Values | None, Values | None]:
    """(before, after) back from the stored text (None for a missing side; bad text: none)."""
    if not text:
        return (None, None)
    try:
        document = json.loads(text)
    except ValueError:
        return (None, None)
    if not isinstance(document, dict):
        return (None, None)
    before, after = document.get("before"), document.get("after")
    return (
        before if isinstance(before, dict) else None,
        after if isinstance(after, dict) else None,
    )


def _plain_map(values: Mapping[str, object] | None) -> Values | None:
    if values is None:
        return None
    return {str(k): plain(v) for k, v in values.items()}
