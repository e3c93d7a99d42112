"""The widgets and layout of the Plan the day page (behaviour lives in `desktop.plan.page`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from PySide6.QtCore import QDate, QSize, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from caseload.planning.crews import CrewInfo
from caseload.planning.model import PlanVersionInfo
from desktop.column_fit import ColumnFitter
from desktop.context import AppContext
from desktop.map_view import PlanMapView
from desktop.plan.detail import HINT
from desktop.plan.flag_icons import ICON_H, ICON_W
from desktop.plan.models import CandidateTableModel, RouteTreeModel, UnassignedTableModel


class PlanPageLayout:
    """The page's widgets, laid out on `page`: top bar (day, crews, plan, re-plan, cancel,
    limit, versions, save), progress line, then three panes: crews and visits to plan |
    routes and unplanned visits | the map. Item models are parented to `page`."""

    def __init__(self, page: QWidget, context: AppContext) -> None:
        zone = context.program.zone
        day = context.today()
        # --- top bar -------------------------------------------------------------------------
        self.date_edit = QDateEdit(QDate(day.year, day.month, day.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setToolTip("The day to plan")
        self.crews_button = QPushButton("C&rews…")
        self.crews_button.setToolTip("Who works together today, shift times, out sick")
        self.plan_button = QPushButton("&Plan (F5)")
        self.plan_button.setToolTip("Plan routes for the selected visits")
        self.replan_button = QPushButton("Re-pla&n (Ctrl+R)")
        self.replan_button.setToolTip(
            "Plan again keeping pins and locks, moving as little as possible"
        )
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop planning and keep the best plan found so far (Esc)")
        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(1, 600)
        self.time_limit.setValue(context.program.plan_time_limit_s)
        self.time_limit.setSuffix(" s")
        self.time_limit.setToolTip("How long the planner may search")
        self.save_button = QPushButton("&Save version")
        self.versions_combo = QComboBox()
        self.versions_combo.setToolTip("Saved versions of this day's plan")
        self.versions_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top = QHBoxLayout()
        caption = QLabel("&Day")
        caption.setBuddy(self.date_edit)
        for widget in (
            caption,
            self.date_edit,
            self.crews_button,
            self.plan_button,
            self.replan_button,
            self.cancel_button,
            QLabel("Limit"),
            self.time_limit,
        ):
            top.addWidget(widget)
        top.addStretch()
        top.addWidget(self.versions_combo)
        top.addWidget(self.save_button)
        # Visit outcomes (issue 12): record what happened at each stop of the saved version.
        self.outcomes_button = QPushButton("&Outcomes… (Ctrl+E)")
        self.outcomes_button.setToolTip(
            "Record what happened at each stop, in route-sheet order (the saved version)"
        )
        top.addWidget(self.outcomes_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.status = QLabel("Pick the visits, then Plan.")
        self.status.setWordWrap(True)

        # --- candidates ------------------------------------------------------------------------
        self.candidates = CandidateTableModel(zone, page)
        self.candidate_proxy = QSortFilterProxyModel(page)
        self.candidate_proxy.setSourceModel(self.candidates)
        self.candidate_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.candidate_proxy.setFilterKeyColumn(-1)
        self.candidate_filter = QLineEdit()
        self.candidate_filter.setPlaceholderText("Filter visits…")
        self.candidate_filter.setClearButtonEnabled(True)
        self.candidate_filter.textChanged.connect(self.candidate_proxy.setFilterFixedString)
        self.candidate_view = QTableView()
        self.candidate_view.setModel(self.candidate_proxy)
        self.candidate_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.candidate_view.verticalHeader().setVisible(False)
        self.candidate_view.verticalHeader().setDefaultSectionSize(22)
        for hidden in (5, 6):  # where and the clinician: in the row's tooltip (a narrow pane)
            self.candidate_view.setColumnHidden(hidden, True)
        self.candidate_fit = ColumnFitter(
            self.candidate_view, {0: 26, 1: 50, 4: 72}, {2: 1.2, 3: 1.0}, minimum=40
        )
        self.candidate_count = QLabel()
        self.select_urgent = QPushButton("Suggested")
        self.select_urgent.setToolTip("Every MUST visit, then HIGH ones while the crews have time")
        self.select_none = QPushButton("None")
        self.crew_summary = QLabel()
        self.crew_summary.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Crews on shift</b>"))
        left_layout.addWidget(self.crew_summary)
        left_layout.addWidget(QLabel("<b>Visits to plan</b>"))
        row = QHBoxLayout()
        row.addWidget(self.candidate_filter)
        row.addWidget(self.select_urgent)
        row.addWidget(self.select_none)
        left_layout.addLayout(row)
        left_layout.addWidget(self.candidate_view)
        left_layout.addWidget(self.candidate_count)

        # --- results -----------------------------------------------------------------------------
        self.routes = RouteTreeModel(zone, page)
        self.route_view = QTreeView()
        self.route_view.setModel(self.routes)
        self.route_view.setDragEnabled(True)
        self.route_view.setAcceptDrops(True)
        self.route_view.setDropIndicatorShown(True)
        self.route_view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.route_view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.route_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.route_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.route_view.setAlternatingRowColors(True)
        self.route_view.setUniformRowHeights(True)
        self.route_view.setIconSize(QSize(ICON_W, ICON_H))  # pin and lock marks by the number
        self.route_fit = ColumnFitter(
            self.route_view, {0: 80, 1: 44, 2: 116, 3: 46, 4: 84}, {5: 1.1, 6: 1.0, 7: 1.3}
        )
        self.detail = QLabel(HINT)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 4 + 8)
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.unassigned = UnassignedTableModel(page)
        self.unassigned_view = QTableView()
        self.unassigned_view.setModel(self.unassigned)
        self.unassigned_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unassigned_view.verticalHeader().setVisible(False)
        self.unassigned_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.unassigned_fit = ColumnFitter(self.unassigned_view, {0: 56}, {1: 1.0, 2: 1.0, 3: 2.0})
        middle = QSplitter(Qt.Orientation.Vertical)
        routes_box = QWidget()
        routes_layout = QVBoxLayout(routes_box)
        routes_layout.setContentsMargins(0, 0, 0, 0)
        routes_layout.addWidget(
            QLabel(
                "<b>Routes</b> — drag a stop to another crew or "
                "position; right-click to pin, lock or remove"
            )
        )
        routes_layout.addWidget(self.route_view)
        routes_layout.addWidget(self.detail)
        unassigned_box = QWidget()
        unassigned_layout = QVBoxLayout(unassigned_box)
        unassigned_layout.setContentsMargins(0, 0, 0, 0)
        self.unassigned_label = QLabel("<b>Not planned</b>")
        unassigned_layout.addWidget(self.unassigned_label)
        unassigned_layout.addWidget(self.unassigned_view)
        middle.addWidget(routes_box)
        middle.addWidget(unassigned_box)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 1)

        self.map_view = PlanMapView(
            tile_url=context.program.tile_url or None,
            tile_attribution=context.program.tile_attribution,
        )
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.map_view)
        self.splitter.setSizes([290, 690, 386])  # at 1366 px: every column of the routes fits
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)

    # --- what the page shows --------------------------------------------------------------------
    def show_crews(self, crews: Sequence[CrewInfo], zone: tzinfo) -> None:
        if not crews:
            self.crew_summary.setText("<i>Nobody is on shift: use Crews… to add people.</i>")
            return
        self.crew_summary.setText(
            "<br>".join(
                f"<b>{c.name}</b>: {c.member_names} · {c.starts_at.astimezone(zone):%H:%M}–"
                f"{c.ends_at.astimezone(zone):%H:%M} · {c.base_name}"
                for c in crews
            )
        )

    def show_versions(self, versions: Sequence[PlanVersionInfo], zone: tzinfo) -> None:
        combo = self.versions_combo
        combo.clear()
        combo.addItem("Unsaved plan" if versions else "No saved versions", None)
        for v in versions:  # the count first: a narrow combo elides the end, never "20 s"
            combo.addItem(
                f"v{v.version_no} · {v.served} stops · "
                f"{v.created_at.astimezone(zone):%d %b %H:%M} · {v.created_by}",
                v.plan_id,
            )
            combo.setItemData(
                combo.count() - 1,
                f"Version {v.version_no}: {v.served} stops, {v.unassigned} not planned; "
                f"saved by {v.created_by} on {v.created_at.astimezone(zone):%a %d %b %H:%M}",
                Qt.ItemDataRole.ToolTipRole,
            )

    def enable(self, *, solving: bool, has_plan: bool, dirty: bool) -> None:
        """While solving only Cancel works; Re-plan needs a plan, Save an unsaved one."""
        for widget in (
            self.plan_button,
            self.date_edit,
            self.crews_button,
            self.time_limit,
            self.candidate_view,
            self.select_urgent,
            self.select_none,
            self.versions_combo,
        ):
            widget.setEnabled(not solving)
        self.replan_button.setEnabled(not solving and has_plan)
        self.save_button.setEnabled(not solving and has_plan and dirty)
        unsaved = has_plan and dirty
        self.save_button.setText("&Save version *" if unsaved else "&Save version")
        self.save_button.setToolTip(
            "Unsaved changes: store them as a new version (Ctrl+S)"
            if unsaved
            else "Nothing unsaved"
        )
        self.cancel_button.setEnabled(solving)
        self.route_view.setEnabled(not solving)
