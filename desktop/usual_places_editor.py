"""Where an unsheltered client is usually found: the shared places linked to them, with the
times of day they are there ("morning, evening", "07:00-11:00") and which one is primary. Link
a shared place (or change its times), remove one, and undo the last change (Ctrl+Z while the
list has focus). Shown under the client's Location tab; database work runs off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseload.places.hours import TIMES_EXPECTED, HoursError, parse_times_of_day
from caseload.places.service import SharedPlaceInfo, list_shared_places
from caseload.places.usual import UsualPlace, link_usual_place, unlink_usual_place, usual_places
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.tasks import ProgressFn, TaskRunner


@dataclass(frozen=True, slots=True)
class _Loaded:
    client_id: int
    usual: list[UsualPlace]
    shared: list[SharedPlaceInfo]


@dataclass(frozen=True, slots=True)
class _Change:
    """One change made here, with what undoes it."""

    client_id: int
    shared_place_id: int
    before: UsualPlace | None  # None: the place was not linked before


def usual_text(place: UsualPlace) -> str:
    times = place.times_of_day or "any time"
    return f"{place.name} — {times}" + (" (primary)" if place.is_primary else "")


class UsualPlacesEditor(QWidget):
    changed = Signal(int)  # client id, after a change or its undo is saved
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.client_id: int | None = None
        self.usual: list[UsualPlace] = []
        self.history: list[_Change] = []
        self._no_places = False
        self.title = QLabel("<b>Usual places</b> (shelters, camps, day centres)")
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.place = QComboBox()
        self.place.setToolTip("Shared places are added under Locations to check ▸ Shared places…")
        self.times = QLineEdit()
        self.times.setPlaceholderText("times of day, e.g. morning, evening (empty: any)")
        self.times.setToolTip(f"When the client is usually there: {TIMES_EXPECTED}")
        self.times.returnPressed.connect(self.link)
        self.primary = QCheckBox("Primary")
        self.link_button = QPushButton("&Link place")
        self.remove_button = QPushButton("Remo&ve")
        self.undo_button = QPushButton("Undo")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b71c1c")
        self.link_button.clicked.connect(self.link)
        self.remove_button.clicked.connect(self.remove_selected)
        self.undo_button.clicked.connect(self.undo)
        self.times.textChanged.connect(self._update_buttons)
        self.place.currentIndexChanged.connect(self._update_buttons)
        undo_shortcut = QShortcut(QKeySequence.StandardKey.Undo, self.list)
        undo_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        undo_shortcut.activated.connect(self.undo)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.place, 0, 0, 1, 2)
        grid.addWidget(self.primary, 0, 2)
        grid.addWidget(self.times, 1, 0, 1, 3)
        grid.addWidget(self.link_button, 2, 0)
        grid.addWidget(self.remove_button, 2, 1)
        grid.addWidget(self.undo_button, 2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        layout.addLayout(grid)
        layout.addWidget(self.problem)
        self._update_buttons()

    # --- reading -------------------------------------------------------------------------------
    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        if client_id is None:
            self.usual = []
            self.list.clear()
            self._update_buttons()
            return
        self._reload()

    def _reload(self) -> None:
        client_id, ctx = self.client_id, self.context
        if client_id is None:
            return

        def load(_p: ProgressFn, _c: object) -> _Loaded:
            on = ctx.today()
            return _Loaded(
                client_id,
                usual_places(ctx.db, ctx.actor, client_id, on),
                list_shared_places(ctx.db, ctx.actor),
            )

        self.tasks.run(load, self._on_loaded, on_failed=self._on_failed)

    def _on_loaded(self, loaded: _Loaded) -> None:
        if loaded.client_id != self.client_id:
            return  # another client was chosen meanwhile
        self.usual = loaded.usual
        chosen = self.place.currentData()
        self.place.blockSignals(True)
        self.place.clear()
        for shared in loaded.shared:
            self.place.addItem(shared.name, shared.id)
        if chosen is not None and (index := self.place.findData(chosen)) >= 0:
            self.place.setCurrentIndex(index)
        self.place.blockSignals(False)
        self.list.clear()
        for usual in self.usual:
            item = QListWidgetItem(usual_text(usual))
            item.setData(Qt.ItemDataRole.UserRole, usual.shared_place_id)
            self.list.addItem(item)
        self._no_places = not loaded.shared
        self._update_buttons()
        self.loaded.emit()

    def _on_list_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.usual):
            usual = self.usual[row]
            self.place.setCurrentIndex(max(0, self.place.findData(usual.shared_place_id)))
            self.times.setText(usual.times_of_day)
            self.primary.setChecked(usual.is_primary)
        self._update_buttons()

    def _times_problem(self) -> str:
        try:
            parse_times_of_day(self.times.text())
        except HoursError as error:
            return str(error)
        return ""

    def _update_buttons(self) -> None:
        idle = not self.tasks.busy and self.client_id is not None
        problem = self._times_problem()
        self.problem.setText(
            f"Times of day {problem}"
            if problem
            else "No shared places yet: add them under Locations to check ▸ Shared places…"
            if self._no_places
            else ""
        )
        self.link_button.setEnabled(idle and self.place.count() > 0 and not problem)
        self.remove_button.setEnabled(idle and self.list.currentRow() >= 0)
        self.undo_button.setEnabled(idle and bool(self.history))

    # --- writing -------------------------------------------------------------------------------
    def link(self) -> None:
        client_id, shared_id = self.client_id, self.place.currentData()
        if client_id is None or not isinstance(shared_id, int) or self._times_problem():
            return
        times, primary = self.times.text().strip(), self.primary.isChecked()
        before = next((u for u in self.usual if u.shared_place_id == shared_id), None)
        ctx = self.context
        self._run(
            client_id,
            lambda: link_usual_place(
                ctx.db, ctx.actor, client_id, shared_id, times, primary=primary
            ),
            _Change(client_id, shared_id, before),
        )

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if self.client_id is None or not 0 <= row < len(self.usual):
            return
        client_id, usual, ctx = self.client_id, self.usual[row], self.context
        self._run(
            client_id,
            lambda: unlink_usual_place(ctx.db, ctx.actor, client_id, usual.shared_place_id),
            _Change(client_id, usual.shared_place_id, usual),
        )

    def undo(self) -> None:
        if not self.history or self.tasks.busy:
            return
        step, ctx = self.history.pop(), self.context
        before = step.before

        def put_back() -> None:
            if before is None:
                unlink_usual_place(ctx.db, ctx.actor, step.client_id, step.shared_place_id)
            else:
                link_usual_place(
                    ctx.db,
                    ctx.actor,
                    step.client_id,
                    step.shared_place_id,
                    before.times_of_day,
                    primary=before.is_primary,
                )

        self._run(step.client_id, put_back, None)

    def _run(self, client_id: int, change: Callable[[], None], record: _Change | None) -> None:
        def work(_p: ProgressFn, _c: object) -> int:
            change()
            return client_id

        def done(client_id: int) -> None:
            if record is not None:
                self.history.append(record)
            self.changed.emit(client_id)
            self._reload()

        self.tasks.run(work, done, on_failed=self._on_failed)
        self._update_buttons()

    def _on_failed(self, exc: BaseException) -> None:
        show_error(self, exc, title="Usual places")
        self._reload()
