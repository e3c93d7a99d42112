"""User accounts, log-in and how a database is opened (demo, local mode, accounts, set-up).

A program database needs a log-in: `authenticate` turns a user name and password into an
`Actor`. A new one has no administrator yet (SETUP: `create_first_administrator`). A demo
database opens without a log-in as the local user, and so does a program database whose
administrator switched on single-user local mode (`set_local_mode`). Every log-in, refusal,
account change and break-glass access is audited; passwords never are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseload import audit
from caseload.actor import Actor, Role, local_actor
from caseload.errors import NotFoundError, UserError
from caseload.store.database import Database
from caseload.store.models import ProgramAccess, Staff, UserAccount
from caseload.users import passwords
from caseload.users.errors import AuthenticationError
from caseload.users.permissions import Permission, require

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)
MIN_EMERGENCY_REASON_CHARS = 10
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,59}")
# Roles whose work is a crew's: their account names the staff member they are.
CREW_ROLES = frozenset({Role.PARAMEDIC, Role.PEER_SUPPORT})
ACCOUNT_ROLES = tuple(r for r in Role if r is not Role.SYSTEM)
REFUSED = "Unknown user name or wrong password."
_ACCESS_ID = 1


class AccessMode(StrEnum):
    DEMO = "demo"  # a demo database: open without log-in, no real imports
    LOCAL = "local"  # single-user local mode, switched on by the administrator
    ACCOUNTS = "accounts"  # log-in required
    SETUP = "setup"  # a new program database with no administrator yet


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An account as the administrator sees it (never the hash)."""

    username: str
    full_name: str
    role: Role
    staff_id: int | None
    staff_name: str | None
    active: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None
    version: int


# --- the database's access mode ------------------------------------------------------------


def _access_row(session: Session) -> ProgramAccess:
    row = session.get(ProgramAccess, _ACCESS_ID)
    if row is None:
        row = ProgramAccess(id=_ACCESS_ID, demo=False, local_mode=False)
        session.add(row)
    return row


def access_mode_in(session: Session) -> AccessMode:
    row = session.get(ProgramAccess, _ACCESS_ID)
    if row is not None and row.demo:
        return AccessMode.DEMO
    if row is not None and row.local_mode:
        return AccessMode.LOCAL
    administrators = session.scalar(
        select(func.count())
        .select_from(UserAccount)
        .where(UserAccount.role == Role.ADMINISTRATOR.value)
    )
    return AccessMode.ACCOUNTS if administrators else AccessMode.SETUP


def access_mode(db: Database) -> AccessMode:
    with db.session() as session:
        return access_mode_in(session)


def is_demo_in(session: Session) -> bool:
    return access_mode_in(session) is AccessMode.DEMO


def mark_demo_in(session: Session, actor: Actor) -> None:
    """Mark the database as a demo (the demo creator calls this in its unit of work). A
    database with user accounts is a program's and is refused: it would open without log-in."""
    if session.scalar(select(func.count()).select_from(UserAccount)):
        raise UserError(
            "This is a program database with user accounts; the demo goes only into a new "
            "database or a demo one. Choose another database with --db."
        )
    row = _access_row(session)
    if not row.demo:
        row.demo = True
        audit.record(session, actor, "access.demo", "database", "", "marked as a demo database")


def session_actor(db: Database) -> Actor | None:
    """Who works without a log-in: the local user (a program manager) on a demo database or in
    local mode; None when a log-in is needed (ACCOUNTS) or the first administrator (SETUP)."""
    if access_mode(db) in (AccessMode.DEMO, AccessMode.LOCAL):
        return local_actor()
    return None


# --- log-in ------------------------------------------------------------------------------


def _key(username: str) -> str:
    return username.strip().casefold()


def _find(session: Session, username: str) -> UserAccount | None:
    return session.scalar(select(UserAccount).where(UserAccount.username_key == _key(username)))


def _actor_of(account: UserAccount, *, emergency: bool = False) -> Actor:
    return Actor(account.username, Role(account.role), account.staff_id, emergency)


def _check_in(session: Session, username: str, password: str, now: datetime) -> UserAccount:
    """The account if `password` is right; otherwise the failure is counted and audited in
    `session` and AuthenticationError returned through `_Refused` (the caller commits)."""
    account = _find(session, username)
    if account is None:
        passwords.verify_password(passwords.dummy_hash(), password)  # same time as a real one
        audit.record(session, _anonymous(), "access.login_failed", "user", "", "unknown user")
        raise _Refused(REFUSED)
    who = _actor_of(account)
    if account.locked_until is not None and account.locked_until > now:
        audit.record(session, who, "access.login_failed", "user", account.username, "locked")
        minutes = max(1, round((account.locked_until - now).total_seconds() / 60))
        raise _Refused(
            f"This account is locked after {MAX_FAILED_ATTEMPTS} failed log-ins; try again in "
            f"{minutes} minute(s), or ask the administrator."
        )
    if not passwords.verify_password(account.password_hash, password):
        account.failed_attempts += 1
        details = f"wrong password ({account.failed_attempts} in a row)"
        if account.failed_attempts >= MAX_FAILED_ATTEMPTS:
            account.locked_until = now + LOCKOUT
            account.failed_attempts = 0
            details += f"; locked for {int(LOCKOUT.total_seconds() // 60)} minutes"
        audit.record(session, who, "access.login_failed", "user", account.username, details)
        raise _Refused(REFUSED)
    if not account.active:
        audit.record(session, who, "access.login_failed", "user", account.username, "disabled")
        raise _Refused("This account is disabled; ask the administrator.")
    account.failed_attempts = 0
    account.locked_until = None
    account.last_login_at = now
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    return account


