"""Loading and saving the settings window's two groups (blocking: run them in a worker).

A save writes only the groups that changed, each from the version the window loaded: the
settings service refuses with a `ConflictError` when someone else saved a group meanwhile.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from caseload import settings
from caseload.actor import Actor
from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings, SettingsGroup, StoredSettings
from caseload.store.database import Database
from desktop.settings_fields import RuleField, rule_fields, timezone_choices


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """What the window shows when it opens: both stored groups (with their versions) and the
    choices for its fields."""

    stored_program: StoredSettings[ProgramSettings]
    stored_rules: StoredSettings[PriorityRules]
    zones: tuple[str, ...]
    rule_fields: tuple[RuleField, ...]

    @property
    def program(self) -> ProgramSettings:
        return self.stored_program.value

    @property
    def rules(self) -> PriorityRules:
        return self.stored_rules.value


def load_settings(db: Database) -> LoadedSettings:
    """Both groups as stored, the time zones to offer and the priority-rules form."""
    zones = tuple(timezone_choices(zoneinfo.available_timezones()))
    return LoadedSettings(
        settings.load_versioned(db, ProgramSettings),
        settings.load_versioned(db, PriorityRules),
        zones,
        rule_fields(),
    )


def save_settings(
    db: Database,
    actor: Actor,
    before: LoadedSettings,
    program: ProgramSettings,
    rules: PriorityRules,
) -> ProgramSettings:
    """Save the groups that differ from `before`; returns `program`. When someone else saved
    either group since `before` was loaded, raises `ConflictError` and saves nothing."""
    changed: list[tuple[SettingsGroup, int | None]] = []
    if program != before.program:
        changed.append((program, before.stored_program.version))
    if rules != before.rules:
        changed.append((rules, before.stored_rules.version))
    if changed:
        settings.save_all(db, changed, actor)
    return program
