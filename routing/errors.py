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
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled across search processes: keep `where` (the default would pass only args).
        return (_rebuild_problem_error, (type(self), self.message, self.where), self.__dict__)


def _rebuild_problem_error(cls: type[ProblemError], message: str, where: str) -> ProblemError:
    return cls(message, where=where)


class SolveError(RoutingError):
    """The solver could not run on a valid problem (a bug or a resource limit, not user input)."""


class SearchProcessError(SolveError):
    """A search process failed with an exception routing does not raise on purpose (a bug).

    `worker` is the process number, `error_type` the exception's class name and `traceback`
    the process's formatted traceback. The traceback is also attached as a note, so a logged
    traceback of this error shows where the process failed; the message stays short."""

    def __init__(self, worker: int, error_type: str, message: str, traceback: str) -> None:
        self.worker = worker
        self.error_type = error_type
        self.traceback = traceback
        super().__init__(f"search process {worker} failed: {error_type}: {message}")
        self.add_note(f"In search process {worker}:\n{traceback.rstrip()}")
