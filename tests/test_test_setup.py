"""The test set-up itself: only the desktop tests need Qt, and every test that asks for a
PostgreSQL database gets one as good as freshly migrated."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError

from caseload.actor import SYSTEM_ACTOR
from caseload.demo.create import create_demo
from caseload.store.database import open_database
from caseload.store.migrate import current_revision, head_revision
from caseload.store.models import Base, Client
from tests import no_qt_check
from tests.conftest import PostgresTestDatabase


def test_routing_tests_load_without_qt(pytestconfig: pytest.Config) -> None:
    """`pytest -p no:pytest-qt tests/routing` imports no PySide6 (Qt is set up in
    tests/desktop/conftest.py only)."""
    process = pytestconfig.stash.get(no_qt_check.STARTED, None) or no_qt_check.start()
    out, err = process.communicate(timeout=300)
    assert out.splitlines()[-1:] == ["exit 0 qt []"], out[-3000:] + err


def _rows_and_used_sequences(engine: Engine) -> tuple[dict[str, int], list[str]]:
    with engine.connect() as conn:
        counts = {
            table.name: conn.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
        used = conn.scalars(
            text("SELECT sequencename FROM pg_sequences WHERE last_value IS NOT NULL")
        ).all()
    return counts, list(used)


@pytest.mark.postgres
def test_an_emptied_postgres_database_is_like_a_fresh_one(
    postgres_test_database: PostgresTestDatabase,
) -> None:
    """After a test that wrote rows in many tables and left a transaction open with rows
    locked, `empty()` ends that transaction and leaves no row and no used id sequence."""
    db = open_database(postgres_test_database.url)
    create_demo(db, SYSTEM_ACTOR, seed=2, clients=20, today=date(2026, 3, 10))
    counts, used = _rows_and_used_sequences(db.engine)
    assert sum(n > 0 for n in counts.values()) >= 8 and len(used) >= 8
    left_open = db._sessions()
    assert left_open.scalars(select(Client).with_for_update()).first() is not None
    try:
        postgres_test_database.empty()
        db.engine.dispose()  # its pooled connections were ended too: look with new ones
        counts, used = _rows_and_used_sequences(db.engine)
        assert [name for name, n in counts.items() if n] == []
        assert used == []
        assert current_revision(db.engine) == head_revision()
        with pytest.raises(OperationalError, match="terminating connection"):
            left_open.close()  # its transaction was ended by the server
    finally:
        db.dispose()
