"""The Referrals page over a real store: the queue newest first, matches shown, and triage from
the keyboard and buttons — accept (a new client, MUST on the list), merge duplicates, decline
with a reason and undo, unable to reach."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from caseload.enums import ClientStatus, ReferralStatus, Tier
from caseload.priority.service import rank_caseload
from caseload.referrals.intake import list_referrals
from caseload.store.models import Client
from desktop import referrals_page, tasks
from desktop.context import AppContext
from desktop.referrals_page import ReferralsPage
from tests.caseload.referral_data import client, ed_referral, programs


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    shown: list[BaseException] = []
    monkeypatch.setattr(tasks, "show_error", lambda _parent, exc, **_kw: shown.append(exc))
    return shown


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the page's dialogs answer (confirm: yes; a reason; a number of attempts)."""
    given: dict[str, Any] = {"confirm": True, "reason": "outside the service area", "tries": 3}
    asked: list[str] = []
    monkeypatch.setattr(
        referrals_page, "confirm", lambda _p, title, _t: asked.append(title) or given["confirm"]
    )
    monkeypatch.setattr(referrals_page, "ask_reason", lambda *_a: given["reason"])
    monkeypatch.setattr(referrals_page, "ask_attempts", lambda *_a: given["tries"])
    given["asked"] = asked
    return given


def _page(qtbot: Any, context: AppContext) -> ReferralsPage:
    page = ReferralsPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    with qtbot.waitSignal(page.matches_loaded, timeout=10_000):
        page.refresh()
    return page


def _wait_triaged(qtbot: Any, page: ReferralsPage) -> None:
    """`triaged` is said once the queue shows the change; also let the matches load."""
    qtbot.waitUntil(lambda: not page.tasks.running, timeout=10_000)


def _now(context: AppContext) -> datetime:
    return datetime.now(context.program.zone).replace(microsecond=0)


def test_the_queue_shows_new_referrals_newest_first_with_their_matches(
    qtbot: Any, qtmodeltester: Any, context: AppContext
) -> None:
    programs(context.db)
    now = _now(context)
    client(context.db, "C1")  # Dolores Whitfield, on file
    ed_referral(context.db, now - timedelta(hours=5))
    ed_referral(context.db, now - timedelta(hours=1), first="Marcus", last="Ellery")
    page = _page(qtbot, context)
    assert [page.model.index(r, 3).data() for r in range(2)] == [
        "Marcus Ellery",
        "Dolores Whitfield",
    ]
    assert page.model.index(0, 0).data() == "New"
    assert page.model.index(0, 2).data() == "ED discharge planner"
    assert page.count_label.text() == "2 new · 2 shown"
    qtmodeltester.check(page.model)
    assert page.matches.count() == 1 and "accepting makes a new one" in page.matches.item(0).text()
    with qtbot.waitSignal(page.matches_loaded, timeout=10_000):
        page.table.selectRow(1)
    assert "same name and date of birth" in page.matches.item(0).text()
    assert page.matches.item(0).isSelected()  # the one exact match is preselected
    assert "Hospital discharge" in page.summary.toPlainText()


