"""User accounts and log-in on a real database (SQLite and PostgreSQL): the first
administrator, Argon2 hashes, one refusal message, lock-out, audit without passwords, the
database's access mode (set-up, accounts, local mode, demo) and break-glass access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from caseload.actor import Actor, Role
from caseload.errors import UserError
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Staff, UserAccount
from caseload.users import accounts
from caseload.users.accounts import AccessMode
from caseload.users.errors import AuthenticationError
from caseload.users.permissions import PermissionDenied

ADMIN_PASSWORD = "correct horse battery"
PASSWORD = "medic-password-1"


def _admin(db: Database) -> Actor:
    return accounts.create_first_administrator(db, "Admin", "Ada Admin", ADMIN_PASSWORD)


def _staff(db: Database, name: str = "Lee Medic") -> int:
    with db.session() as session:
        staff = Staff(name=name, role="community_paramedic")
        session.add(staff)
        session.flush()
        return staff.id


def _audit(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        session.expunge_all()
        return rows


def test_a_new_database_needs_its_first_administrator(db: Database) -> None:
    assert accounts.access_mode(db) is AccessMode.SETUP
    assert accounts.session_actor(db) is None
    admin = _admin(db)
    assert admin == Actor("Admin", Role.ADMINISTRATOR)
    assert accounts.access_mode(db) is AccessMode.ACCOUNTS
    assert accounts.session_actor(db) is None  # log-in needed
    with pytest.raises(UserError, match="already has an administrator"):
        accounts.create_first_administrator(db, "second", "Second Admin", ADMIN_PASSWORD)


def test_log_in_with_any_case_of_the_name_and_the_hash_is_argon2(db: Database) -> None:
    _admin(db)
    actor = accounts.authenticate(db, "  ADMIN ", ADMIN_PASSWORD)
    assert actor.user_id == "Admin" and actor.role is Role.ADMINISTRATOR
    with db.session() as session:
        account = session.scalars(select(UserAccount)).one()
        assert account.password_hash.startswith("$argon2id$")
        assert ADMIN_PASSWORD not in account.password_hash
        assert account.last_login_at is not None


def test_unknown_user_and_wrong_password_get_the_same_message(db: Database) -> None:
    _admin(db)
    with pytest.raises(AuthenticationError) as unknown:
        accounts.authenticate(db, "nobody", ADMIN_PASSWORD)
    with pytest.raises(AuthenticationError) as wrong:
        accounts.authenticate(db, "admin", "not the password")
    assert str(unknown.value) == str(wrong.value) == "Unknown user name or wrong password."


def test_every_log_in_and_refusal_is_audited_without_the_password(db: Database) -> None:
    _admin(db)
    accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, "admin", "a wrong guess!")
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, "ghost", "a wrong guess!")
    rows = _audit(db)
    actions = [r.action for r in rows]
    assert actions == ["user.create", "access.login", "access.login_failed", "access.login_failed"]
    assert rows[2].actor == "Admin" and "wrong password" in rows[2].details
    assert rows[3].details == "unknown user" and rows[3].entity_id == ""
    for row in rows:
        text = f"{row.actor} {row.entity_id} {row.details}"
        assert ADMIN_PASSWORD not in text and "a wrong guess!" not in text


def test_five_failures_lock_the_account_for_five_minutes(db: Database) -> None:
    _admin(db)
    for _ in range(accounts.MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationError, match="wrong password"):
            accounts.authenticate(db, "admin", "guess guess guess")
    with pytest.raises(AuthenticationError, match="locked after 5 failed log-ins"):
        accounts.authenticate(db, "admin", ADMIN_PASSWORD)  # even the right one
    with db.session() as session:
        session.execute(
            update(UserAccount).values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert accounts.authenticate(db, "admin", ADMIN_PASSWORD).role is Role.ADMINISTRATOR


def test_only_an_administrator_manages_accounts_and_a_refusal_writes_nothing(
    db: Database,
) -> None:
    admin = _admin(db)
    staff_id = _staff(db)
    accounts.add_user(db, admin, "lee", "Lee Medic", Role.PARAMEDIC, PASSWORD, staff_id)
    before = len(_audit(db))
    manager = Actor("pm", Role.PROGRAM_MANAGER)
    with pytest.raises(PermissionDenied, match=r"\(program manager\) cannot manage user accounts"):
        accounts.add_user(db, manager, "kim", "Kim", Role.SUPERVISOR, PASSWORD)
    with pytest.raises(PermissionDenied):
        accounts.set_role(db, Actor("lee", Role.PARAMEDIC, staff_id), "lee", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        accounts.list_users(db, manager)
    with pytest.raises(PermissionDenied):
        accounts.set_local_mode(db, manager, True)
    assert [u.username for u in accounts.list_users(db, admin)] == ["Admin", "lee"]
    assert len(_audit(db)) == before + 0  # list_users reads only


def test_add_user_checks_name_role_staff_and_password(db: Database) -> None:
    admin = _admin(db)
    staff_id = _staff(db)
    with pytest.raises(UserError, match="already a user named"):
        accounts.add_user(db, admin, "ADMIN", "Other", Role.SUPERVISOR, PASSWORD)
    with pytest.raises(UserError, match="at least 10 characters"):
        accounts.add_user(db, admin, "kim", "Kim", Role.SUPERVISOR, "short")
    with pytest.raises(UserError, match="needs the staff member"):
        accounts.add_user(db, admin, "lee", "Lee", Role.PARAMEDIC, PASSWORD)
    with pytest.raises(UserError, match="Unknown role 'system'"):
        accounts.add_user(db, admin, "sys", "Sys", "system", PASSWORD)
    with pytest.raises(UserError, match="A user name has"):
        accounts.add_user(db, admin, "two words", "Two", Role.SUPERVISOR, PASSWORD)
    info = accounts.add_user(db, admin, "lee", "Lee M", "peer_support", PASSWORD, staff_id)
    assert (info.role, info.staff_id, info.staff_name) == (Role.PEER_SUPPORT, staff_id, "Lee Medic")
    assert accounts.authenticate(db, "lee", PASSWORD) == Actor("lee", Role.PEER_SUPPORT, staff_id)


def test_disable_role_and_password_changes(db: Database) -> None:
    admin = _admin(db)
    accounts.add_user(db, admin, "sam", "Sam Ortiz", Role.SUPERVISOR, PASSWORD)
    accounts.set_active(db, admin, "sam", False)
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.authenticate(db, "sam", PASSWORD)
    accounts.set_active(db, admin, "sam", True)
    accounts.set_role(db, admin, "sam", Role.PROGRAM_MANAGER)
    accounts.reset_password(db, admin, "sam", "a brand new password")
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, "sam", PASSWORD)
    sam = accounts.authenticate(db, "sam", "a brand new password")
    assert sam.role is Role.PROGRAM_MANAGER
    accounts.change_own_password(db, sam, "a brand new password", "my own choice 42")
    assert accounts.authenticate(db, "sam", "my own choice 42").user_id == "sam"
    actions = [r.action for r in _audit(db)]
    assert {"user.disable", "user.enable", "user.role", "user.password"} <= set(actions)


def test_the_last_administrator_cannot_be_disabled_or_demoted(db: Database) -> None:
    admin = _admin(db)
    with pytest.raises(UserError, match="only active administrator"):
        accounts.set_active(db, admin, "admin", False)
    with pytest.raises(UserError, match="only active administrator"):
        accounts.set_role(db, admin, "admin", Role.SUPERVISOR)
    accounts.add_user(db, admin, "backup-admin", "B Admin", Role.ADMINISTRATOR, PASSWORD)
    accounts.set_role(db, admin, "admin", Role.SUPERVISOR)
    assert accounts.access_mode(db) is AccessMode.ACCOUNTS


def test_local_mode_opens_without_log_in_as_the_local_program_manager(db: Database) -> None:
    admin = _admin(db)
    assert accounts.set_local_mode(db, admin, True) is AccessMode.LOCAL
    actor = accounts.session_actor(db)
    assert actor is not None and actor.role is Role.PROGRAM_MANAGER
    assert accounts.set_local_mode(db, admin, False) is AccessMode.ACCOUNTS
    assert accounts.session_actor(db) is None
    assert [r.details for r in _audit(db) if r.action == "access.local_mode"] == ["on", "off"]


def test_a_demo_database_opens_without_log_in(db: Database) -> None:
    with db.session() as session:
        accounts.mark_demo_in(session, Actor("demo", Role.PROGRAM_MANAGER))
    assert accounts.access_mode(db) is AccessMode.DEMO
    assert accounts.session_actor(db) is not None
    with pytest.raises(UserError, match="already has an administrator \\(or is a demo"):
        _admin(db)


def test_a_program_database_with_accounts_is_never_made_a_demo(db: Database) -> None:
    _admin(db)
    with pytest.raises(UserError, match="program database with user accounts"), db.session() as s:
        accounts.mark_demo_in(s, Actor("demo", Role.PROGRAM_MANAGER))
    assert accounts.access_mode(db) is AccessMode.ACCOUNTS


def test_break_glass_needs_a_reason_and_is_audited_loudly(db: Database) -> None:
    admin = _admin(db)
    staff_id = _staff(db)
    accounts.add_user(db, admin, "lee", "Lee Medic", Role.PARAMEDIC, PASSWORD, staff_id)
    with pytest.raises(UserError, match="reason of at least 10"):
        accounts.break_glass(db, "lee", PASSWORD, "urgent")
    with pytest.raises(AuthenticationError):
        accounts.break_glass(db, "lee", "wrong password", "client collapsed, need history")
    actor = accounts.break_glass(db, "lee", PASSWORD, "client collapsed, need history")
    assert actor == Actor("lee", Role.PARAMEDIC, staff_id, emergency=True)
    emergency = [r for r in _audit(db) if r.action == "access.emergency"]
    assert len(emergency) == 1
    assert emergency[0].details == "client collapsed, need history"
    assert emergency[0].actor == "lee [emergency]"  # and so is every entry of the session
