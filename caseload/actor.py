"""Who a service call is made on behalf of: the seam where permissions and audit attach."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PROGRAM_MANAGER = "program_manager"
    SUPERVISOR = "supervisor"
    CLINICIAN = "clinician"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    role: Role


def local_actor() -> Actor:
    """The single local user until accounts exist: the OS login, acting as program manager."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = "local"
    return Actor(user_id=name, role=Role.PROGRAM_MANAGER)


SYSTEM_ACTOR = Actor(user_id="system", role=Role.SYSTEM)
