"""Qt set-up for the desktop tests, and fixtures: a seeded SQLite store, an `AppContext` over it.

Only the desktop tests use Qt, so only they pay for it (the root conftest imports no Qt). The
environment must be set before any QApplication exists: pytest imports this file while
collecting tests/desktop, before pytest-qt's `qapp` fixture creates the application.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from caseload import settings
from caseload.actor import local_actor
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from desktop.context import AppContext
from tests.desktop.seed import Seed, seed_caseload


def pytest_configure() -> None:
    # Offscreen platform; QtWebEngine without its sandbox (CI runs as root) and without GPU.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    os.environ.setdefault(
        "QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu --disable-dev-shm-usage"
    )
    os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")
    # QtWebEngine needs shared GL contexts and its module imported before the QApplication.
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    import PySide6.QtWebEngineWidgets  # noqa: F401


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    result = yield
    # pytest-qt closes a test's widgets with deleteLater(): Qt would delete them inside the next
    # test's first event loop, while that test's background tasks run. Delete them now instead.
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return result


@pytest.fixture(autouse=True, scope="session")
def _application_first(qapp: object) -> object:
    """The QApplication exists before any desktop test runs, so code under test that makes a
    plain QGuiApplication when none exists (headless `rounds plan`/`report`) never takes its
    place, whatever order the tests run in."""
    return qapp


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box nobody answers would block the test run forever: fail the test instead,
    with the box's text. Tests that expect a box patch these themselves (their patch wins)."""
    from PySide6.QtWidgets import QMessageBox

    def refuse(*args: object) -> object:
        raise AssertionError(f"a message box would block the test: {args[1:]!r}")

    def refuse_exec(box: QMessageBox) -> int:
        raise AssertionError(
            f"a message box would block the test: {box.text()!r} {box.informativeText()!r}"
        )

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse_exec)


@pytest.fixture
def seed(sqlite_db: Database) -> Seed:
    return seed_caseload(sqlite_db)


@pytest.fixture
def context(sqlite_db: Database) -> AppContext:
    return AppContext(sqlite_db, local_actor(), settings.load(sqlite_db, ProgramSettings))


@pytest.fixture
def db_url(db_url: str) -> str:
    """The desktop's test databases are single-user program databases: their administrator
    switched on local mode, so commands and the app open them without a log-in (the log-in
    itself is tested in test_cli_users.py)."""
    from tests.desktop.local_mode import switch_on_local_mode

    switch_on_local_mode(db_url)
    return db_url
