"""Log records without patient data: an exception is logged by its type and stack only.

An exception's own text may quote what it was handling — a driver's DETAIL line, a value that
failed to parse, a client's name in a message — and `rounds.log` is read by whoever fixes a
bug, so the log keeps where it happened (files, lines, functions) and what kind of error it was,
never its words. The same formatter serves the app's log file and the command line's stderr.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

WITHHELD = "(message withheld: it may contain client data)"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _one(exc: BaseException) -> list[str]:
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(traceback.extract_tb(exc.__traceback__))
    lines.append(f"{type(exc).__module__}.{type(exc).__qualname__} {WITHHELD}\n")
    return lines


def safe_traceback(exc: BaseException) -> str:
    """The traceback of `exc` and its causes (stack and types), none of their messages."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for i, item in enumerate(reversed(chain)):
        if i:
            parts.append("\nThe above led to:\n\n")
        parts += _one(item)
    return "".join(parts).rstrip("\n")


class SafeFormatter(logging.Formatter):
    """A formatter whose exception text is `safe_traceback` (stack and types only)."""

    def formatException(self, ei: object) -> str:
        exc = ei[1] if isinstance(ei, tuple) and len(ei) == 3 else None
        if not isinstance(exc, BaseException):
            return WITHHELD
        return safe_traceback(exc)
