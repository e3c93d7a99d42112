"""What the route list says about each crew's day: the break as a row where it falls, waiting
in minutes, each stop's lateness against its deadline, when the crew leaves the base (why the
first stop may move later), and pins and locks as marks on the stop's own row."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from caseload.planning.model import PlannedStop
from desktop.plan import menus
from desktop.plan.models import STOP_MIME, BreakRow, minutes_text, route_entries
from desktop.plan.page import PlanPage
from tests.desktop.test_plan_page import _plan, page  # noqa: F401  (the fixture)


def test_breaks_waits_and_lateness_are_rows_and_columns(qtbot: QtBot, page: PlanPage) -> None:  # noqa: F811
    _plan(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    model, zone = page.ui.routes, page.context.program.zone
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:5] == ["Stop", "ETA", "Window", "Wait", "Late"]
    breaks = 0
    for r, route in enumerate(plan.routes):
        crew_index = model.index(r, 0)
        assert route.leaves_base is not None
        assert f"leaves {route.leaves_base.astimezone(zone):%H:%M}" in str(
            crew_index.siblingAtColumn(model.PURPOSE).data()
        )
        entries = route_entries(route)
        for row, entry in enumerate(entries):
            index = model.index(row, 0, crew_index)
            if isinstance(entry, BreakRow):
                breaks += 1
                assert route.break_at is not None
                assert index.siblingAtColumn(model.CLIENT).data() == "Break"
                assert index.siblingAtColumn(1).data() == f"{route.break_at.astimezone(zone):%H:%M}"
                assert (
                    f"{route.crew.break_minutes} min" in index.siblingAtColumn(model.PURPOSE).data()
                )
                before = [e for e in entries[:row] if isinstance(e, PlannedStop)]
                after = [e for e in entries[row + 1 :] if isinstance(e, PlannedStop)]
                assert all(s.departure <= entry.starts for s in before)
                assert all(s.arrival >= entry.starts for s in after)
                assert not model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
                continue
            assert isinstance(entry, PlannedStop)
            wait = index.siblingAtColumn(3).data()
            assert wait == (f"{entry.waiting_s // 60} min" if entry.waiting_s >= 60 else "")
            assert index.siblingAtColumn(4).data() == minutes_text(entry.lateness)
            assert "Arrives" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert breaks == sum(1 for r in plan.routes if r.break_at is not None and r.crew.break_minutes)
    assert breaks > 0, "the demo crews take breaks"


def test_minutes_text() -> None:
    assert minutes_text(timedelta(seconds=59)) == ""
    assert minutes_text(timedelta(minutes=45)) == "45 min"
    assert minutes_text(timedelta(minutes=60)) == "1 h"
    assert minutes_text(timedelta(minutes=204)) == "3 h 24 min"


def test_a_drop_below_the_break_counts_stops_not_rows(qtbot: QtBot, page: PlanPage) -> None:  # noqa: F811
    _plan(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    model = page.ui.routes
    r, route = next(
        (r, x)
        for r, x in enumerate(plan.routes)
        if any(isinstance(e, BreakRow) for e in route_entries(x)[:-1])
    )
    entries = route_entries(route)
    break_row = next(i for i, e in enumerate(entries) if isinstance(e, BreakRow))
    dropped: list[tuple[str, str, int]] = []
    model.stop_dropped.connect(lambda *args: dropped.append(args))
    mime = QMimeData()
    mime.setData(STOP_MIME, b"some-key")
    model.dropMimeData(mime, Qt.DropAction.MoveAction, break_row + 1, 0, model.index(r, 0))
    assert dropped == [("some-key", route.crew.name, break_row)]  # the break is not a stop


def test_pins_and_locks_show_on_the_stops_row(qtbot: QtBot, page: PlanPage) -> None:  # noqa: F811
    _plan(qtbot, page)
    plan = page.state.plan
    assert plan is not None
    route = next(r for r in plan.routes if len(r.stops) >= 2)
    first, second = route.stops[0], route.stops[1]
    model = page.ui.routes
    assert model.index_of_key(first.key).data(Qt.ItemDataRole.DecorationRole).isNull()
    menus.pin(page, first.key, route.crew.name)
    menus.lock(page, route.crew.name, second.key)
    pinned = model.index_of_key(first.key)
    icon = pinned.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert f"Pinned to {route.crew.name}" in pinned.data(Qt.ItemDataRole.ToolTipRole)
    locked = model.index_of_key(second.key)
    assert "Locked" in locked.data(Qt.ItemDataRole.ToolTipRole)
    assert not locked.data(Qt.ItemDataRole.DecorationRole).isNull()
    # No emoji anywhere in the row's text (the bundled fonts draw them as empty boxes).
    texts = [str(locked.siblingAtColumn(c).data() or "") for c in range(model.columnCount())]
    assert all(ord(ch) < 0x2190 or ch in "–—…·" for text in texts for ch in text)
