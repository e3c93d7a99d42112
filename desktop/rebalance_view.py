"""The supervisor's caseload rebalancing view.

Workload against capacity per clinician (before / after the ticked moves), the suggested moves
with check boxes, "Suggest" (CP-SAT in a worker thread, with progress and Cancel), "Apply
selected" (confirmation, one transaction, a clear message when someone changed a client
meanwhile), and a manual move: pick a client and a clinician, see the effect, add it.

The map of each clinician's clients: `set_map_view(widget, update)` puts a map widget in the
map panel; `update(RebalanceMapState)` is called with every change of the assignment (e.g. a
`desktop.map_view.PlanMapView` and a function that turns the state into `maps.model.MapData`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseload.actor import Actor
from caseload.errors import UserError
from caseload.rebalance import (
    MovePreview,
    RebalanceProposal,
    WorkloadSnapshot,
    apply_moves,
    load_snapshot,
    preview_in,
    suggest_rebalance,
)
from caseload.store.database import Database
from desktop.column_fit import ColumnFitter
from desktop.error_dialog import show_error
from desktop.rebalance_manual import ManualMoveBox, preview_text
from desktop.rebalance_moves_model import RebalanceMovesModel
from desktop.rebalance_text import proposal_summary
from desktop.tasks import ProgressFn, TaskHandle, TaskRunner
from desktop.workload_chart import WorkloadChart, build_bars, clinician_colors


@dataclass(frozen=True, slots=True)
class RebalanceMapState:
    """What a caseload map needs: who carries whom after the ticked moves, and the colours."""

    snapshot: WorkloadSnapshot
    assignment: dict[int, int | None]
    colors: dict[int, str]


class RebalanceView(QWidget):
    snapshot_loaded = Signal(object)  # WorkloadSnapshot
    suggestion_finished = Signal(object)  # RebalanceProposal
    moves_applied = Signal(int)
    assignment_changed = Signal(object)  # RebalanceMapState

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._snapshot: WorkloadSnapshot | None = None
        self.tasks = TaskRunner(self)
        self._task: TaskHandle | None = None  # the running search, for Cancel
        self._map_update: Callable[[RebalanceMapState], None] | None = None
        self._preview: MovePreview | None = None
        self.model = RebalanceMovesModel(self)
        self.model.checks_changed.connect(self._on_model_checks_changed)
        self._build()
        self.reload()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.max_moves = QSpinBox(minimum=0, maximum=500, value=20)
        self.max_moves.setToolTip("Move at most this many clients")
        self.time_limit = QDoubleSpinBox(minimum=0.5, maximum=120.0, value=5.0, suffix=" s")
        self.time_limit.setToolTip("How long to search for a better balance")
        self.suggest_button = QPushButton("Suggest")
        self.suggest_button.clicked.connect(self._on_suggest_clicked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel("Reading the caseload…")
        self.status.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Max moves"))
        bar.addWidget(self.max_moves)
        bar.addWidget(QLabel("Time limit"))
        bar.addWidget(self.time_limit)
        bar.addWidget(self.suggest_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress, 1)
        bar.addStretch(1)

        self.chart = WorkloadChart()
        chart_scroll = QScrollArea()
        chart_scroll.setWidgetResizable(True)
        chart_scroll.setWidget(self.chart)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        # Reason elides at the edge; its full text is the row's tooltip and the line below.
        self.table_fit = ColumnFitter(
            self.table, {0: 44, 4: 46, 5: 70}, {1: 1.0, 2: 0.9, 3: 0.9, 6: 2.2}, minimum=44
        )
        self.move_detail = QLabel("Select a move to read why it helps.")
        self.move_detail.setWordWrap(True)
        self.move_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.move_detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.table.clicked.connect(self._on_table_clicked)
        self.apply_button = QPushButton("Apply selected")
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.check_all = QPushButton("Tick all")
        self.check_all.clicked.connect(lambda: self.model.set_all_checked(True))
        self.check_none = QPushButton("Untick all")
        self.check_none.clicked.connect(lambda: self.model.set_all_checked(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_all)
        buttons.addWidget(self.check_none)
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)

        manual = ManualMoveBox()
        self.client_combo, self.target_combo = manual.client_combo, manual.target_combo
        self.preview_label, self.add_move_button = manual.preview_label, manual.add_move_button
        self.client_combo.currentIndexChanged.connect(self._on_manual_changed)
        self.target_combo.currentIndexChanged.connect(self._on_manual_changed)
        self.add_move_button.clicked.connect(self._on_add_move_clicked)

        moves = QWidget()
        moves_layout = QVBoxLayout(moves)
        moves_layout.setContentsMargins(0, 0, 0, 0)
        moves_layout.addWidget(self.table, 1)
        moves_layout.addWidget(self.move_detail)
        moves_layout.addLayout(buttons)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(moves)
        right.addWidget(manual)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)

        self.map_panel = QGroupBox("Clients by clinician")
        self._map_layout = QVBoxLayout(self.map_panel)
        self.map_placeholder = QLabel(
            "The map appears here once the map view is installed (set_map_view)."
        )
        self.map_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._map_layout.addWidget(self.map_placeholder)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(chart_scroll)
        left.addWidget(self.map_panel)
        left.setSizes([260, 440])  # the chart needs a bar per clinician; the map wants room
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([640, 720])  # at 1366 px the moves table has room for its Reason

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

    # --- public ------------------------------------------------------------------------------
    @property
    def snapshot(self) -> WorkloadSnapshot | None:
        return self._snapshot

    def set_map_view(self, widget: QWidget, update: Callable[[RebalanceMapState], None]) -> None:
        """Show `widget` in the map panel and call `update` with every assignment change."""
        self.map_placeholder.hide()
        self._map_layout.addWidget(widget)
        self._map_update = update
        state = self.map_state()
        if state is not None:
            update(state)

    def map_state(self) -> RebalanceMapState | None:
        if self._snapshot is None:
            return None
        return RebalanceMapState(
            self._snapshot,
            self.assignment_after(),
            clinician_colors([c.clinician_id for c in self._snapshot.clinicians]),
        )

    def assignment_after(self) -> dict[int, int | None]:
        """Who carries whom if the ticked moves were applied."""
        if self._snapshot is None:
            return {}
        assignment = self._snapshot.assignment
        for move in self.model.checked_moves():
            assignment[move.client_id] = move.to_id
        return assignment

    def reload(self) -> None:
        """Re-read the caseload (in the background); clears the moves."""
        db, actor = self._db, self._actor

        def work(_progress: ProgressFn, _cancel: threading.Event) -> WorkloadSnapshot:
            return load_snapshot(db, actor)

        self.suggest_button.setEnabled(False)
        self.tasks.run(work, self._on_snapshot_finished, on_failed=self._on_task_failed)

    def is_busy(self) -> bool:
        return self.tasks.busy

    # --- loading and suggesting ----------------------------------------------------------------
    def _on_snapshot_finished(self, snapshot: WorkloadSnapshot) -> None:
        self._snapshot = snapshot
        self.model.set_moves([], snapshot)
        self._fill_manual_choices()
        self.suggest_button.setEnabled(True)
        clinicians = len(snapshot.clinicians)
        self.status.setText(
            f"{len(snapshot.clients)} active clients, {clinicians} clinicians carrying caseloads; "
            f"acuity weights: {snapshot.acuity_source}. Press Suggest for moves."
        )
        self.snapshot_loaded.emit(snapshot)

    def _on_suggest_clicked(self) -> None:
        db, actor = self._db, self._actor
        max_moves, limit = self.max_moves.value(), self.time_limit.value()

        def work(progress: ProgressFn, cancel: threading.Event) -> RebalanceProposal:
            return suggest_rebalance(
                db, actor, max_moves=max_moves, time_limit_s=limit, progress=progress, cancel=cancel
            )

        self.suggest_button.setEnabled(False)
        self.apply_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText("Searching for a better balance…")
        self._task = self.tasks.run(
            work,
            self._on_suggest_finished,
            on_failed=self._on_task_failed,
            on_progress=self._on_suggest_progressed,
            on_cancelled=self._on_suggest_cancelled,
        )

    def _on_cancel_clicked(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.status.setText("Cancelling: keeping the best found so far…")

    def _on_suggest_progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(message)

    def _end_search(self) -> None:
        self.suggest_button.setEnabled(True)
        self.apply_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _on_suggest_finished(self, proposal: RebalanceProposal) -> None:
        self._end_search()
        self._snapshot = proposal.snapshot
        self.model.set_moves(proposal.moves, proposal.snapshot)
        self._fill_manual_choices()
        self.status.setText(proposal_summary(proposal))
        self.suggestion_finished.emit(proposal)

    def _on_suggest_cancelled(self) -> None:
        self._end_search()
        self.status.setText("Cancelled; nothing was suggested.")

    def _on_task_failed(self, exc: BaseException) -> None:
        self._end_search()
        self.suggest_button.setEnabled(self._snapshot is not None)
        self.status.setText(f"Could not finish: {exc}")
        show_error(self, exc, title="Rebalance")

    def _on_table_clicked(self, index: QModelIndex) -> None:
        move = index.siblingAtColumn(6).data(Qt.ItemDataRole.ToolTipRole)
        client = index.siblingAtColumn(1).data()
        self.move_detail.setText(f"{client}: {move}" if move else "")

    # --- chart, map, manual move ---------------------------------------------------------------
    def _on_model_checks_changed(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            self.chart.set_bars([])
            return
        colors = clinician_colors([c.clinician_id for c in snapshot.clinicians])
        before = snapshot.loads()
        after = snapshot.loads(self.assignment_after())
        tooltips = {
            b.clinician_id: "\n".join(
                [
                    snapshot.clinician(b.clinician_id).explain_capacity(),
                    f"now: {b.explain()}",
                    f"after ticked moves: {a.explain()}",
                ]
            )
            for b, a in zip(before, after, strict=True)
        }
        self.chart.set_bars(build_bars(before, after, colors, tooltips))
        self.apply_button.setEnabled(bool(self.model.checked_moves()) and not self.is_busy())
        self._on_manual_changed()
        state = self.map_state()
        if state is not None:
            self.assignment_changed.emit(state)
            if self._map_update is not None:
                self._map_update(state)

    def _fill_manual_choices(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        names = {c.clinician_id: c.name for c in snapshot.clinicians}
        for combo in (self.client_combo, self.target_combo):
            combo.blockSignals(True)
            combo.clear()
        for c in sorted(snapshot.clients, key=lambda c: (c.name, c.external_id)):
            who = names.get(c.clinician_id, "unassigned") if c.clinician_id else "unassigned"
            self.client_combo.addItem(f"{c.name} ({c.external_id}) — {who}", c.client_id)
        for k in snapshot.clinicians:
            self.target_combo.addItem(k.name, k.clinician_id)
            self.target_combo.setItemData(
                self.target_combo.count() - 1,
                k.explain_capacity(),
                Qt.ItemDataRole.ToolTipRole,
            )
        for combo in (self.client_combo, self.target_combo):
            combo.setCurrentIndex(-1)
            combo.blockSignals(False)
        self._on_manual_changed()

    def _on_manual_changed(self) -> None:
        snapshot = self._snapshot
        client_id = self.client_combo.currentData()
        target_id = self.target_combo.currentData()
        if snapshot is None or client_id is None or target_id is None:
            self.add_move_button.setEnabled(False)
            self._preview = None
            return
        base = self.assignment_after()
        base.pop(client_id, None)
        base[client_id] = snapshot.client(client_id).clinician_id
        preview = preview_in(snapshot, client_id, target_id, base)
        self.preview_label.setText(preview_text(preview))
        self.add_move_button.setEnabled(preview.allowed)
        self._preview = preview

    def _on_add_move_clicked(self) -> None:
        preview = self._preview
        if preview is None or not preview.allowed:
            return
        self.model.add_manual(preview.move)

    # --- apply -------------------------------------------------------------------------------
    def confirm(self, text: str) -> bool:
        """Ask before writing (tests replace this)."""
        answer = QMessageBox.question(self, "Apply moves", text)
        return answer == QMessageBox.StandardButton.Yes

    def _on_apply_clicked(self) -> None:
        moves = self.model.checked_moves()
        if not moves:
            return
        lines = [f"{m.external_id} {m.client_name}: {m.from_name} -> {m.to_name}" for m in moves]
        shown = "\n".join(lines[:15]) + (
            f"\n… and {len(lines) - 15} more" if len(lines) > 15 else ""
        )
        if not self.confirm(f"Reassign {len(moves)} client(s)?\n\n{shown}"):
            return
        versions = {m.client_id: m.version for m in moves}
        try:
            applied = apply_moves(self._db, self._actor, moves, versions)
        except UserError as exc:  # a conflict, a lock or a rule: nothing was applied
            self.status.setText(f"Nothing was applied: {exc}")
            show_error(self, exc, title="Rebalance")
            return
        self.status.setText(f"Applied {len(applied)} move(s). Reading the caseload again…")
        self.moves_applied.emit(len(applied))
        self.reload()
