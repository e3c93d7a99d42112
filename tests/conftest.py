"""Session-wide test set-up.

The Qt environment must be set before any QApplication exists (see ../shared/env-notes.md):
offscreen platform, QtWebEngine without sandbox (CI runs as root), caches in a temp dir.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_QT_TMP = Path(tempfile.mkdtemp(prefix="rounds-qt-"))
for _name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"):
    _dir = _QT_TMP / _name.lower()
    _dir.mkdir(mode=0o700)
    os.environ[_name] = str(_dir)
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
os.environ.setdefault(
    "QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu --disable-dev-shm-usage"
)
os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")


def pytest_configure() -> None:
    # QtWebEngine needs shared GL contexts and its module imported before the QApplication.
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    import PySide6.QtWebEngineWidgets  # noqa: F401


SHARED = Path(__file__).resolve().parents[2] / "shared"


# --- Randomised tests are reproducible: a submission never fails by chance -------------------
# Hypothesis draws the same examples on every run (derandomize) and keeps no example database
# between runs; a failure found while exploring is kept as an explicit @example instead.
# `HYPOTHESIS_PROFILE=explore pytest ...` searches with fresh random examples locally.

from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("repro", derandomize=True, database=None, print_blob=True)
_hypothesis_settings.register_profile("explore", derandomize=False, print_blob=True)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repro"))


# --- Databases: every persistence test runs on SQLite and on a real PostgreSQL server -------

import itertools  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from caseload.store.database import Database, open_database  # noqa: E402

_db_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """URL of the session's PostgreSQL server (maintenance db). Fails in CI if unavailable."""
    from tests.pg_server import PostgresUnavailableError, running_server

    existing = os.environ.get("ROUNDS_TEST_PG_URL")
    if existing:
        yield existing
        return
    try:
        with running_server() as url:
            yield url
    except PostgresUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres_template(postgres_server_url: str) -> str:
    """A migrated template database; each test gets a fresh copy (fast: no migration rerun)."""
    from sqlalchemy import create_engine, text

    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS rounds_template"))
        conn.execute(text("CREATE DATABASE rounds_template"))
    admin.dispose()
    template_url = postgres_server_url.rsplit("/", 1)[0] + "/rounds_template"
    open_database(template_url, create=True).dispose()
    return template_url


def _fresh_postgres_url(server_url: str, template_url: str) -> str:
    from sqlalchemy import create_engine, text

    name = f"rounds_test_{os.getpid()}_{next(_db_counter)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE rounds_template"))
    admin.dispose()
    return template_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty, migrated database URL: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rounds.db'}"
        open_database(url, create=True).dispose()
        return url
    server = request.getfixturevalue("postgres_server_url")
    template = request.getfixturevalue("postgres_template")
    return _fresh_postgres_url(server, template)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An open, migrated, empty database on each backend."""
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """An open SQLite database only (for GUI tests and benchmarks)."""
    database = open_database(f"sqlite:///{tmp_path / 'rounds.db'}", create=True)
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
