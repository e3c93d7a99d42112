"""Alembic migrations, applied when a database is opened. SQLite files are backed up first."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from caseload.store.sqlite_file import backup_sqlite


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("caseload.store") / "migrations"))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade_to_head(engine: Engine) -> None:
    current = current_revision(engine)
    if current == head_revision():
        return
    if current is not None:
        backup_sqlite(engine, f"before-migration-from-{current}")
    command.upgrade(alembic_config(engine), "head")
