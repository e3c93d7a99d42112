"""The caseload table model and its filter proxy: Qt's model contract, sorting every column,
each filter, and the text a user sees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from caseload.actor import local_actor
from caseload.clients import ClientRow, list_client_rows
from caseload.enums import HousingStatus, Tier
from caseload.store.database import Database
from desktop.caseload_model import (
    COLUMNS,
    ROW_ROLE,
    CaseloadFilterProxy,
    CaseloadTableModel,
    display_text,
)
from tests.desktop.seed import Seed

TODAY = date(2026, 3, 10)


def make_row(i: int, **changes: Any) -> ClientRow:
    values: dict[str, Any] = {
        "client_id": i,
        "external_id": f"C-{i:04d}",
        "name": f"Client {i:04d}",
        "tier": list(Tier)[i % 3],
        "score": float((i * 37) % 101),
        "top_reasons": f"Reason {i % 7}",
        "flags": frozenset({"unsheltered"} if i % 4 == 0 else ()),
        "programs": ("fall_prevention",) if i % 2 else ("high_utilizer", "overdose_followup"),
        "housing_status": list(HousingStatus)[(i // 2) % 3].value,
        "last_contact": TODAY - timedelta(days=i % 30) if i % 5 else None,
        "next_due": TODAY + timedelta(days=(i % 11) - 5),
        "clinician": ("Ana Reyes", "Ben Okoro", "")[i % 3],
        "clinician_id": (1, 2, None)[i % 3],
        "due_by": None,
    }
    values.update(changes)
    return ClientRow(**values)


def proxy_over(rows: list[ClientRow]) -> tuple[CaseloadTableModel, CaseloadFilterProxy]:
    model = CaseloadTableModel()
    model.set_rows(rows, today=TODAY)
    proxy = CaseloadFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def shown(proxy: CaseloadFilterProxy) -> list[ClientRow]:
    return [proxy.index(r, 0).data(ROW_ROLE) for r in range(proxy.rowCount())]


def shown_text(proxy: CaseloadFilterProxy, column: int) -> list[str]:
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_model_and_proxy_keep_qts_model_contract(qtmodeltester: Any) -> None:
    model, proxy = proxy_over([make_row(i) for i in range(40)])
    qtmodeltester.check(model)
    proxy.set_filters(tier="HIGH")
    qtmodeltester.check(proxy)


def test_empty_model_keeps_the_contract(qtmodeltester: Any) -> None:
    qtmodeltester.check(CaseloadTableModel())


def test_headers_name_every_column_with_a_tooltip() -> None:
    model = CaseloadTableModel()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert titles[:3] == ["Tier", "Score", "Client"]
    assert titles[-2:] == ["Clinician", "Language"]
    assert all(
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in range(len(COLUMNS))
    )


def test_display_text_is_what_a_user_reads() -> None:
    row = make_row(
        1,
        tier=Tier.MUST,
        score=158.4,
        flags=frozenset({"unsheltered", "recent_overdose"}),
        programs=("high_utilizer", "overdose_followup"),
        last_contact=date(2026, 3, 1),
        next_due=date(2026, 3, 4),
        clinician="Ana Reyes",
    )
    texts = [display_text(row, c, TODAY) for c in range(len(COLUMNS))]
    assert texts[0] == "MUST"
    assert texts[1] == "158"
    assert texts[4] == "Recent overdose, Unsheltered"
    assert texts[5] == "High utilizer, Overdose follow-up"
    assert texts[6] == "01 Mar"  # this year: no year
    assert texts[7] == "04 Mar (overdue)"
    assert texts[8] == "Ana Reyes"


def test_next_due_today_or_later_is_not_overdue_and_missing_dates_show_a_dash() -> None:
    due_today = make_row(1, next_due=TODAY, last_contact=None)
    assert display_text(due_today, 7, TODAY) == "10 Mar"
    assert display_text(due_today, 6, TODAY) == "—"
    last_year = make_row(3, last_contact=date(2025, 12, 30))
    assert display_text(last_year, 6, TODAY) == "30 Dec 2025"
    assert display_text(make_row(2, next_due=None), 7, TODAY) == "—"


def test_tier_and_overdue_are_coloured_and_name_tooltip_shows_the_external_id() -> None:
    model, _ = proxy_over([make_row(3, tier=Tier.MUST, next_due=TODAY - timedelta(days=1))])
    brush = model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == "#c62828"
    assert model.index(0, 7).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    assert model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == "Client 0003 (C-0003)"


SORT_KEYS: dict[int, Callable[[ClientRow], Any]] = {
    0: lambda r: (r.tier.rank, -r.score),
    1: lambda r: r.score,
    2: lambda r: r.name.lower(),
    3: lambda r: r.top_reasons.lower(),
    6: lambda r: r.last_contact or date.min,
    7: lambda r: r.next_due or date.max,
    8: lambda r: r.clinician.lower(),
}


def sort_key(column: int) -> Callable[[ClientRow], Any]:
    """What the rows should be ordered by when sorting `column` (display text by default)."""
    return SORT_KEYS.get(column, lambda r: display_text(r, column, TODAY).lower())


@pytest.mark.parametrize("column", range(len(COLUMNS)))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorting_each_column_orders_what_the_view_shows(column: int, order: Qt.SortOrder) -> None:
    rows = [make_row(i) for i in range(60)]
    _, proxy = proxy_over(rows)
    proxy.sort(column, order)
    got = shown(proxy)
    assert sorted(r.client_id for r in got) == list(range(60))
    descending = order == Qt.SortOrder.DescendingOrder
    key = sort_key(column)
    assert [key(r) for r in got] == sorted((key(r) for r in rows), reverse=descending)


def test_sort_keeps_the_filter_and_a_selected_row_follows(qtbot: Any) -> None:
    model, proxy = proxy_over([make_row(i) for i in range(30)])
    proxy.set_filters(clinician="Ben Okoro")
    tracked = QPersistentModelIndex(model.index(4, 0))  # client 4: Ben Okoro
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert {r.clinician for r in shown(proxy)} == {"Ben Okoro"}
    assert proxy.rowCount() == 10
    assert tracked.data(ROW_ROLE).client_id == 4


def test_text_filter_matches_name_external_id_or_reason_case_insensitively() -> None:
    rows = [make_row(i) for i in range(20)]
    _, proxy = proxy_over(rows)
    proxy.set_filters(text="client 0012")
    assert [r.client_id for r in shown(proxy)] == [12]
    proxy.set_filters(text="c-0003")
    assert [r.client_id for r in shown(proxy)] == [3]
    proxy.set_filters(text="  REASON 6 ")
    assert sorted(r.client_id for r in shown(proxy)) == [6, 13]
    proxy.set_filters(text="nobody like this")
    assert proxy.rowCount() == 0
    proxy.set_filters()
    assert proxy.rowCount() == 20


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        ({"tier": "MUST"}, lambda r: r.tier is Tier.MUST),
        ({"program": "overdose_followup"}, lambda r: "overdose_followup" in r.programs),
        ({"clinician": "Ana Reyes"}, lambda r: r.clinician == "Ana Reyes"),
        ({"clinician": ""}, lambda r: r.clinician == ""),
        ({"housing": "unsheltered"}, lambda r: r.housing_status == "unsheltered"),
        (
            {"tier": "HIGH", "housing": "housed"},
            lambda r: r.tier is Tier.HIGH and r.housing_status == "housed",
        ),
    ],
)
def test_each_filter_keeps_exactly_the_matching_rows(filters: dict[str, str], keep: Any) -> None:
    rows = [make_row(i) for i in range(45)]
    _, proxy = proxy_over(rows)
    proxy.set_filters(**filters)
    expected = [r.client_id for r in rows if keep(r)]
    assert expected, "the case must select something"
    assert [r.client_id for r in shown(proxy)] == expected


def test_filter_cache_follows_set_rows() -> None:
    model, proxy = proxy_over([make_row(i) for i in range(10)])
    proxy.set_filters(tier="MUST")
    assert proxy.rowCount() == 4  # 0, 3, 6, 9
    model.set_rows([make_row(i, tier=Tier.MUST) for i in range(7)], today=TODAY)
    assert proxy.rowCount() == 7


@settings(max_examples=40, deadline=None)
@given(
    scores=st.lists(st.integers(0, 200), min_size=0, max_size=25),
    tiers=st.lists(st.sampled_from(list(Tier)), min_size=25, max_size=25),
    column=st.sampled_from([0, 1, 2, 7]),
    tier_filter=st.sampled_from([None, "MUST", "HIGH", "ROUTINE"]),
)
def test_sorted_and_filtered_view_is_the_sorted_filtered_list(
    qapp: Any, scores: list[int], tiers: list[Tier], column: int, tier_filter: str | None
) -> None:
    """Whatever the rows: filtering then sorting shows exactly the matching rows, in key order."""
    rows = [make_row(i, score=float(s), tier=tiers[i]) for i, s in enumerate(scores)]
    _, proxy = proxy_over(rows)
    proxy.set_filters(tier=tier_filter)
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    key = sort_key(column)
    expected = [r for r in rows if tier_filter is None or r.tier.value == tier_filter]
    got = shown(proxy)
    assert sorted(r.client_id for r in got) == sorted(r.client_id for r in expected)
    assert [key(r) for r in got] == sorted(key(r) for r in expected)


def test_model_over_a_real_store_shows_the_seeded_caseload(sqlite_db: Database, seed: Seed) -> None:
    rows = list_client_rows(sqlite_db, seed.day, local_actor())
    model = CaseloadTableModel()
    model.set_rows(rows, today=seed.day)
    assert model.rowCount() == 6
    assert model.index(0, 2).data() == "Rosa Alvarez"
    assert model.index(0, 0).data() == "MUST"
    assert "Non-fatal overdose" in model.index(0, 3).data()
    assert "Unsheltered" in model.index(0, 4).data()
    sam = next(r for r in range(6) if model.index(r, 2).data() == "Sam Brooks")
    assert model.index(sam, 7).data().endswith("(overdue)")
    assert model.index(sam, 8).data() == "Ben Okoro"
    assert not model.index(0, 0).parent().isValid()
    assert model.rowCount(QModelIndex()) == 6


def _as_qt_renders_it(tooltip: str) -> str:
    """What a tooltip shows: Qt renders it as rich text when it looks like HTML."""
    from PySide6.QtGui import Qt as QtGui
    from PySide6.QtGui import QTextDocument

    if not QtGui.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def test_tooltips_show_client_text_as_typed_never_as_rich_text(qapp: object) -> None:
    """A name or reason that looks like HTML is shown character for character: no image is
    fetched, no text hidden or made bold."""
    name = '<img src="http://example.invalid/x.png"><b>Bob</b> <!-- hidden -->'
    reasons = "<a href='x'>fall</a> & <i>ED</i>"
    model, _ = proxy_over([make_row(1, name=name, top_reasons=reasons, clinician="<u>Ana</u>")])
    shown = {
        col: _as_qt_renders_it(model.index(0, col).data(Qt.ItemDataRole.ToolTipRole))
        for col in (2, 3, 8)
    }
    assert shown == {2: f"{name} (C-0001)", 3: reasons, 8: "<u>Ana</u>"}
