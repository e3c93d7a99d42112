"""Loading and saving the settings window's two groups (blocking: run them in a worker).

A save writes only the groups that changed, and refuses with a `ConflictError` when someone
else saved a group since the window loaded it.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import TypeVar

from caseload import settings
from caseload.actor import Actor
from caseload.errors import ConflictError
from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings, SettingsGroup
from caseload.store.database import Database
from desktop.settings_fields import RuleField, rule_fields, timezone_choices

G = TypeVar("G", bound=SettingsGroup)


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """What the window shows when it opens: both stored groups and the choices for its fields."""

    program: ProgramSettings
    rules: PriorityRules
    zones: tuple[str, ...]
    rule_fields: tuple[RuleField, ...]


def load_settings(db: Database) -> LoadedSettings:
    """Both groups as stored, the time zones to offer and the priority-rules form."""
    zones = tuple(timezone_choices(zoneinfo.available_timezones()))
    return LoadedSettings(
        settings.load(db, ProgramSettings), settings.load(db, PriorityRules), zones, rule_fields()
    )


def _check_unchanged(db: Database, loaded: G, new: G) -> bool:
    """True when `new` differs from `loaded`; a conflict when someone saved in between."""
    if new == loaded:
        return False
    if settings.load(db, type(loaded)) != loaded:
        raise ConflictError(
            "Someone else changed the settings while this window was open; nothing was saved. "
            "Close it and open Settings again to see their changes."
        )
    return True


def save_settings(
    db: Database,
    actor: Actor,
    before: LoadedSettings,
    program: ProgramSettings,
    rules: PriorityRules,
) -> ProgramSettings:
    """Save the groups that differ from `before`; returns `program` (a conflict saves nothing)."""
    changed: list[SettingsGroup] = []
    if _check_unchanged(db, before.program, program):
        changed.append(program)
    if _check_unchanged(db, before.rules, rules):
        changed.append(rules)
    for value in changed:
        settings.save(db, value, actor)
    return program
