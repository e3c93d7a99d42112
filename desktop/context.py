"""What every page needs: the open database, who is acting, the program's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not at run time: the main window starts before the domain is imported
    from caseload.actor import Actor
    from caseload.settings import ProgramSettings
    from caseload.store.database import Database


@dataclass(frozen=True, slots=True)
class AppContext:
    db: Database
    actor: Actor
    program: ProgramSettings

    def today(self) -> date:
        return datetime.now(self.program.zone).date()
