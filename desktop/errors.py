"""Which errors are the user's to fix, for every front end: the app's error dialog and the
`rounds` command line both ask `user_message` (Qt-free, so the command line stays headless).

The user's to fix: our `UserError`s (bad input, a missing record, a stale edit, a database that
cannot be opened), a database that is busy or refuses a write (`caseload.store.db_errors`: plain
words, never the row's values), an inconsistent routing problem, a travel-time server that does
not answer, missing map files, and a file the system cannot read or write. Anything else is our bug.
"""

from __future__ import annotations

import errno

from caseload.errors import UserError
from caseload.store import db_errors
from maps.errors import MapError
from routing.errors import ProblemError
from routing.matrix import TravelTimeError

# No space left, over the disk quota, over the file size limit: to the user, a full disk.
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
USER_ERRORS: tuple[type[BaseException], ...] = (UserError, ProblemError, TravelTimeError, MapError)


def user_message(exc: BaseException) -> str | None:
    """The plain message of an error the user can fix; None when it is a bug."""
    if isinstance(exc, USER_ERRORS):
        return str(exc)
    database = db_errors.translate(exc)  # a busy, conflicting or refused database write
    if database is not None:
        return str(database)
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        where = f"{exc.filename}: " if exc.filename is not None else ""
        return f"{where}the disk is full; nothing was saved there. Free some space, then try again."
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        # The environment's fault (permissions, a full disk, a missing folder), not ours.
        return f"{exc.filename}: {exc.strerror}"
    return None