def test_accept_from_the_keyboard_puts_the_client_on_todays_list(
    qtbot: Any, context: AppContext, answers: dict[str, Any], errors: list[BaseException]
) -> None:
    programs(context.db)
    ed_referral(context.db, _now(context) - timedelta(hours=5))
    page = _page(qtbot, context)
    page.program.setCurrentIndex(page.program.findData("chronic_disease"))
    page.table.setFocus()
    with qtbot.waitSignal(page.triaged, timeout=10_000):
        qtbot.keyClick(page.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _wait_triaged(qtbot, page)
    assert errors == [] and answers["asked"] == ["Accept referral"]
    assert page.model.index(0, 0).data() == "Awaiting contact"
    assert "MUST" in page.status_line.text()
    [must] = rank_caseload(context.db, context.today(), context.actor)
    assert must.tier is Tier.MUST
    assert any(
        r.label.startswith("New referral from ED discharge planner 5 h ago") for r in must.reasons
    )
    assert not page.accept_button.isEnabled()


def test_merging_two_duplicates_found_for_a_referral(
    qtbot: Any, context: AppContext, answers: dict[str, Any], errors: list[BaseException]
) -> None:
    programs(context.db)
    keep = client(context.db, "C1")
    dup = client(context.db, "C2")
    ed_referral(context.db, _now(context) - timedelta(hours=2))
    page = _page(qtbot, context)
    assert page.matches.count() == 2 and not page.merge_button.isEnabled()
    page.matches.selectAll()
    assert page.merge_button.isEnabled()
    with qtbot.waitSignal(page.triaged, timeout=10_000):
        page.merge_button.click()
    _wait_triaged(qtbot, page)
    assert errors == [] and answers["asked"] == ["Merge duplicate clients"]
    with context.db.session() as s:
        statuses = dict(s.execute(select(Client.id, Client.status)).all())
    assert statuses == {keep: "active", dup: ClientStatus.MERGED.value}
    qtbot.waitUntil(lambda: page.matches.count() == 1, timeout=10_000)


def test_decline_with_a_reason_then_undo(
    qtbot: Any, context: AppContext, answers: dict[str, Any], errors: list[BaseException]
) -> None:
    ed_referral(context.db, _now(context) - timedelta(hours=2))
    page = _page(qtbot, context)
    with qtbot.waitSignal(page.triaged, timeout=10_000):
        page.decline_button.click()
    _wait_triaged(qtbot, page)
    assert page.model.index(0, 0).data() == "Declined"
    assert page.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "outside the service area"
    assert page.undo_button.isEnabled() and page.reopen_button.isEnabled()
    with qtbot.waitSignal(page.triaged, timeout=10_000):
        page.undo_button.click()
    _wait_triaged(qtbot, page)
    assert page.model.index(0, 0).data() == "New"
    assert not page.undo_button.isEnabled()
    assert errors == []


def test_attempts_then_unable_to_reach(
    qtbot: Any, context: AppContext, answers: dict[str, Any], errors: list[BaseException]
) -> None:
    ed_referral(context.db, _now(context) - timedelta(hours=2))
    page = _page(qtbot, context)
    with qtbot.waitSignal(page.triaged, timeout=10_000):
        page.attempt_button.click()
    _wait_triaged(qtbot, page)
    assert page.model.index(0, 0).data() == "New (1 try)"
    answers["tries"] = 4
    with qtbot.waitSignal(page.triaged, timeout=10_000):
        page.unable_button.click()
    _wait_triaged(qtbot, page)
    [row] = list_referrals(context.db, context.actor)
    assert row.status is ReferralStatus.UNABLE_TO_REACH and row.contact_attempts == 4
    assert page.model.index(0, 0).data() == "Unable to reach (4 tries)"
    page.show_closed.setChecked(False)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)
    assert errors == []


def test_find_duplicate_clients_lists_them_for_merging(
    qtbot: Any, context: AppContext, answers: dict[str, Any], errors: list[BaseException]
) -> None:
    keep = client(context.db, "C1")
    dup = client(context.db, "C2", "dolores", "WHITFIELD")
    client(context.db, "C3", "Marcus", "Ellery")
    page = ReferralsPage(context)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.queue_loaded, timeout=10_000):
        page.refresh()
    page.duplicates_button.click()
    qtbot.waitUntil(lambda: page.matches.count() == 2, timeout=10_000)
    assert "1 group of clients" in page.status_line.text()
    assert page.matches.item(0).text().startswith("Duplicates 1: Dolores Whitfield (C1)")
    page.matches.selectAll()
    with qtbot.waitSignal(page.triaged, timeout=10_000):
        page.merge_button.click()
    _wait_triaged(qtbot, page)
    with context.db.session() as s:
        merged_into = s.scalar(select(Client.merged_into_id).where(Client.id == dup))
    assert merged_into == keep and errors == []
