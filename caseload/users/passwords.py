"""Argon2id password hashes (argon2-cffi's defaults: RFC 9106's low-memory profile)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from caseload.errors import UserError

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # Argon2 takes any length; a cap keeps a pasted file out


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def check_new_password(password: str) -> None:
    """Refuse a password too short to resist guessing (NIST 800-63B: length, not rules)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(f"A password may have at most {MAX_PASSWORD_CHARS} characters.")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with weaker parameters than today's: store a new one at log-in."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def dummy_hash() -> str:
    """A hash to verify against for an unknown user name, so a refusal takes as long either
    way and the time does not tell which names exist."""
    return hash_password("not a password of anyone's")