class _Refused(Exception):  # noqa: N818 - internal: carries the message out of the session
    pass


def _anonymous() -> Actor:
    return Actor("(unknown)", Role.SYSTEM)


def authenticate(db: Database, username: str, password: str) -> Actor:
    """The actor for `username` when `password` is right. Raises `AuthenticationError` (one
    message for an unknown user and a wrong password); five failures in a row lock the account
    for five minutes. Every success and failure is audited (never the password)."""
    refused: _Refused | None = None
    actor: Actor | None = None
    with db.session() as session:
        try:
            account = _check_in(session, username, password, datetime.now(UTC))
        except _Refused as exc:
            refused = exc
        else:
            actor = _actor_of(account)
            audit.record(session, actor, "access.login", "user", account.username, account.role)
    if refused is not None or actor is None:
        raise AuthenticationError(str(refused))
    return actor


def break_glass(db: Database, username: str, password: str, reason: str) -> Actor:
    """Emergency access: any active user, with a reason of at least 10 characters, gets a
    session with a program manager's permissions added to their own (`Actor.emergency`).
    Audited as "access.emergency" with the reason, for the administrator to review."""
    reason = reason.strip()
    if len(reason) < MIN_EMERGENCY_REASON_CHARS:
        raise UserError(
            f"Emergency access needs a reason of at least {MIN_EMERGENCY_REASON_CHARS} "
            "characters (what happened, which client or crew)."
        )
    refused: _Refused | None = None
    actor: Actor | None = None
    with db.session() as session:
        try:
            account = _check_in(session, username, password, datetime.now(UTC))
        except _Refused as exc:
            refused = exc
        else:
            actor = _actor_of(account, emergency=True)
            audit.record(session, actor, "access.emergency", "user", account.username, reason)
    if refused is not None or actor is None:
        raise AuthenticationError(str(refused))
    return actor


# --- accounts ----------------------------------------------------------------------------


def _check_username(username: str) -> str:
    name = username.strip()
    if not USERNAME_PATTERN.fullmatch(name):
        raise UserError(
            f"A user name has 1 to 60 letters, digits, '.', '_', '-' or '@', starting with a "
            f"letter or digit; got {name[:60]!r}."
        )
    return name


def _check_role(role: Role | str) -> Role:
    try:
        chosen = Role(role)
    except ValueError:
        chosen = None
    if chosen is None or chosen is Role.SYSTEM:
        raise UserError(
            f"Unknown role {str(role)[:40]!r}; expected one of "
            + ", ".join(r.value for r in ACCOUNT_ROLES)
            + "."
        )
    return chosen


def _check_staff(session: Session, role: Role, staff_id: int | None) -> None:
    if staff_id is not None and session.get(Staff, staff_id) is None:
        raise NotFoundError(f"There is no staff member with id {staff_id}.")
    if staff_id is None and role in CREW_ROLES:
        raise UserError(
            f"A {role.label}'s account needs the staff member they are (their crew's routes "
            "and clients follow from it): give the staff id."
        )


def _new_account(
    session: Session,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    staff_id: int | None,
) -> UserAccount:
    name = _check_username(username)
    if _find(session, name) is not None:
        raise UserError(f"There is already a user named {name!r} (names ignore case).")
    full = full_name.strip()
    if not full or len(full) > 120:
        raise UserError("A user's full name is needed (at most 120 characters).")
    _check_staff(session, role, staff_id)
    passwords.check_new_password(password)
    account = UserAccount(
        username=name,
        username_key=_key(name),
        full_name=full,
        role=role.value,
        staff_id=staff_id,
        password_hash=passwords.hash_password(password),
        active=True,
        failed_attempts=0,
        created_at=datetime.now(UTC),
    )
    session.add(account)
    session.flush()
    return account


def create_first_administrator(db: Database, username: str, full_name: str, password: str) -> Actor:
    """The first administrator of a new program database (only while it has none: SETUP)."""
    with db.session() as session:
        if access_mode_in(session) is not AccessMode.SETUP:
            raise UserError(
                "This database already has an administrator (or is a demo database); they add "
                "further users with `rounds users add`."
            )
        account = _new_account(session, username, full_name, Role.ADMINISTRATOR, password, None)
        actor = _actor_of(account)
        audit.record(session, actor, "user.create", "user", account.username, "administrator")
    return actor


