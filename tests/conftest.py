"""Session-wide test set-up: no Qt here (the Qt set-up is in tests/desktop/conftest.py), so the
routing, maps and caseload tests run without PySide6.

Every XDG folder points into a temp dir, so neither the app (database, log, settings) nor Qt and
Mesa (caches) write into the home folder of whoever runs the tests.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_XDG_TMP = Path(tempfile.mkdtemp(prefix="rounds-tests-"))
for _name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"):
    _dir = _XDG_TMP / _name.lower()
    _dir.mkdir(mode=0o700)
    os.environ[_name] = str(_dir)


# --- Randomised tests are reproducible: a submission never fails by chance -------------------
# Hypothesis draws the same examples on every run (derandomize) and keeps no example database
# between runs; a failure found while exploring is kept as an explicit @example instead.
# `HYPOTHESIS_PROFILE=explore pytest ...` searches with fresh random examples locally.
# No per-example deadline: on a loaded machine a slow example is not a failure (speed is
# measured in the benchmarks, never in unit tests).

from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile(
    "repro", derandomize=True, database=None, print_blob=True, deadline=None
)
_hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True, deadline=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repro"))


# --- Databases: every persistence test runs on SQLite and on a real PostgreSQL server -------

import shutil  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402

from caseload.store.database import Database, open_database  # noqa: E402
from tests import no_qt_check  # noqa: E402
from tests.pg_server import BackgroundServer, PostgresUnavailableError  # noqa: E402

# Migrating a new database costs far more than copying or emptying a migrated one (SQLite: about
# 40 ms against 5; PostgreSQL: about 250 ms for CREATE DATABASE from a template against a few ms
# to empty one), and a few hundred tests each want a fresh one.


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite file; tests get a copy of it."""
    path = tmp_path_factory.mktemp("sqlite-template") / "rounds.db"
    open_database(
        f"sqlite:///{path}", create=True
    ).dispose()  # the last connection folds the WAL in
    return path


def _fresh_sqlite_url(template: Path, folder: Path) -> str:
    path = folder / "rounds.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


_POSTGRES = pytest.StashKey[BackgroundServer]()


def pytest_configure(config: pytest.Config) -> None:
    # The whole suite always has PostgreSQL tests: start the server while pytest collects.
    if config.args_source is pytest.Config.ArgsSource.TESTPATHS and not os.environ.get(
        "ROUNDS_TEST_PG_URL"
    ):
        config.stash[_POSTGRES] = BackgroundServer()


def pytest_collection_finish(session: pytest.Session) -> None:
    # The no-Qt check runs a second pytest (~2 s): start it now, alongside the other tests.
    if any(getattr(item, "originalname", "") == no_qt_check.TEST_NAME for item in session.items):
        session.config.stash[no_qt_check.STARTED] = no_qt_check.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(_POSTGRES, None)
    if server is not None:
        server.stop()
    check = config.stash.get(no_qt_check.STARTED, None)
    if check is not None:
        no_qt_check.stop(check)


@pytest.fixture(scope="session")
def postgres_server_url(pytestconfig: pytest.Config) -> str:
    """URL of the session's PostgreSQL server (maintenance db). Fails in CI if unavailable."""
    existing = os.environ.get("ROUNDS_TEST_PG_URL")
    if existing:
        return existing
    server = pytestconfig.stash.get(_POSTGRES, None)
    if server is None:  # stopped by pytest_unconfigure, like one started there
        server = pytestconfig.stash[_POSTGRES] = BackgroundServer()
    try:
        return server.url()
    except PostgresUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(str(exc))


# Emptying ends the connections a test left open, DELETEs every table (children first) and
# restarts each id sequence used, in one round trip: 3-20 ms, where a TRUNCATE of every table
# takes ~50 ms and a new database from a template ~250 ms.
_EMPTY_SQL = """
DO $$
DECLARE name text;
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid();
  FOREACH name IN ARRAY ARRAY[{tables}]::text[] LOOP
    EXECUTE format('DELETE FROM %I', name);
  END LOOP;
  FOR name IN SELECT sequencename FROM pg_sequences
      WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', name);
  END LOOP;
END $$
"""


@dataclass(frozen=True, slots=True)
class PostgresTestDatabase:
    """The session's one PostgreSQL test database and a connection kept open to empty it."""

    url: str
    janitor: Engine
    empty_sql: str

    def empty(self) -> None:
        """Back to freshly migrated: connections the test left open are ended, every table
        emptied, every id sequence restarted (alembic's version row stays)."""
        with self.janitor.connect() as conn:
            conn.execute(text(self.empty_sql))


def _tables_children_first(janitor: Engine) -> list[str]:
    from caseload.store.models import Base

    with janitor.connect() as conn:
        present = set(
            conn.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version'"
                )
            )
        )
    children_first = [t.name for t in reversed(Base.metadata.sorted_tables)]
    # A table the models do not know goes first: no known table can refer to it.
    return sorted(present - set(children_first)) + [t for t in children_first if t in present]


@pytest.fixture(scope="session")
def postgres_test_database(postgres_server_url: str) -> Iterator[PostgresTestDatabase]:
    """A migrated database the PostgreSQL tests take turns on (`db_url` empties it after each);
    dropped at the end of the session, so a reused server is left as it was found."""
    name = f"rounds_test_{os.getpid()}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = postgres_server_url.rsplit("/", 1)[0] + "/" + name
    open_database(url, create=True).dispose()
    janitor = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    tables = ", ".join("'" + t.replace("'", "''") + "'" for t in _tables_children_first(janitor))
    try:
        yield PostgresTestDatabase(url, janitor, _EMPTY_SQL.format(tables=tables))
    finally:
        janitor.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty, migrated database URL: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        yield _fresh_sqlite_url(request.getfixturevalue("sqlite_template"), tmp_path)
        return
    database: PostgresTestDatabase = request.getfixturevalue("postgres_test_database")
    yield database.url
    database.empty()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An open, migrated, empty database on each backend."""
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """An open SQLite database only (for GUI tests and benchmarks)."""
    database = open_database(_fresh_sqlite_url(sqlite_template, tmp_path))
    yield database
    database.dispose()


# --- Say in the log what ran against the real servers ----------------------------------------


_REAL_SERVER_TESTS: dict[str, set[str]] = {"PostgreSQL": set(), "osrm-routed": set()}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            _REAL_SERVER_TESTS["PostgreSQL"].add(item.nodeid)
        if item.get_closest_marker("osrm") is not None:
            _REAL_SERVER_TESTS["osrm-routed"].add(item.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per real server: how many tests ran against it (CI logs prove they ran)."""
    for label, nodeids in _REAL_SERVER_TESTS.items():
        counts: dict[str, int] = {}
        for outcome in ("passed", "failed", "error", "skipped"):
            for report in terminalreporter.stats.get(outcome, []):
                if getattr(report, "nodeid", "") in nodeids:
                    counts[outcome] = counts.get(outcome, 0) + 1
        summary = ", ".join(f"{n} {outcome}" for outcome, n in counts.items()) or "none"
        terminalreporter.write_line(f"tests against a real {label} server: {summary}")
