"""The app on an encrypted database (issue 14): without $ROUNDS_DB_KEY it asks for the
passphrase (hidden input) before opening; a wrong one is a plain error, not a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QLineEdit

from caseload.actor import local_actor
from caseload.store import encryption
from caseload.store.database import open_database
from desktop.main_window import MainWindow
from tests.desktop.access_helpers import local_mode


@pytest.fixture
def encrypted_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(encryption, "_remembered", {})
    monkeypatch.setenv(encryption.KEY_ENV, "the passphrase")
    url = f"sqlite:///{tmp_path / 'enc.db'}"
    open_database(url, create=True, encrypt=True).dispose()
    local_mode(url)  # opens as the local user (no log-in to answer here)
    monkeypatch.delenv(encryption.KEY_ENV)
    return url


def _window(qtbot: Any, url: str) -> MainWindow:
    window = MainWindow(url)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.loading, timeout=10_000)
    return window


def test_the_app_asks_for_the_passphrase_and_opens(
    qtbot: Any, encrypted_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[QLineEdit.EchoMode] = []

    def get_text(*args: Any) -> tuple[str, bool]:
        asked.append(args[3])
        return "the passphrase", True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    window = _window(qtbot, encrypted_url)
    assert asked == [QLineEdit.EchoMode.Password]
    assert window.context is not None and window.context.actor == local_actor()


def test_a_wrong_passphrase_is_a_plain_message(
    qtbot: Any, encrypted_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a: ("not it", True))
    shown: list[BaseException] = []
    import desktop.main_window as main_window

    monkeypatch.setattr(main_window, "show_error", lambda _p, exc, **_k: shown.append(exc))
    window = MainWindow(encrypted_url)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert window.context is None
    assert [str(e) for e in shown] == [encryption.WRONG_KEY]
    assert encryption.WRONG_KEY in window.loading.text()
