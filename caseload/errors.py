"""Errors raised by the caseload layer.

`RoundsError` is the root. Subclasses of `UserError` carry a message a program manager can act
on (file, row, field, expected value); the command line turns them into exit code 2 and the
desktop app into a dialog. Anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class RoundsError(Exception):
    """Root of every error raised deliberately by `caseload`."""


class UserError(RoundsError):
    """Something the user can fix: bad input, a missing record, a stale edit."""


class NotFoundError(UserError):
    """A record the caller named does not exist."""


class ConflictError(UserError):
    """Somebody else changed the record since it was read; nothing was written."""


class DatabaseUnavailableError(UserError):
    """The database cannot be opened or reached (the environment's fault, not ours)."""


class DatabaseBusyError(UserError):
    """Another writer held the database past the wait; nothing was written. Try again."""


class DatabaseCorruptError(DatabaseUnavailableError):
    """The database file is damaged or not a database; the message points to the backups."""


class DatabaseMissingError(UserError):
    """The database named does not exist; the message says how to create one."""


class DatabaseExistsError(UserError):
    """A new database was asked for where one already exists; nothing was changed."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem in one row of an input file."""

    row: int
    column: str
    value: str
    expected: str

    SHOWN_CHARS = 60  # a long value is shown by its start and length, not pasted whole

    def __str__(self) -> str:
        if self.value == "":
            shown = "(empty)"
        elif len(self.value) > self.SHOWN_CHARS:
            shown = f"{self.value[: self.SHOWN_CHARS]!r}… ({len(self.value)} characters)"
        else:
            shown = repr(self.value)
        return f"row {self.row}, column '{self.column}': got {shown}, expected {self.expected}"


class InputFileError(UserError):
    """An input file has problems; nothing was imported. Lists every problem found."""

    def __init__(self, path: str, problems: list[RowProblem], *, limit: int = 50) -> None:
        self.path = path
        self.problems = problems
        lines = [f"{path}: {len(problems)} problem(s), nothing was imported:"]
        lines += [f"  {p}" for p in problems[:limit]]
        if len(problems) > limit:
            lines.append(f"  ... and {len(problems) - limit} more")
        super().__init__("\n".join(lines))
