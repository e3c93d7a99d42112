"""Start-up: the window can appear before the domain is imported (SQLAlchemy, Alembic, numpy
load in the worker that opens the database), shows a placeholder at once, and fills in as the
data arrives. The time itself is measured by tests/bench/desktop_bench.py, not asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.store.database import open_database
from desktop.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_the_main_window_module_does_not_import_the_domain() -> None:
    heavy = ["sqlalchemy", "alembic", "numpy", "caseload.store.database", "caseload.clients"]
    code = (
        "import sys, desktop.app, desktop.main_window; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_window_shows_a_placeholder_then_the_caseload(qtbot: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=5, clients=20)
    db.dispose()
    window = MainWindow(url)
    qtbot.addWidget(window)
    window.show()
    # Straight after show(): the window is there with its placeholder; nothing from the
    # database yet (and nothing cached from an earlier run).
    assert window.stack.currentWidget() is window.loading
    assert window.loading.text() == "Opening the database…"
    assert window.caseload_page is None
    qtbot.waitUntil(
        lambda: window.caseload_page is not None and window.caseload_page.model.rowCount() == 20,
        timeout=20_000,
    )
    assert window.stack.currentWidget() is window.tabs
    assert "ranked for" in window.caseload_page.count_label.text()
