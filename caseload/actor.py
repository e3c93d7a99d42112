"""Who a service call is made on behalf of: the seam where permissions and audit attach.

User roles say what a person may do (`caseload.users.permissions` holds the one table of role
→ permissions); staff roles (`caseload.enums.StaffRole`) say what their job is on a crew.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A user's role: the permissions of their account (see `caseload.users.permissions`)."""

    ADMINISTRATOR = "administrator"
    PROGRAM_MANAGER = "program_manager"
    SUPERVISOR = "supervisor"
    PARAMEDIC = "paramedic"
    PEER_SUPPORT = "peer_support"
    SYSTEM = "system"  # the program itself (start-up, migrations): passes every check

    @property
    def label(self) -> str:
        """The role as people say it: "program manager", "peer-support specialist"."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMINISTRATOR: "administrator",
    Role.PROGRAM_MANAGER: "program manager",
    Role.SUPERVISOR: "supervisor",
    Role.PARAMEDIC: "paramedic",
    Role.PEER_SUPPORT: "peer-support specialist",
    Role.SYSTEM: "system",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in user (or the local user, or the system). `staff_id` links the account to a
    staff member (a paramedic sees their crew's routes and clients); `emergency` marks a
    break-glass session: the user's own permissions plus a program manager's, every call
    audited as such."""

    user_id: str
    role: Role
    staff_id: int | None = None
    emergency: bool = False


def local_actor() -> Actor:
    """The single local user of a demo database or of a program database whose administrator
    switched on single-user local mode: the OS login, acting as program manager."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = "local"
    return Actor(user_id=name, role=Role.PROGRAM_MANAGER)


SYSTEM_ACTOR = Actor(user_id="system", role=Role.SYSTEM)
