"""What each user role may do: one table for the whole program, checked by every service.

User roles and staff roles are one list seen from two sides. A staff role
(`caseload.enums.StaffRole`) is the job someone does on a crew, and decides the skills the
planner matches; a user role (`caseload.actor.Role`) is what their account may do here. They map
like this, and an administrator picks the user role when adding the account:

    staff role                    user role
    community paramedic, EMT,     paramedic       their crew's routes and clients; outcomes
    nurse
    peer-support specialist       peer_support    the same as a paramedic
    supervisor                    supervisor      the whole caseload, planning, the team,
                                                  referrals, rebalancing, reports, the audit
    program manager               program_manager all of a supervisor's, plus imports,
                                                  programs, settings and backups
    (no staff record)             administrator   user accounts, local mode, settings,
                                                  backups and the audit; no client records

A person with two jobs (a program manager who is also the administrator) holds two accounts, so
day-to-day work never runs with the rights to change accounts. The `system` role (start-up,
migrations) passes every check. A break-glass session (`Actor.emergency`) has its own role's
permissions plus a program manager's.
"""

from __future__ import annotations

from enum import StrEnum

from caseload.actor import Actor, Role
from caseload.errors import UserError


class Permission(StrEnum):
    VIEW_CASELOAD = "view_caseload"  # clients and their records (a paramedic: their crew's)
    VIEW_ALL_CLIENTS = "view_all_clients"  # the whole caseload, not only one's crew's
    EDIT_CASELOAD = "edit_caseload"  # client records, locations, places, lifecycle
    IMPORT = "import"
    VIEW_PLAN = "view_plan"  # plans and route sheets (a paramedic: their crew's)
    PLAN = "plan"  # solve and save a day's plan
    EDIT_PLAN = "edit_plan"  # move, pin, reorder stops; crews on the day
    RECORD_OUTCOME = "record_outcome"
    REBALANCE = "rebalance"  # apply caseload moves between clinicians
    MANAGE_TEAM = "manage_team"  # staff, shifts, patterns
    MANAGE_PROGRAMS = "manage_programs"
    TRIAGE_REFERRALS = "triage_referrals"
    VIEW_REPORTS = "view_reports"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"  # accounts and the single-user local mode
    MANAGE_SETTINGS = "manage_settings"
    BACKUP = "backup"  # backup and restore


P = Permission

_CREW = frozenset({P.VIEW_CASELOAD, P.VIEW_PLAN, P.RECORD_OUTCOME})
_SUPERVISOR = _CREW | {
    P.VIEW_ALL_CLIENTS,
    P.EDIT_CASELOAD,
    P.PLAN,
    P.EDIT_PLAN,
    P.REBALANCE,
    P.MANAGE_TEAM,
    P.TRIAGE_REFERRALS,
    P.VIEW_REPORTS,
    P.VIEW_AUDIT,
}
_PROGRAM_MANAGER = _SUPERVISOR | {P.IMPORT, P.MANAGE_PROGRAMS, P.MANAGE_SETTINGS, P.BACKUP}
_ADMINISTRATOR = frozenset({P.MANAGE_USERS, P.MANAGE_SETTINGS, P.BACKUP, P.VIEW_AUDIT})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: _ADMINISTRATOR,
    Role.PROGRAM_MANAGER: frozenset(_PROGRAM_MANAGER),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.PARAMEDIC: _CREW,
    Role.PEER_SUPPORT: _CREW,
    Role.SYSTEM: frozenset(Permission),
}

# What a refused call was about, in the user's words, and whom to ask instead.
_WHAT: dict[Permission, tuple[str, str]] = {
    P.VIEW_CASELOAD: ("see client records", "a supervisor"),
    P.VIEW_ALL_CLIENTS: ("see clients outside your crew", "a supervisor"),
    P.EDIT_CASELOAD: ("change client records", "a supervisor"),
    P.IMPORT: ("import files", "a program manager"),
    P.VIEW_PLAN: ("see plans and route sheets", "a supervisor"),
    P.PLAN: ("plan a day", "a supervisor"),
    P.EDIT_PLAN: ("change a plan or the day's crews", "a supervisor"),
    P.RECORD_OUTCOME: ("record visit outcomes", "a supervisor"),
    P.REBALANCE: ("apply caseload moves", "a supervisor"),
    P.MANAGE_TEAM: ("change the team, shifts or crews", "a supervisor"),
    P.MANAGE_PROGRAMS: ("change programs", "a program manager"),
    P.TRIAGE_REFERRALS: ("triage referrals", "a supervisor"),
    P.VIEW_REPORTS: ("see reports", "a supervisor"),
    P.VIEW_AUDIT: ("read the audit log", "a supervisor or the administrator"),
    P.MANAGE_USERS: ("manage user accounts", "the administrator"),
    P.MANAGE_SETTINGS: ("change the program's settings", "a program manager"),
    P.BACKUP: ("back up or restore the database", "a program manager or the administrator"),
}


class PermissionDenied(UserError):  # noqa: N818 - the name the services and the UI use
    """The actor's role does not allow the call; nothing was read or written."""

    def __init__(self, actor: Actor, permission: Permission) -> None:
        self.role = actor.role
        self.permission = permission
        what, ask = _WHAT[permission]
        super().__init__(f"Your role ({actor.role.label}) cannot {what}; ask {ask}.")


def permissions_of(actor: Actor) -> frozenset[Permission]:
    """Everything `actor` may do (a break-glass session adds a program manager's rights)."""
    granted = ROLE_PERMISSIONS[actor.role]
    if actor.emergency:
        granted = granted | ROLE_PERMISSIONS[Role.PROGRAM_MANAGER]
    return granted


def allowed(actor: Actor, permission: Permission) -> bool:
    return permission in permissions_of(actor)


def require(actor: Actor, permission: Permission) -> None:
    """Raise `PermissionDenied` (a `UserError`: exit 2, a plain dialog) unless allowed."""
    if not allowed(actor, permission):
        raise PermissionDenied(actor, permission)
