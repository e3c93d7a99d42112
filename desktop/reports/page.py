"""The Reports page: pick a month, quarter or 12 months (and a program), see every measure with
its definition, the before/after chart and the month-by-month trend. The report is computed in
a worker (TaskRunner); the page shows unsuppressed numbers (it is for the program's own staff)
unless "Small numbers as <11" is ticked, as in the files for sharing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseload.programs import list_programs
from caseload.reports.drilldown import DrillRow, clients_behind
from caseload.reports.measure import Measure, format_value, shown
from caseload.reports.periods import ReportPeriod, recent_months, recent_quarters, recent_years
from caseload.reports.service import Report, build_report
from desktop.context import AppContext
from desktop.reports.save import write_report_files
from desktop.reports.summary_pdf import chart_image, trend_image
from desktop.tasks import ProgressFn, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("Group", "Measure", "Value", "Definition")


class MeasuresTableModel(QAbstractTableModel):
    """The report's measures, one per row, replaced wholesale."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Measure] = []
        self._suppress_below = 0

    def set_measures(self, measures: list[Measure], suppress_below: int) -> None:
        self.beginResetModel()
        self._rows, self._suppress_below = measures, suppress_below
        self.endResetModel()

    def measure_at(self, row: int) -> Measure:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        m = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = shown(m, self._suppress_below) if self._suppress_below else format_value(m)
            return (m.group.value, m.label, value, m.definition)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.definition} {m.note}".strip()
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ReportsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.report: Report | None = None
        self.kind = QComboBox()
        self.kind.addItems(["Month", "Quarter", "12 months"])
        self.period = QComboBox()
        self.program = QComboBox()
        self.program.addItem("All programs", None)
        self.suppress = QCheckBox("Small numbers as <11")
        self.save = QPushButton("&Save report…")
        self.save.setToolTip(
            "Write the summary PDF, the measures CSV and the de-identified clients CSV (as "
            "`rounds report` does) into a folder"
        )
        self.save.setEnabled(False)
        self.save.clicked.connect(self._on_save_clicked)
        # Its own runner: picking another period cancels the report being worked out, not a save.
        self.save_tasks = TaskRunner(self)
        self.status = QLabel()
        self.model = MeasuresTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.setToolTip("Double-click a measure to see the clients behind it")
        self.drilldown: QDialog | None = None
        self.saved: list[Path] = []  # the files the last save wrote
        self._drill_label = ""
        self.chart = QLabel()
        self.chart.setMinimumHeight(200)
        self.chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.trend = QLabel()
        self.trend.setMinimumHeight(200)
        self.trend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.trend.setToolTip("Month by month (pick 12 months to see a year)")

        bar = QHBoxLayout()
        for text, widget in (
            ("&Period:", self.kind),
            ("", self.period),
            ("P&rogram:", self.program),
        ):
            if text:
                label = QLabel(text)
                label.setBuddy(widget)
                bar.addWidget(label)
            bar.addWidget(widget)
        bar.addWidget(self.suppress)
        bar.addWidget(self.save)
        bar.addStretch(1)
        bar.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        charts = QHBoxLayout()  # side by side: the table keeps its height at 1366x768
        charts.addWidget(self.chart, 1)
        charts.addWidget(self.trend, 1)
        layout.addLayout(charts)
        layout.addWidget(self.table, 1)

        self._fill_periods()
        self.kind.currentIndexChanged.connect(self._on_kind_current_index_changed)
        self.period.currentIndexChanged.connect(self._on_choice_changed)
        self.program.currentIndexChanged.connect(self._on_choice_changed)
        self.suppress.toggled.connect(self._on_suppress_toggled)
        self._loaded = False
        self._asked = 0  # reports asked for so far; the newest one is shown

    def showEvent(self, event: QShowEvent) -> None:
        """Nothing is computed until the page is first shown (start-up stays quick)."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            db = self.context.db
            self.tasks.run(lambda _p, _c: list_programs(db), self._on_programs_loaded)

    def _fill_periods(self) -> None:
        today = self.context.today()
        pick = (recent_months, recent_quarters, recent_years)[self.kind.currentIndex()]
        periods = pick(today)
        self.period.blockSignals(True)
        self.period.clear()
        for p in periods:
            self.period.addItem(p.label, p)
        # Default: the last complete month/quarter (the current one is only partly over).
        self.period.setCurrentIndex(1 if len(periods) > 1 else 0)
        self.period.blockSignals(False)

    def _on_programs_loaded(self, programs: list[Any]) -> None:
        self.program.blockSignals(True)
        for p in programs:
            self.program.addItem(p.name, p.code)
        self.program.blockSignals(False)
        self.refresh()

    def _on_kind_current_index_changed(self, _index: int) -> None:
        self._fill_periods()
        self.refresh()

    def _on_choice_changed(self, _index: int) -> None:
        self.refresh()

    def _on_suppress_toggled(self, _checked: bool) -> None:
        self._show()

    def refresh(self) -> None:
        period: ReportPeriod | None = self.period.currentData()
        if period is None:
            return
        self.tasks.cancel_all()
        program: str | None = self.program.currentData()
        ctx = self.context
        self.status.setText(f"Working out {period.label}…")
        self.save.setEnabled(False)  # the files would not match the choices until it is done

        def build(_p: ProgressFn, _c: object) -> Report:
            return build_report(ctx.db, period.start, period.end, ctx.actor, program=program)

        # A report for earlier choices may finish after this one: only the latest is shown.
        self._asked += 1
        asked = self._asked
        self.tasks.run(build, lambda report: self._on_report_built(report, asked))

    def _on_report_built(self, report: Report, asked: int) -> None:
        if asked != self._asked:
            return  # superseded by a later choice
        self.report = report
        p = report.period
        self.status.setText(f"{report.scope}, {p.start:%d %b %Y} to {p.end:%d %b %Y}")
        self.save.setEnabled(True)
        self._show()

    # --- saving the files -----------------------------------------------------------------------
    def _on_save_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the report's files into…")
        if folder:
            self.save_report(Path(folder))

    def save_report(self, folder: Path) -> None:
        """Write the shown report's three files into `folder` in a worker."""
        report = self.report
        if report is None:
            return
        program = self.context.program
        self.status.setText(f"Saving the report into {folder}…")

        def write(_p: ProgressFn, _c: object) -> list[Path]:
            return write_report_files(
                report, folder, program_name=program.program_name, paper_size=program.paper_size
            )

        self.save_tasks.run(write, self._on_report_saved)

    def _on_report_saved(self, paths: list[Path]) -> None:
        self.saved = paths
        folder = paths[0].parent if paths else ""
        self.status.setText(f"Saved {len(paths)} files (readable by you only) into {folder}")

    def _show(self) -> None:
        if self.report is None:
            return
        below = self.report.suppress_below if self.suppress.isChecked() else 0
        self.model.set_measures(list(self.report.measures), below)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        width = max(450, self.chart.width())
        self.chart.setPixmap(QPixmap.fromImage(chart_image(self.report, width, 200)))
        trend = trend_image(self.report, max(450, self.trend.width()), 200, suppress=bool(below))
        self.trend.setPixmap(QPixmap.fromImage(trend))

    # --- drill-down ---------------------------------------------------------------------------
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.open_drilldown(index.row())

    def open_drilldown(self, row: int) -> None:
        """The clients behind the measure on `row` (read and audited in a worker)."""
        measure = self.model.measure_at(row)
        if not measure.clients:
            self.status.setText(f"No client list behind “{measure.label}”.")
            return
        ctx = self.context
        label = measure.label

        def read(_p: ProgressFn, _c: object) -> list[DrillRow]:
            return clients_behind(ctx.db, ctx.actor, measure.clients, label)

        self._drill_label = label
        self.tasks.run(read, self._on_drilldown_read)  # a bound slot: runs on the UI thread

    def _on_drilldown_read(self, rows: list[DrillRow]) -> None:
        label = self._drill_label
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Clients behind: {label}")
        listing = QListWidget(dialog)
        for r in rows:
            listing.addItem(f"{r.name} ({r.external_id}){'' if r.active else ' — discharged'}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(f"{len(rows)} clients. This look is recorded in the audit log."))
        layout.addWidget(listing)
        layout.addWidget(buttons)
        dialog.resize(420, 480)
        self.drilldown = dialog
        dialog.open()
