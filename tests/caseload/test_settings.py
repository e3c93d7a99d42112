"""Settings groups persist as JSON, fall back to defaults, and carry a version so a stale save
is a conflict; the program's area (outline, map centre) is a setting the demo fills in."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from caseload import settings
from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.errors import ConflictError
from caseload.new_program import create_program_database
from caseload.priority.rules import PriorityRules
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import AuditEntry
from routing.geo import LatLon


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


# --- versions: a stale save is a conflict --------------------------------------------------------
def test_a_save_from_a_stale_read_is_a_conflict_and_keeps_the_other_save(db: Database) -> None:
    """Two people read the settings; the first save wins, the second (from the old version)
    raises ConflictError and writes nothing."""
    mine = settings.load_versioned(db, ProgramSettings)
    theirs = settings.load_versioned(db, ProgramSettings)
    assert mine.version == theirs.version == 0
    first = dataclasses.replace(theirs.value, program_name="Theirs")
    assert settings.save(db, first, local_actor(), expected_version=theirs.version) == 1
    late = dataclasses.replace(mine.value, program_name="Mine")
    with pytest.raises(ConflictError, match="Someone else changed the settings"):
        settings.save(db, late, local_actor(), expected_version=mine.version)
    stored = settings.load_versioned(db, ProgramSettings)
    assert stored.value == first and stored.version == 1


def test_two_sessions_saving_at_once_conflict_on_the_version_column(db: Database) -> None:
    """A session that read version 1 passes the version check, but someone else commits first:
    its write fails on the version counter and nothing of it is saved."""
    settings.save(db, ProgramSettings(), local_actor())
    late = dataclasses.replace(ProgramSettings(), program_name="Late")
    with pytest.raises(ConflictError), db.session() as session:
        assert settings.load_in(session, ProgramSettings) == ProgramSettings()  # version 1
        first = dataclasses.replace(ProgramSettings(), program_name="First")
        settings.save(db, first, local_actor(), expected_version=1)  # another session commits
        settings.save_in(session, late, local_actor(), expected_version=1)
    stored = settings.load_versioned(db, ProgramSettings)
    assert stored.value.program_name == "First" and stored.version == 2


def test_a_later_save_from_the_current_version_succeeds(db: Database) -> None:
    v1 = settings.save(db, ProgramSettings(), local_actor(), expected_version=0)
    changed = dataclasses.replace(ProgramSettings(), paper_size="A4")
    assert settings.save(db, changed, local_actor(), expected_version=v1) == v1 + 1
    assert settings.load(db, ProgramSettings) == changed


def test_save_all_saves_nothing_when_one_group_is_stale(db: Database) -> None:
    settings.save(db, PriorityRules(), local_actor())  # someone saved the rules: version 1
    program = dataclasses.replace(ProgramSettings(), program_name="Mine")
    rules = dataclasses.replace(PriorityRules(), recent_fall_days=3)
    with pytest.raises(ConflictError):
        settings.save_all(db, [(program, 0), (rules, 0)], local_actor())
    assert settings.load(db, ProgramSettings) == ProgramSettings()
    assert settings.load(db, PriorityRules) == PriorityRules()


# --- the program's area: outline and map centre ---------------------------------------------------
def test_a_new_program_has_no_outline_and_no_centre(tmp_path: Path) -> None:
    """Not the demo: nothing of Durham County anywhere in a new program's maps."""
    db = create_program_database(f"sqlite:///{tmp_path / 'new.db'}", local_actor())
    try:
        program = settings.load(db, ProgramSettings)
    finally:
        db.dispose()
    assert program.outline() == () and program.map_centre is None
    assert program.area_outline_geojson == ""


def test_the_demo_sets_its_county_and_centre(db: Database) -> None:
    create_demo(db, local_actor(), seed=1, clients=10)
    program = settings.load(db, ProgramSettings)
    rings = program.outline()
    assert len(rings) == 1 and 20 <= len(rings[0]) <= 60
    assert program.map_centre == LatLon(35.994, -78.8986)
    lats = [p.lat for p in rings[0]]
    assert min(lats) < program.map_centre.lat < max(lats)


def test_an_area_round_trips_through_the_store(db: Database) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[-122.4, 47.5], [-122.2, 47.5], [-122.2, 47.7], [-122.4, 47.5]]],
    }
    program = dataclasses.replace(
        ProgramSettings(),
        area_outline_geojson=json.dumps(square),
        map_centre_lat=47.6062,
        map_centre_lon=-122.3321,
    )
    settings.save(db, program, local_actor())
    stored = settings.load(db, ProgramSettings)
    assert stored == program
    assert stored.outline() == ((LatLon(47.5, -122.4), LatLon(47.5, -122.2), LatLon(47.7, -122.2)),)