def add_user(
    db: Database,
    actor: Actor,
    username: str,
    full_name: str,
    role: Role | str,
    password: str,
    staff_id: int | None = None,
) -> UserInfo:
    """A new account (administrator only). Crew roles (paramedic, peer support) need the
    staff member they are."""
    require(actor, Permission.MANAGE_USERS)
    chosen = _check_role(role)
    with db.session() as session:
        account = _new_account(session, username, full_name, chosen, password, staff_id)
        details = f"role {chosen.value}" + (f", staff {staff_id}" if staff_id else "")
        audit.record(session, actor, "user.create", "user", account.username, details)
        return _info(session, account)


def _account(session: Session, username: str) -> UserAccount:
    account = _find(session, username)
    if account is None:
        raise NotFoundError(f"There is no user named {username.strip()[:60]!r}.")
    return account


def _other_administrators(session: Session, account: UserAccount) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(UserAccount)
            .where(
                UserAccount.role == Role.ADMINISTRATOR.value,
                UserAccount.active.is_(True),
                UserAccount.id != account.id,
            )
        )
        or 0
    )


def _keep_an_administrator(session: Session, account: UserAccount) -> None:
    if account.role == Role.ADMINISTRATOR.value and not _other_administrators(session, account):
        raise UserError(
            f"{account.username} is the only active administrator; add another administrator "
            "first, or nobody could manage the accounts."
        )


def set_role(
    db: Database, actor: Actor, username: str, role: Role | str, staff_id: int | None = None
) -> UserInfo:
    """Change an account's role (administrator only); `staff_id` (if given) re-links it."""
    require(actor, Permission.MANAGE_USERS)
    chosen = _check_role(role)
    with db.session() as session:
        account = _account(session, username)
        if chosen.value != account.role:
            _keep_an_administrator(session, account)
        linked = staff_id if staff_id is not None else account.staff_id
        _check_staff(session, chosen, linked)
        before = account.role
        account.role = chosen.value
        account.staff_id = linked
        audit.record(
            session, actor, "user.role", "user", account.username, f"{before} -> {chosen.value}"
        )
        return _info(session, account)


def set_active(db: Database, actor: Actor, username: str, active: bool) -> UserInfo:
    """Disable (or enable again) an account (administrator only); a disabled account cannot
    log in. Enabling also lifts a lock-out."""
    require(actor, Permission.MANAGE_USERS)
    with db.session() as session:
        account = _account(session, username)
        if not active and account.active:
            _keep_an_administrator(session, account)
        account.active = active
        if active:
            account.failed_attempts = 0
            account.locked_until = None
        action = "user.enable" if active else "user.disable"
        audit.record(session, actor, action, "user", account.username)
        return _info(session, account)


def reset_password(db: Database, actor: Actor, username: str, password: str) -> UserInfo:
    """Set a new password (administrator only); lifts a lock-out."""
    require(actor, Permission.MANAGE_USERS)
    passwords.check_new_password(password)
    with db.session() as session:
        account = _account(session, username)
        account.password_hash = passwords.hash_password(password)
        account.failed_attempts = 0
        account.locked_until = None
        audit.record(session, actor, "user.password", "user", account.username, "reset")
        return _info(session, account)


def change_own_password(db: Database, actor: Actor, old_password: str, new_password: str) -> None:
    """A signed-in user changes their own password (the old one is checked like a log-in)."""
    passwords.check_new_password(new_password)
    refused: _Refused | None = None
    with db.session() as session:
        try:
            account = _check_in(session, actor.user_id, old_password, datetime.now(UTC))
        except _Refused as exc:
            refused = exc
        else:
            account.password_hash = passwords.hash_password(new_password)
            audit.record(session, actor, "user.password", "user", account.username, "changed")
    if refused is not None:
        raise AuthenticationError(str(refused))


def list_users(db: Database, actor: Actor) -> list[UserInfo]:
    """Every account, by user name (administrator only)."""
    require(actor, Permission.MANAGE_USERS)
    with db.session() as session:
        accounts = session.scalars(select(UserAccount).order_by(UserAccount.username_key))
        return [_info(session, a) for a in accounts]


def _info(session: Session, account: UserAccount) -> UserInfo:
    staff = session.get(Staff, account.staff_id) if account.staff_id is not None else None
    return UserInfo(
        username=account.username,
        full_name=account.full_name,
        role=Role(account.role),
        staff_id=account.staff_id,
        staff_name=staff.name if staff is not None else None,
        active=account.active,
        locked_until=account.locked_until,
        created_at=account.created_at,
        last_login_at=account.last_login_at,
        version=account.version,
    )


def set_local_mode(db: Database, actor: Actor, on: bool) -> AccessMode:
    """Switch single-user local mode on (the database opens without log-in, as the local
    program manager) or off (administrator only). Returns the new access mode."""
    require(actor, Permission.MANAGE_USERS)
    with db.session() as session:
        row = _access_row(session)
        if row.demo:
            raise UserError("A demo database opens without log-in already; local mode is moot.")
        if row.local_mode != on:
            row.local_mode = on
            audit.record(session, actor, "access.local_mode", "database", "", "on" if on else "off")
        session.flush()
        return access_mode_in(session)
