"""Errors raised by `routing`.

`RoutingError` is the root. `ProblemError` is the user's to fix (an inconsistent problem or a
malformed routing JSON file); its message says where (which job, vehicle or field). Anything
else is our bug.
"""

from __future__ import annotations


class RoutingError(Exception):
    """Root of every error raised on purpose by `routing`."""


class ProblemError(RoutingError, ValueError):
    """The problem is inconsistent or malformed; the message says where and what is expected."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class SolveError(RoutingError):
    """The solver could not run on a valid problem (a bug or a resource limit, not user input)."""
