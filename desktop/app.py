"""Start-up: the QApplication, the main window, and opening the database off the UI thread."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt

if TYPE_CHECKING:
    from desktop.main_window import MainWindow


def prepare_qt() -> None:
    """Settings that must precede the QApplication (QtWebEngine needs both)."""
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    if os.geteuid() == 0:  # Chromium refuses to sandbox as root
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    import PySide6.QtWebEngineWidgets  # noqa: F401


def demo_database_url() -> str:
    folder = Path(tempfile.mkdtemp(prefix="rounds-demo-"))
    return f"sqlite:///{folder / 'demo.db'}"


def run_app(db_url: str | None = None, *, demo: bool = False) -> int:
    started = time.perf_counter()
    os.umask(0o077)  # every file the app or a library writes is its user's only
    prepare_qt()
    from PySide6.QtWidgets import QApplication

    from desktop.error_dialog import install_excepthook, setup_logging

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("MIH Rounds")
    app.setApplicationName("MIH Rounds")
    setup_logging()
    install_excepthook()
    window = open_main_window(db_url, demo=demo)
    window.show()
    window.startup_seconds = time.perf_counter() - started
    return app.exec()


def open_main_window(db_url: str | None, *, demo: bool = False) -> MainWindow:
    """The main window on `db_url`. Only the default database is created by itself (a new
    user's first start); a --db or $ROUNDS_DB that names nothing is an error shown on the
    window, which offers File > New database…. `demo`: a fresh demo database."""
    from desktop.main_window import MainWindow

    url = demo_database_url() if demo else db_url
    return MainWindow(url, create_demo=demo, create=None)  # None: only the default database
