"""The "Audit log" window (supervisors and administrators): filter by user, client, date range
and action; a table loaded page by page off the UI thread; before/after values of the selected
entry in a detail area; Export CSV… of every match.

Keyboard: Enter in any filter searches, Ctrl+F goes to the client filter, arrow keys move
through the entries (the detail follows), Ctrl+Shift+E exports, Esc closes.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseload.audit_view import (
    DEFAULT_PAGE,
    AuditFilter,
    AuditPage,
    audit_actions,
    audit_entries,
    audit_users,
    export_audit_csv,
)
from desktop.audit.model import WIDTHS, AuditTableModel, change_lines
from desktop.tasks import ProgressFn, TaskRunner

if TYPE_CHECKING:
    from desktop.context import AppContext

_EVERYONE = "Everyone"
_ALL_ACTIONS = "All actions"


class AuditLogWindow(QDialog):
    """A non-modal window over the open database's audit log."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Audit log")
        self.setModal(False)
        self.resize(1200, 720)
        self.tasks = TaskRunner(self)
        self._filters = AuditFilter()
        self._upto_seq: int | None = None
        self._search_no = 0  # answers to an older search are dropped
        self.exported: tuple[str, int] | None = None  # the last export (path, rows)

        self.user_box = _combo(_EVERYONE)
        self.client_edit = QLineEdit()
        self.client_edit.setPlaceholderText("client id, external id or part of a name")
        self.client_edit.setClearButtonEnabled(True)
        self.client_edit.setMinimumWidth(360)
        self.action_box = _combo(_ALL_ACTIONS)
        self.from_check, self.from_date = _optional_date("From")
        self.to_check, self.to_date = _optional_date("To")
        self.search_button = QPushButton("&Search")
        self.search_button.setDefault(True)
        self.export_button = QPushButton("&Export CSV…")
        self.count_label = QLabel()

        form = QFormLayout()
        form.addRow("&User:", self.user_box)
        form.addRow("C&lient:", self.client_edit)
        form.addRow("&Action:", self.action_box)
        dates = QHBoxLayout()
        for widget in (self.from_check, self.from_date, self.to_check, self.to_date):
            dates.addWidget(widget)
        dates.addStretch(1)
        form.addRow("Dates:", dates)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)

        self.model = AuditTableModel(context.program.zone, self)
        self.model.load_more = self._load_more
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Audit entries")

        self.detail_title = QLabel("Select an entry to see what changed.")
        self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_title.setWordWrap(True)
        self.changes = QTableWidget(0, 3)
        self.changes.setHorizontalHeaderLabels(["Field", "Before", "After"])
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.verticalHeader().setVisible(False)
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.changes.setWordWrap(True)
        self.changes.setAccessibleName("Before and after values")
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.changes)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setSizes([460, 220])

        top = QHBoxLayout()  # the filters keep a readable width on a wide window
        top.addLayout(form)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)

        self.search_button.clicked.connect(self.search)
        self.export_button.clicked.connect(self.export_csv)
        self.client_edit.returnPressed.connect(self.search)
        for box in (self.user_box, self.action_box):
            line = box.lineEdit()
            if line is not None:
                line.returnPressed.connect(self.search)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, self.client_edit.setFocus)
        QShortcut(QKeySequence("Ctrl+Shift+E"), self, self.export_csv)
        self.user_box.setFocus()
        self._load_choices()
        self.search()

    # --- filters ---------------------------------------------------------------------------
    def current_filters(self) -> AuditFilter:
        client = self.client_edit.text().strip()
        user = self.user_box.currentText().strip()
        action = self.action_box.currentText().strip()
        return AuditFilter(
            user="" if user == _EVERYONE else user,
            client_id=int(client) if client.isdigit() else None,
            client_search="" if client.isdigit() else client,
            start=_day(self.from_date) if self.from_check.isChecked() else None,
            end=_day(self.to_date) if self.to_check.isChecked() else None,
            action="" if action == _ALL_ACTIONS else action,
        )

    def _load_choices(self) -> None:
        db, actor = self.context.db, self.context.actor

        def load(_p: ProgressFn, _c: object) -> tuple[list[str], list[str]]:
            return audit_users(db, actor), audit_actions(db, actor)

        def done(result: tuple[list[str], list[str]]) -> None:
            users, actions = result
            _fill(self.user_box, _EVERYONE, users)
            families = sorted({a.split(".")[0] + "." for a in actions if "." in a})
            _fill(self.action_box, _ALL_ACTIONS, [*families, *actions])

        self.tasks.run(load, done)

    # --- search and paging -----------------------------------------------------------------
    def search(self) -> None:
        """A new search with the filters as shown (first page off the UI thread)."""
        self._filters = self.current_filters()
        self._search_no += 1
        number, filters = self._search_no, self._filters
        db, actor = self.context.db, self.context.actor
        self.count_label.setText("Searching…")
        self.model.clear()
        self._show_detail(None)

        def load(_p: ProgressFn, _c: object) -> AuditPage:
            return audit_entries(db, actor, filters, limit=DEFAULT_PAGE)

        def done(page: AuditPage) -> None:
            if number != self._search_no:
                return
            self._upto_seq = page.upto_seq
            self.model.set_page(page)
            self._update_count()
            if page.rows:
                self.table.selectRow(0)

        self.tasks.run(load, done, on_failed=self._on_failed)

    def _load_more(self, offset: int) -> None:
        number, filters, upto = self._search_no, self._filters, self._upto_seq
        db, actor = self.context.db, self.context.actor

        def load(_p: ProgressFn, _c: object) -> AuditPage:
            return audit_entries(
                db, actor, filters, limit=DEFAULT_PAGE, offset=offset, upto_seq=upto
            )

        def done(page: AuditPage) -> None:
            if number == self._search_no:
                self.model.add_page(page)
                self._update_count()

        def failed(exc: BaseException) -> None:
            self.model.load_failed()
            self._on_failed(exc)

        self.tasks.run(load, done, on_failed=failed)

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count_label.setText(
            f"{total} entr{'y' if total == 1 else 'ies'}"
            + (f" ({shown} loaded; scroll for more)" if shown < total else "")
        )

    def _on_failed(self, exc: BaseException) -> None:
        from desktop.error_dialog import show_error

        self.count_label.setText("")
        show_error(self, exc)

    # --- detail ----------------------------------------------------------------------------
    def _on_table_selection_changed(self, selected: QItemSelection, _old: Any) -> None:
        rows = {index.row() for index in selected.indexes()}
        self._show_detail(min(rows) if rows else None)

    def _show_detail(self, row: int | None) -> None:
        self.changes.setRowCount(0)
        if row is None or row >= self.model.rowCount():
            self.detail_title.setText("Select an entry to see what changed.")
            return
        entry = self.model.row_at(row)
        lines = change_lines(entry)
        when = self.model.cell(entry, 0)
        self.detail_title.setText(
            f"{when} · {entry.user} on {entry.machine or 'unknown machine'} · {entry.action} "
            f"· {entry.entity} {entry.entity_id}"
            + (f"\n{entry.details}" if entry.details else "")
            + ("" if lines else "\nNo values recorded (a view, print or export).")
        )
        self.changes.setRowCount(len(lines))
        for i, (field, before, after) in enumerate(lines):
            for column, text in enumerate((field, before, after)):
                self.changes.setItem(i, column, QTableWidgetItem(text))
        self.changes.resizeRowsToContents()

    # --- export ----------------------------------------------------------------------------
    def export_csv(self) -> None:
        """Export CSV…: every entry matching the filters as shown (not only those loaded)."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export audit log", "audit-log.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        from pathlib import Path

        filters = self.current_filters()
        db, actor = self.context.db, self.context.actor
        self.export_button.setEnabled(False)
        self.count_label.setText("Exporting…")

        def export(_p: ProgressFn, _c: object) -> int:
            return export_audit_csv(db, actor, Path(path), filters)

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            self._update_count()
            self.exported = (path, count)
            QMessageBox.information(
                self, "Audit log exported", f"{count} entries written to {path} (private file)."
            )

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            self._on_failed(exc)

        self.tasks.run(export, done, on_failed=failed)

    def closeEvent(self, event: Any) -> None:
        self.tasks.cancel_all()
        super().closeEvent(event)


def _combo(first: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItem(first)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.setMinimumWidth(360)
    return box


def _fill(box: QComboBox, first: str, items: list[str]) -> None:
    text = box.currentText()
    box.blockSignals(True)
    box.clear()
    box.addItem(first)
    box.addItems(items)
    box.setCurrentText(text)
    box.blockSignals(False)


def _optional_date(label: str) -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox(label)
    edit = QDateEdit(QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())
