"""The caseload: every active client ranked for a day, filterable, with a detail panel."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseload.clients import (
    ClientDetail,
    ClientEdit,
    ClientRow,
    add_visit,
    client_detail,
    list_client_rows,
    update_client,
)
from caseload.enums import HousingStatus, ProgramCode, Tier
from desktop.caseload_model import (
    COLUMNS,
    PROGRAM_LABELS,
    ROW_ROLE,
    UNASSIGNED,
    CaseloadFilterProxy,
    CaseloadTableModel,
    language_name,
)
from desktop.client_detail import AddVisitDialog, ClientDetailPanel
from desktop.client_lifecycle import LifecycleController
from desktop.context import AppContext
from desktop.location_editor import ClientLocationEditor
from desktop.tasks import ProgressFn, TaskRunner
from desktop.usual_places_editor import UsualPlacesEditor

ALL = "All"


class CaseloadPage(QWidget):
    """Table of clients (tier, score, reasons, flags...) with filters and a detail panel."""

    rows_loaded = Signal(int)
    detail_loaded = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.day = context.today()
        self.model = CaseloadTableModel(parent=self)
        self.model.zone = context.program.zone
        self.proxy = CaseloadFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.tasks = TaskRunner(self)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a client: name, id or reason (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.tier = self._combo([ALL, *[t.value for t in Tier]], "Tier")
        self.program = self._combo([ALL], "Program")
        for code in ProgramCode:  # the names the table shows; the code is the item's data
            label = PROGRAM_LABELS.get(code.value, code.value.replace("_", " ").capitalize())
            self.program.addItem(label, code.value)
        self.clinician = self._combo([ALL], "Assigned clinician")
        self.housing = self._combo([ALL, *[h.value for h in HousingStatus]], "Housing status")
        self.language = self._combo([ALL], "The client's language")
        self.count_label = QLabel("Ranking the caseload…")  # until the rows arrive

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for label, combo in (
            ("&Tier", self.tier),
            ("&Program", self.program),
            ("C&linician", self.clinician),
            ("&Housing", self.housing),
            ("Lan&guage", self.language),
        ):
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo, 1)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # elide long reasons at the cell's edge, one line per row
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            header.resizeSection(i, column.width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        self.detail = ClientDetailPanel(zone=context.program.zone)
        # Where the client is found, and setting it (issue 15): a tab of the detail panel.
        self.location_editor = ClientLocationEditor(context)
        # ... and, for unsheltered clients, the shared places where they are usually found.
        self.usual_places = UsualPlacesEditor(context)
        location_tab = QWidget()
        location_layout = QVBoxLayout(location_tab)
        location_layout.setContentsMargins(0, 0, 0, 0)
        location_layout.addWidget(self.location_editor)
        location_layout.addWidget(self.usual_places)
        location_layout.addStretch(1)
        self.detail.tabs.addTab(location_tab, "Locat&ion")
        self.location_editor.location_changed.connect(self._load_detail)
        self.usual_places.changed.connect(self._load_detail)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.count_label)  # the day it is ranked for, how many MUST/HIGH
        left_layout.addWidget(self.table)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 340])  # at 1366 px: every column fits, the detail is readable
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(120)
        self._filter_timer.timeout.connect(self._apply_filters)
        self.search.textChanged.connect(self._filter_timer.start)
        for combo in (self.tier, self.program, self.clinician, self.housing, self.language):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.detail.form.save_requested.connect(self._on_form_save_requested)
        self.detail.add_visit_button.clicked.connect(self._on_add_visit_clicked)
        self.lifecycle = LifecycleController(self, self.detail.lifecycle)

    @staticmethod
    def _combo(items: list[str], tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(items)
        combo.setToolTip(tooltip)
        return combo

    def refresh(self, day: date | None = None) -> None:
        """Reload the caseload for `day` (default: the current one) in the background."""
        if day is not None:
            self.day = day
        ctx, on = self.context, self.day

        def load(_p: ProgressFn, _c: object) -> list[ClientRow]:
            return list_client_rows(ctx.db, on, ctx.actor)

        self.tasks.run(load, self._on_rows_loaded)

    def _on_rows_loaded(self, rows: list[ClientRow]) -> None:
        selected = self.detail.detail.client_id if self.detail.detail else None
        self.model.set_rows(rows, today=self.day)
        names = sorted({r.clinician for r in rows if r.clinician})
        current = self.clinician.currentText()
        self.clinician.blockSignals(True)
        self.clinician.clear()
        self.clinician.addItems([ALL, *names])
        self.clinician.addItem(UNASSIGNED.capitalize(), "")  # clients nobody carries
        self.clinician.setCurrentText(current if current in names else ALL)
        self.clinician.blockSignals(False)
        codes = sorted({c for r in rows for c in r.languages}, key=language_name)
        current_language = self.language.currentData()
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItem(ALL, None)
        for code in codes:
            self.language.addItem(language_name(code), code)
        found = self.language.findData(current_language)
        self.language.setCurrentIndex(max(found, 0))
        self.language.blockSignals(False)
        self._apply_filters()
        if selected is not None:
            self.select_client(selected)
        self.rows_loaded.emit(len(rows))

    def _apply_filters(self) -> None:
        def pick(combo: QComboBox) -> str | None:
            return None if combo.currentText() == ALL else combo.currentText()

        clinician = self.clinician.currentData()  # "" picks the unassigned
        self.proxy.set_filters(
            text=self.search.text(),
            tier=pick(self.tier),
            program=self.program.currentData() or None,
            clinician=clinician if isinstance(clinician, str) else pick(self.clinician),
            housing=pick(self.housing),
            language=self.language.currentData() or None,
        )
        rows = self.model.rows()
        must = sum(r.tier is Tier.MUST for r in rows)
        high = sum(r.tier is Tier.HIGH for r in rows)
        self.count_label.setText(
            f"{self.proxy.rowCount()} of {len(rows)} clients · ranked for "
            f"{self.day:%a %d %b} · {must} MUST, {high} HIGH"
        )

    def select_client(self, client_id: int) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            item = index.data(ROW_ROLE)
            if isinstance(item, ClientRow) and item.client_id == client_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return

    def selected_row(self) -> ClientRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        item = indexes[0].data(ROW_ROLE)
        return item if isinstance(item, ClientRow) else None

    def _on_table_selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        row = self.selected_row()
        if row is None:
            self.detail.show_detail(None, self.day)
            self.location_editor.set_client(None)
            self.usual_places.set_client(None)
            return
        self._load_detail(row.client_id)
        self.location_editor.set_client(row.client_id)
        self.usual_places.set_client(row.client_id)

    def _load_detail(self, client_id: int) -> None:
        ctx, on = self.context, self.day

        def load(_p: ProgressFn, _c: object) -> ClientDetail:
            return client_detail(ctx.db, client_id, on, ctx.actor)

        self.tasks.run(load, self._on_detail_loaded)

    def _on_detail_loaded(self, detail: ClientDetail) -> None:
        current = self.selected_row()
        if current is not None and current.client_id != detail.client_id:
            return  # the user moved on meanwhile
        self.detail.show_detail(detail, self.day)
        self.detail_loaded.emit(detail.client_id)

    def _on_form_save_requested(self, edit: ClientEdit) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        ctx = self.context

        def save(_p: ProgressFn, _c: object) -> int:
            return update_client(ctx.db, ctx.actor, detail.client_id, detail.version, edit)

        def saved(_version: int) -> None:
            self.refresh()
            self._load_detail(detail.client_id)

        self.tasks.run(save, saved)

    def _on_add_visit_clicked(self) -> None:
        detail = self.detail.detail
        if detail is None:
            return
        dialog = AddVisitDialog(
            f"{detail.first_name} {detail.last_name}", self.day, self.context.program.zone, self
        )
        if dialog.exec() != AddVisitDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        ctx = self.context

        def save(_p: ProgressFn, _c: object) -> int:
            return add_visit(ctx.db, ctx.actor, detail.client_id, **values)  # type: ignore[arg-type]

        def saved(_visit_id: int) -> None:
            QMessageBox.information(self, "Visit added", "The visit was scheduled.")
            self.refresh()

        self.tasks.run(save, saved)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def index_for_row(self, row: int) -> QModelIndex:
        return self.proxy.index(row, 0)
