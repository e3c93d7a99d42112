"""The Audit log window over a real store: a supervisor filters, sees before/after of an edit,
scrolls into rows loaded page by page, and exports a private CSV; others never see the menu."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from caseload import audit
from caseload.actor import Actor, Role
from caseload.clients import ClientEdit, update_client
from caseload.store.models import Client
from desktop.audit import window as audit_window
from desktop.audit.window import AuditLogWindow
from desktop.context import AppContext
from tests.desktop.access_helpers import create_first_administrator
from tests.desktop.artifacts import save_screenshot

SUPERVISOR = Actor("sup.lee", Role.SUPERVISOR)


def _client(context: AppContext) -> tuple[int, int]:
    with context.db.session() as session:
        client = Client(
            external_id="A-1", first_name="Rosa", last_name="Delgado",
            date_of_birth=date(1948, 5, 6), phone="555-0100",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        session.add(client)
        session.flush()
        return client.id, client.version


def _window(qtbot: Any, context: AppContext) -> AuditLogWindow:
    window = AuditLogWindow(replace(context, actor=SUPERVISOR))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=10_000)
    return window


def test_a_supervisor_filters_by_client_name_and_sees_before_and_after(
    qtbot: Any, context: AppContext
) -> None:
    client_id, version = _client(context)
    update_client(context.db, context.actor, client_id, version, ClientEdit(phone="555-0199"))
    with context.db.session() as session:
        audit.record(session, context.actor, "plan.save", "plan", 3, "unrelated")
    window = _window(qtbot, context)
    assert window.model.total == 2

    window.client_edit.setText("delgado")
    qtbot.keyClick(window.client_edit, "\r")  # Enter searches
    qtbot.waitUntil(lambda: not window.tasks.running and window.model.total == 1, timeout=10_000)
    entry = window.model.row_at(0)
    assert entry.action == "client.update" and entry.client_id == client_id
    # the first row is selected: its before/after fill the detail area
    cells = [
        [window.changes.item(r, c).text() for c in range(3)]
        for r in range(window.changes.rowCount())
    ]
    assert cells == [["phone", "555-0100", "555-0199"]]
    assert "client.update" in window.detail_title.text()
    save_screenshot(window, "audit-log-window")


def test_rows_load_page_by_page_as_the_view_scrolls(
    qtbot: Any, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_window, "DEFAULT_PAGE", 20)
    with context.db.session() as session:
        for i in range(65):
            audit.record(session, context.actor, "client.view", "client", i, "opened")
    window = _window(qtbot, context)
    assert (window.model.rowCount(), window.model.total) == (20, 65)
    assert "scroll for more" in window.count_label.text()
    for _ in range(5):
        window.table.scrollToBottom()
        if window.model.canFetchMore():
            window.model.fetchMore()
        qtbot.waitUntil(lambda: not window.tasks.running, timeout=10_000)
    assert window.model.rowCount() == 65
    seqs = [r.seq for r in window.model.rows]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 65


def test_export_writes_every_match_to_a_private_csv(
    qtbot: Any, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id, version = _client(context)
    update_client(context.db, context.actor, client_id, version, ClientEdit(phone="=1+2"))
    window = _window(qtbot, context)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    out = tmp_path / "audit.csv"
    window.action_box.setCurrentText("client.update")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), "CSV files (*.csv)"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(
        window.table,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )  # Ctrl+Shift+E: Export CSV…
    qtbot.waitUntil(lambda: window.exported is not None, timeout=10_000)
    assert window.exported == (str(out), 1) and "1 entries" in shown[0]
    assert out.stat().st_mode & 0o777 == 0o600
    with out.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["action"] == "client.update" and '"=1+2"' in row["after"]


def test_the_menu_entry_shows_only_for_audit_readers(qtbot: Any, tmp_path: Path) -> None:
    from desktop.main_window import MainWindow

    window = MainWindow(f"sqlite:///{tmp_path / 'a.db'}", create=True)
    qtbot.addWidget(window)
    window.show()
    create_first_administrator(qtbot, window)  # the administrator may read it
    assert window.context is not None
    assert window.audit_action.isVisible()
    window.context = replace(window.context, actor=Actor("medic.ray", Role.PARAMEDIC))
    window._update_actor_actions()
    assert not window.audit_action.isVisible()
    window.audit_action.trigger()
    assert window.audit_window is None
    window.context = replace(window.context, actor=SUPERVISOR)
    window._update_actor_actions()
    window.audit_action.trigger()
    assert window.audit_window is not None and window.audit_window.isVisible()
    qtbot.waitUntil(lambda: not window.audit_window.tasks.running, timeout=10_000)
