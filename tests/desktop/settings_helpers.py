"""Shared by the settings dialog tests: open a dialog once its values are loaded, record the
errors it would show, press OK, count the audited saves."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from caseload.settings import ProgramSettings
from caseload.store.models import AuditEntry
from desktop import settings_dialog
from desktop.context import AppContext
from desktop.settings_dialog import SettingsDialog

WAIT_MS = 20_000


def record_errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error the dialog would show, collected instead of a modal message box."""
    shown: list[BaseException] = []
    monkeypatch.setattr(
        settings_dialog, "show_error", lambda _parent, exc, **_kw: shown.append(exc)
    )
    return shown


def open_loaded_dialog(
    qtbot: QtBot,
    context: AppContext,
    on_saved: Callable[[ProgramSettings], None] | None = None,
) -> SettingsDialog:
    """A shown settings dialog whose stored values have loaded."""
    widget = SettingsDialog(context, on_saved)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.values_loaded, timeout=WAIT_MS):
        pass
    widget.show()
    return widget


def wait_until_idle(qtbot: QtBot, dialog: SettingsDialog) -> None:
    """Let background work end before the next test (teardown of a `dialog` fixture)."""
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)


def audit_count(context: AppContext) -> int:
    with context.db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "settings.save")
            )
            or 0
        )


def press_ok(dialog: SettingsDialog) -> None:
    dialog.ok_button.click()
