"""The one table of role -> permissions: what each role may do, plain refusals, the system
actor and break-glass sessions."""

from __future__ import annotations

import pytest

from caseload.actor import Actor, Role
from caseload.errors import UserError
from caseload.users.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    PermissionDenied,
    allowed,
    require,
)

P = Permission
MEDIC = Actor("lee", Role.PARAMEDIC, 3)


def test_every_role_has_an_entry_and_the_system_may_do_everything() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert all(allowed(Actor("system", Role.SYSTEM), p) for p in Permission)


@pytest.mark.parametrize("role", [Role.PARAMEDIC, Role.PEER_SUPPORT])
def test_crew_roles_see_their_part_and_record_outcomes_only(role: Role) -> None:
    actor = Actor("x", role, 1)
    assert {p for p in Permission if allowed(actor, p)} == {
        P.VIEW_CASELOAD,
        P.VIEW_PLAN,
        P.RECORD_OUTCOME,
    }


def test_supervisor_rebalances_and_reads_the_audit_but_not_settings_or_users() -> None:
    supervisor = Actor("sam", Role.SUPERVISOR)
    for permission in (P.REBALANCE, P.VIEW_AUDIT, P.PLAN, P.EDIT_CASELOAD, P.TRIAGE_REFERRALS):
        assert allowed(supervisor, permission)
    for permission in (P.MANAGE_USERS, P.MANAGE_SETTINGS, P.BACKUP, P.MANAGE_PROGRAMS):
        assert not allowed(supervisor, permission)


def test_program_manager_runs_the_program_but_not_the_accounts() -> None:
    manager = Actor("pm", Role.PROGRAM_MANAGER)
    assert all(allowed(manager, p) for p in Permission if p is not P.MANAGE_USERS)
    assert not allowed(manager, P.MANAGE_USERS)


def test_administrator_manages_accounts_without_seeing_client_records() -> None:
    admin = Actor("ada", Role.ADMINISTRATOR)
    assert allowed(admin, P.MANAGE_USERS) and allowed(admin, P.VIEW_AUDIT)
    assert not allowed(admin, P.VIEW_CASELOAD) and not allowed(admin, P.PLAN)


def test_a_refusal_is_a_plain_user_error() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(MEDIC, P.REBALANCE)
    assert isinstance(refused.value, UserError)
    assert str(refused.value) == (
        "Your role (paramedic) cannot apply caseload moves; ask a supervisor."
    )


def test_break_glass_adds_a_program_managers_rights_to_ones_own() -> None:
    emergency = Actor("lee", Role.PARAMEDIC, 3, emergency=True)
    assert allowed(emergency, P.VIEW_ALL_CLIENTS) and allowed(emergency, P.EDIT_CASELOAD)
    assert not allowed(emergency, P.MANAGE_USERS)
    require(emergency, P.REBALANCE)  # no raise
