"""The app's first start of the day keeps a daily copy of the database beside it (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caseload.store.database import open_database
from desktop.main_window import MainWindow
from tests.desktop.access_helpers import local_mode


def test_the_first_start_of_the_day_keeps_a_daily_backup(qtbot: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rounds.db'}"
    open_database(url, create=True).dispose()
    local_mode(url)
    window = MainWindow(url)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.context is not None, timeout=10_000)
    (daily,) = tmp_path.glob("rounds.db.daily-*.bak")
    assert daily.stat().st_mode & 0o777 == 0o600
