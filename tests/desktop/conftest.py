"""Fixtures for the desktop tests: a seeded SQLite store and an `AppContext` over it."""

from __future__ import annotations

import pytest

from caseload import settings
from caseload.actor import local_actor
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from desktop.context import AppContext
from tests.desktop.seed import Seed, seed_caseload


@pytest.fixture
def seed(sqlite_db: Database) -> Seed:
    return seed_caseload(sqlite_db)


@pytest.fixture
def context(sqlite_db: Database) -> AppContext:
    return AppContext(sqlite_db, local_actor(), settings.load(sqlite_db, ProgramSettings))
