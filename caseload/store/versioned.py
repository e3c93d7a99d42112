"""Reading a row to change it, with the version the user saw: one check for every editor, so
a change made meanwhile by someone else is refused (nothing saved) instead of overwritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from caseload.errors import ConflictError, NotFoundError
from caseload.store.models import Client


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


Row = TypeVar("Row", bound=_Versioned)


def row_for_update(
    session: Session,
    model: type[Row],
    row_id: int,
    expected_version: int | None,
    *,
    name: str,
    conflict: Callable[[Row], str],
) -> Row:
    """The row `row_id` of `model` (`name` it in the message when it is gone), refused with
    `conflict(row)` when its version is no longer `expected_version` (None: not checked)."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{name} {row_id} no longer exists.")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(conflict(row))
    return row


def client_for_update(session: Session, client_id: int, expected_version: int | None) -> Client:
    """The client to change, as read at `expected_version` (None: not checked)."""
    return row_for_update(
        session,
        Client,
        client_id,
        expected_version,
        name="Client",
        conflict=lambda c: (
            f"Client {c.external_id} was changed by someone else since you opened the "
            "record; nothing was saved. Reload to see their change."
        ),
    )
