"""Looking is on file (issue 14): loading the caseload list and opening a client in the app
each add a row to the audit log, naming the viewer and the client's id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from caseload.demo.create import create_demo
from caseload.store.models import AuditEntry
from desktop.caseload_model import ROW_ROLE
from desktop.caseload_page import CaseloadPage
from desktop.context import AppContext


def _views(context: AppContext) -> list[tuple[str, str, str]]:
    with context.db.session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.entity_id)
            .where(AuditEntry.action.in_(("client.view", "caseload.view")))
            .order_by(AuditEntry.seq)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_list_and_an_opened_client_are_audited(qtbot: Any, context: AppContext) -> None:
    create_demo(context.db, context.actor, seed=11, clients=15, today=context.today())
    page = CaseloadPage(context)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.rows_loaded, timeout=10_000):
        page.refresh()
    assert [action for action, _, _ in _views(context)] == ["caseload.view"]
    row = page.proxy.index(0, 0).data(ROW_ROLE)
    with qtbot.waitSignal(page.detail_loaded, timeout=10_000):
        page.table.selectRow(0)
    assert _views(context)[-1] == ("client.view", context.actor.user_id, str(row.client_id))
