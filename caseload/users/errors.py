"""Errors of user accounts and log-in (all the user's to fix: exit 2, a plain dialog)."""

from __future__ import annotations

from caseload.errors import UserError


class AuthenticationError(UserError):
    """A log-in was refused: unknown user or wrong password (one message for both, so the
    message does not tell which user names exist), a locked or a disabled account."""


class DemoDatabaseError(UserError):
    """A demo database refuses real data (clients, referrals, visits, staff)."""


DEMO_IMPORT_REFUSED = (
    "This is a demo database; create a program database with `rounds init` to import real clients."
)
