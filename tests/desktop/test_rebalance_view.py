"""The supervisor's rebalance view, offscreen over a real SQLite store: the chart's numbers, the
ticked moves, suggest / cancel in the background, apply (and a conflict), a manual move."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from caseload.actor import Actor, Role
from caseload.errors import ConflictError
from caseload.rebalance import RebalanceProposal
from caseload.settings import ProgramSettings
from caseload.store.database import Database
from caseload.store.models import AuditEntry, Client
from desktop import rebalance_view
from desktop.rebalance_map_data import rebalance_map_data
from desktop.rebalance_view import RebalanceMapState, RebalanceView
from maps.plan_map import map_payload
from tests.caseload.rebalance_data import ClientSpec, StaffSpec, add_clients, add_staff

SUPERVISOR = Actor("sam", Role.SUPERVISOR)
WAIT_MS = 60_000


@pytest.fixture
def team(sqlite_db: Database) -> dict[str, int]:
    staff = add_staff(
        sqlite_db,
        [
            StaffSpec("Lee", 35.99, -78.90, capacity=5.0),
            StaffSpec("Ortiz", 36.00, -78.91, languages="en,es", capacity=30.0),
            StaffSpec("Kim", 35.98, -78.89, capacity=30.0),
        ],
    )
    specs = [
        ClientSpec(f"C{i:02d}", "Lee", 35.99 + i * 0.001, -78.90, programs=("high_utilizer",))
        for i in range(10)
    ]
    specs.append(ClientSpec("ES1", "Lee", 35.995, -78.905, language="es"))
    add_clients(sqlite_db, specs, staff)
    return staff


@pytest.fixture
def view(qtbot: QtBot, sqlite_db: Database, team: dict[str, int]) -> Iterator[RebalanceView]:
    widget = RebalanceView(sqlite_db, SUPERVISOR)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.snapshot_loaded, timeout=WAIT_MS):
        pass
    widget.resize(1200, 800)
    widget.show()
    yield widget
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=WAIT_MS)


def _suggest(qtbot: QtBot, view: RebalanceView, max_moves: int = 4) -> RebalanceProposal:
    view.max_moves.setValue(max_moves)
    view.time_limit.setValue(5.0)
    with qtbot.waitSignal(view.suggestion_finished, timeout=WAIT_MS) as blocker:
        view.suggest_button.click()
    proposal = blocker.args[0]
    assert isinstance(proposal, RebalanceProposal)
    return proposal


def _assignments(db: Database) -> dict[str, int | None]:
    with db.session() as session:
        return {c.external_id: c.assigned_clinician_id for c in session.scalars(select(Client))}


def test_chart_shows_workload_and_capacity_per_clinician(
    view: RebalanceView, qtmodeltester: object
) -> None:
    snapshot = view.snapshot
    assert snapshot is not None
    bars = view.chart.bars()
    assert [b.name for b in bars] == ["Kim", "Lee", "Ortiz"]
    loads = {x.name: x for x in snapshot.loads()}
    for bar in bars:
        assert bar.before_hours == pytest.approx(loads[bar.name].load_hours)
        assert bar.after_hours == bar.before_hours  # nothing ticked yet
        assert bar.capacity_hours == pytest.approx(loads[bar.name].capacity_hours)
    lee = next(b for b in bars if b.name == "Lee")
    assert lee.before_hours > lee.capacity_hours
    assert "less 15% reserve" in lee.tooltip
    assert "11 clients" in lee.tooltip
    assert view.model.rowCount() == 0
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    assert not view.chart.grab().isNull()


def test_suggest_lists_ticked_moves_and_chart_follows_the_ticks(
    qtbot: QtBot, view: RebalanceView, qtmodeltester: object
) -> None:
    proposal = _suggest(qtbot, view)
    model = view.model
    assert model.rowCount() == len(proposal.moves) > 0
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    for row, move in enumerate(proposal.moves):
        assert model.index(row, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        assert model.index(row, 1).data() == f"{move.external_id} {move.client_name}"
        assert model.index(row, 2).data() == "Lee"
        assert model.index(row, 6).data() == move.reason
        assert "h/wk" in model.index(row, 4).data(Qt.ItemDataRole.ToolTipRole)
    after = {b.name: b.after_hours for b in view.chart.bars()}
    expected = {x.name: x.load_hours for x in proposal.after}
    assert after == pytest.approx(expected)
    # In a supervisor's words: how many moves, the range of workloads before and after.
    status = view.status.text()
    assert f"{len(proposal.moves)} moves suggested" in status or "1 move suggested" in status
    assert f"{proposal.worst_after:.0f}% of capacity" in status
    assert "percentage points" not in status and proposal.status not in status

    first = proposal.moves[0]
    assert model.setData(model.index(0, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    after2 = {b.name: b.after_hours for b in view.chart.bars()}
    assert after2["Lee"] == pytest.approx(expected["Lee"] + first.hours_from)
    assert after2[first.to_name] == pytest.approx(expected[first.to_name] - first.hours_to)
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked


def test_apply_selected_writes_only_ticked_moves(
    qtbot: QtBot, view: RebalanceView, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = _suggest(qtbot, view)
    assert len(proposal.moves) >= 2
    view.model.set_all_checked(False)
    view.model.setData(
        view.model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    asked: list[str] = []

    def confirm(text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(view, "confirm", confirm)
    before = _assignments(sqlite_db)
    with (
        qtbot.waitSignal(view.snapshot_loaded, timeout=WAIT_MS),
        qtbot.waitSignal(view.moves_applied, timeout=WAIT_MS) as applied,
    ):
        view.apply_button.click()
    assert applied.args == [1]
    assert "Reassign 1 client(s)?" in asked[0]
    now = _assignments(sqlite_db)
    move = proposal.moves[0]
    assert now[move.external_id] == move.to_id
    assert {k: v for k, v in now.items() if k != move.external_id} == {
        k: v for k, v in before.items() if k != move.external_id
    }
    with sqlite_db.session() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.actor == "sam")))
    assert len(entries) == 1
    assert view.model.rowCount() == 0
    bars = {b.name: b for b in view.chart.bars()}
    assert bars[move.to_name].before_hours == pytest.approx(
        proposal.before[[x.name for x in proposal.before].index(move.to_name)].load_hours
        + move.hours_to
    )


def test_apply_conflict_is_reported_and_nothing_changes(
    qtbot: QtBot, view: RebalanceView, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = _suggest(qtbot, view)
    victim = proposal.moves[0]
    with sqlite_db.session() as session:
        row = session.get(Client, victim.client_id)
        assert row is not None
        row.phone = "919-555-0100"
    before = _assignments(sqlite_db)
    shown: list[BaseException] = []
    monkeypatch.setattr(view, "confirm", lambda _text: True)
    monkeypatch.setattr(rebalance_view, "show_error", lambda _parent, exc, **_kw: shown.append(exc))
    view.apply_button.click()
    assert len(shown) == 1 and isinstance(shown[0], ConflictError)
    assert victim.external_id in str(shown[0])
    assert view.status.text().startswith("Nothing was applied")
    assert _assignments(sqlite_db) == before


def test_cancel_keeps_the_best_so_far(qtbot: QtBot, view: RebalanceView) -> None:
    view.time_limit.setValue(60.0)
    with qtbot.waitSignal(view.suggestion_finished, timeout=WAIT_MS) as blocker:
        view.suggest_button.click()
        assert view.cancel_button.isEnabled()
        view.cancel_button.click()
    proposal = blocker.args[0]
    assert proposal.status == "CANCELLED"
    assert proposal.wall_time_s < 60.0
    assert "cancelled" in view.status.text()
    assert view.suggest_button.isEnabled() and not view.cancel_button.isEnabled()


def test_manual_move_shows_effect_and_refuses_rule_breaks(
    qtbot: QtBot, view: RebalanceView, team: dict[str, int]
) -> None:
    snapshot = view.snapshot
    assert snapshot is not None
    by_ext = {c.external_id: c.client_id for c in snapshot.clients}
    view.client_combo.setCurrentIndex(view.client_combo.findData(by_ext["ES1"]))
    view.target_combo.setCurrentIndex(view.target_combo.findData(team["Kim"]))
    assert "Not allowed: Kim does not speak Spanish" in view.preview_label.text()
    assert not view.add_move_button.isEnabled()

    view.client_combo.setCurrentIndex(view.client_combo.findData(by_ext["C03"]))
    text = view.preview_label.text()
    loads = {x.name: x for x in snapshot.loads()}
    hours = snapshot.hours[(by_ext["C03"], team["Kim"])]
    assert f"Kim: {loads['Kim'].load_hours:.1f} -> {loads['Kim'].load_hours + hours:.1f}" in text
    assert "Familiar faces" in text
    assert view.add_move_button.isEnabled()
    view.add_move_button.click()
    assert view.model.rowCount() == 1
    assert view.model.index(0, 0).data() == "manual"
    assert view.model.index(0, 3).data() == "Kim"
    kim = next(b for b in view.chart.bars() if b.name == "Kim")
    assert kim.after_hours == pytest.approx(loads["Kim"].load_hours + hours)


def test_map_hook_receives_the_assignment_after_ticks(qtbot: QtBot, view: RebalanceView) -> None:
    from PySide6.QtWidgets import QLabel

    states: list[RebalanceMapState] = []
    map_widget = QLabel("map")
    view.set_map_view(map_widget, states.append)
    assert len(states) == 1 and not view.map_placeholder.isVisible()
    proposal = _suggest(qtbot, view)
    last = states[-1]
    for move in proposal.moves:
        assert last.assignment[move.client_id] == move.to_id
    assert set(last.colors) == {c.clinician_id for c in last.snapshot.clinicians}
    view.model.set_all_checked(False)
    assert states[-1].assignment == last.snapshot.assignment


def test_the_caseload_map_draws_the_programs_outline_and_no_other(
    qtbot: QtBot, view: RebalanceView
) -> None:
    """The outline on the supervisor's map is the program's setting: none for a program that
    set none (no Durham County unless it is the demo's), the program's own when set."""
    state = view.map_state()
    assert state is not None
    plain = rebalance_map_data(state, ProgramSettings().outline())
    assert plain.outline == ()
    assert len(plain.markers) == 3 + 11  # every base and client still shown
    square = {
        "type": "Polygon",
        "coordinates": [[[-79.0, 35.9], [-78.8, 35.9], [-78.8, 36.1], [-79.0, 35.9]]],
    }
    own = dataclasses.replace(ProgramSettings(), area_outline_geojson=json.dumps(square))
    assert rebalance_map_data(state, own.outline()).outline == own.outline()
    html_payload = map_payload(plain)
    assert html_payload["outline"] == []
