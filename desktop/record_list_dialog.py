"""The editing dialogs' common shape: a list of records on the left, a form for the selected one
(or a new one) on the right, **Save** (checked, off the UI thread), **Revert** (drop unsaved
changes), **Undo last save** (put back the values before the last save made here) and the
problems with the form shown as it is typed. Subclasses say how a record is read, shown, checked
and written; the database work runs in the dialog's TaskRunner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.form_rows import button_row
from desktop.tasks import ProgressFn, TaskRunner

Record = TypeVar("Record")  # what the list shows, with its id and version (e.g. ProgramInfo)
Entry = TypeVar("Entry")  # what the form edits (e.g. ProgramDraft)


@dataclass(frozen=True, slots=True)
class _Saved(Generic[Entry]):
    record_id: int
    before: Entry | None  # None: it was new


class RecordListDialog(QDialog, Generic[Record, Entry]):
    loaded = Signal()
    saved = Signal(int)

    def __init__(
        self, context: AppContext, title: str, new_label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.records: list[Record] = []
        self.current: Record | None = None  # None with the form in use: a new record
        self.history: list[_Saved[Entry]] = []
        self.setWindowTitle(title)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.new_button = QPushButton(new_label)
        self.new_button.clicked.connect(self.new_record)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b71c1c")
        self.status_label = QLabel(f"Loading the {title.lower()}…")
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.revert_button = QPushButton("Re&vert")
        self.undo_button = QPushButton("&Undo last save")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.show_current)
        self.undo_button.clicked.connect(self.undo)

    def finish_layout(
        self, form: QFormLayout, changes: Iterable[Any], width: int, height: int
    ) -> None:
        """Lay the dialog out around the subclass's `form`, re-check the form on each of the
        `changes` signals, and read the records."""
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.problems_label)
        right.addStretch(1)
        right.addLayout(button_row(self.save_button, self.revert_button, self.undo_button))
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(close)
        for signal in changes:
            signal.connect(self.on_form_changed)
        self.resize(width, height)
        self.reload()

    # --- what a subclass says ------------------------------------------------------------------
    def fetch(self) -> list[Record]:
        """Every record, in list order (runs in a worker: no widgets here)."""
        raise NotImplementedError

    def record_id(self, record: Record) -> int:
        raise NotImplementedError

    def record_label(self, record: Record) -> str:
        raise NotImplementedError

    def entry_of(self, record: Record) -> Entry:
        raise NotImplementedError

    def fill(self, entry: Entry | None, record: Record | None) -> None:
        """Show `entry` of `record` in the form; (None, None): a blank form for a new one."""
        raise NotImplementedError

    def form_problems(self) -> list[str]:
        """What is wrong with the form as it stands (empty: it can be saved)."""
        raise NotImplementedError

    def form_entry(self) -> Entry:
        """The form's values (called only when `form_problems` is empty)."""
        raise NotImplementedError

    def add(self, entry: Entry) -> int:
        """Write a new record; its id (runs in a worker)."""
        raise NotImplementedError

    def write(self, record: Record, entry: Entry) -> None:
        """Change `record` (as read, with its version) to `entry` (runs in a worker)."""
        raise NotImplementedError

    def empty_text(self) -> str:
        return "None yet."

    def count_text(self, count: int) -> str:
        return f"{count} {self.windowTitle().lower()}."

    # --- reading -------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None, message: str = "") -> None:
        """Read the records again, select `select_id`, then show `message` (or the count)."""

        def load(_p: ProgressFn, _c: object) -> list[Record]:
            return self.fetch()

        self.tasks.run(
            load, lambda r: self._on_loaded(r, select_id, message), on_failed=self._on_failed
        )

    def _on_loaded(self, records: list[Record], select_id: int | None, message: str) -> None:
        keep = select_id
        if keep is None and self.current is not None:
            keep = self.record_id(self.current)
        self.records = records
        self.list.blockSignals(True)
        self.list.clear()
        for record in records:
            item = QListWidgetItem(self.record_label(record))
            item.setData(Qt.ItemDataRole.UserRole, self.record_id(record))
            self.list.addItem(item)
        self.list.blockSignals(False)
        # Wide enough for the longest name (up to a point), so no name is cut off.
        fit = self.list.sizeHintForColumn(0) + 2 * self.list.frameWidth() + 24
        self.list.setMinimumWidth(min(max(fit, 160), 340))
        if records:
            row = next((i for i, r in enumerate(records) if self.record_id(r) == keep), 0)
            self.list.setCurrentRow(row)
            self._on_list_current_row_changed(row)
            self.status_label.setText(message or self.count_text(len(records)))
        else:
            self.new_record()
            self.status_label.setText(message or self.empty_text())
        self.update_buttons()
        self.loaded.emit()

    def _on_list_current_row_changed(self, row: int) -> None:
        self.current = self.records[row] if 0 <= row < len(self.records) else None
        self.show_current()

    def new_record(self) -> None:
        self.list.clearSelection()
        self.current = None
        self.fill(None, None)
        self.on_form_changed()

    def show_current(self) -> None:
        if self.current is None:
            self.new_record()
            return
        self.fill(self.entry_of(self.current), self.current)
        self.on_form_changed()

    # --- the form ------------------------------------------------------------------------------
    def on_form_changed(self) -> None:
        self.problems_label.setText("\n".join(self.form_problems()))
        self.update_buttons()

    def update_buttons(self) -> None:
        self.save_button.setEnabled(not self.form_problems() and not self.tasks.busy)
        self.undo_button.setEnabled(bool(self.history) and not self.tasks.busy)

    # --- writing -------------------------------------------------------------------------------
    def save(self) -> None:
        if self.form_problems():
            return
        entry, current = self.form_entry(), self.current

        def work(_p: ProgressFn, _c: object) -> _Saved[Entry]:
            if current is None:
                return _Saved(self.add(entry), None)
            self.write(current, entry)
            return _Saved(self.record_id(current), self.entry_of(current))

        self.tasks.run(work, self._on_saved, on_failed=self._on_failed)

    def _on_saved(self, saved: _Saved[Entry]) -> None:
        if saved.before is not None:
            self.history.append(saved)
        self.saved.emit(saved.record_id)
        self.reload(saved.record_id, "Saved.")

    def undo(self) -> None:
        if not self.history:
            return
        step = self.history.pop()
        before = step.before
        assert before is not None

        def work(_p: ProgressFn, _c: object) -> int:
            now = next(r for r in self.fetch() if self.record_id(r) == step.record_id)
            self.write(now, before)
            return step.record_id

        self.tasks.run(
            work,
            lambda record_id: self.reload(record_id, "Last save undone."),
            on_failed=self._on_failed,
        )

    def _on_failed(self, exc: BaseException) -> None:
        show_error(self, exc, title=self.windowTitle())
        self.reload()
