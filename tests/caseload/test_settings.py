"""Settings groups persist as JSON and fall back to defaults."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from caseload import settings
from caseload.actor import local_actor
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import AuditEntry


def test_defaults_when_nothing_stored(db: Database) -> None:
    assert settings.load(db, ProgramSettings) == ProgramSettings()


def test_save_round_trips_and_is_audited(db: Database) -> None:
    changed = dataclasses.replace(ProgramSettings(), program_name="Durham CP", paper_size="A4")
    settings.save(db, changed, local_actor())
    assert settings.load(db, ProgramSettings) == changed
    with db.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert entry.entity_id == "program"
    assert "Durham CP" in entry.details
