"""The Referrals page: the queue (new first, newest first) and triage of the selected referral —
match it to clients on file, merge obvious duplicates, accept into a program, decline with a
reason, count attempts and mark unable to reach, reopen (undo). All database work runs through
the page's TaskRunner; the queue reloads after each action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from caseload.enums import ReferralStatus
from caseload.programs import ProgramInfo, list_programs
from caseload.referrals.intake import list_referrals
from caseload.referrals.matching import ClientMatch, duplicate_clients
from caseload.referrals.merge import MergeResult, merge_clients
from caseload.referrals.model import ReferralRow
from caseload.referrals.triage import (
    DEFAULT_UNREACHABLE_ATTEMPTS,
    accept_referral,
    decline_referral,
    link_referral,
    mark_unable_to_reach,
    matches_for_referral,
    record_attempt,
    reopen_referral,
)
from desktop.context import AppContext
from desktop.referral_summary import referral_html
from desktop.referrals_model import WIDTHS, ReferralTableModel
from desktop.tasks import ProgressFn, TaskRunner

MATCH_ROLE = Qt.ItemDataRole.UserRole + 1


# Dialogs, as module functions so tests can answer them.
def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def ask_reason(parent: QWidget, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


def ask_attempts(parent: QWidget, current: int) -> int | None:
    value, ok = QInputDialog.getInt(
        parent,
        "Unable to reach",
        "Attempts made to reach this person:",
        max(current, DEFAULT_UNREACHABLE_ATTEMPTS),
        1,
        99,
    )
    return value if ok else None


class ReferralsPage(QWidget):
    """Queue on the left; the selected referral, its possible matches and triage on the right."""

    queue_loaded = Signal(int)
    matches_loaded = Signal(int)
    triaged = Signal(str)  # what was done, as the status line says it

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.model = ReferralTableModel(context.program.zone, self)
        self.matches_shown: list[ClientMatch] = []
        self.undo_referral_id: int | None = None

        self.show_closed = QCheckBox("Show &closed referrals")
        self.show_closed.setChecked(True)
        self.refresh_button = QPushButton("&Refresh")
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.show_closed)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        for i, width in enumerate(WIDTHS):
            header.resizeSection(i, width)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)

        self.summary = QTextBrowser()
        self.matches = QListWidget()
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.matches.setToolTip(
            "Clients on file who may be this person. Select one to link or accept into; "
            "select two to merge them."
        )
        matches_label = QLabel("Clients on &file who may be this person:")
        matches_label.setBuddy(self.matches)
        self.program = QComboBox()
        self.program.setToolTip("The program to accept the referral into")
        self.accept_button = QPushButton("&Accept into program… (Ctrl+Enter)")
        self.link_button = QPushButton("&Link to selected client")
        self.merge_button = QPushButton("&Merge the two selected…")
        self.decline_button = QPushButton("&Decline…")
        self.attempt_button = QPushButton("Count an a&ttempt")
        self.unable_button = QPushButton("&Unable to reach…")
        self.reopen_button = QPushButton("Re&open")
        self.undo_button = QPushButton("U&ndo last decline")
        self.duplicates_button = QPushButton("Find duplicate cl&ients")
        self.duplicates_button.setToolTip(
            "List clients on file with the same name and date of birth, to merge them"
        )
        self.status_line = QLabel()
        self.status_line.setWordWrap(True)

        form = QFormLayout()
        program_label = QLabel("&Program")
        program_label.setBuddy(self.program)
        form.addRow(program_label, self.program)
        buttons = QGridLayout()
        for n, button in enumerate(
            (
                self.accept_button,
                self.link_button,
                self.merge_button,
                self.decline_button,
                self.attempt_button,
                self.unable_button,
                self.reopen_button,
                self.undo_button,
                self.duplicates_button,
            )
        ):
            button.setAutoDefault(False)
            buttons.addWidget(button, n // 2, n % 2)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.summary, 2)
        side.addWidget(matches_label)
        side.addWidget(self.matches, 1)
        side.addLayout(form)
        side.addLayout(buttons)
        side.addWidget(self.status_line)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

        QShortcut(QKeySequence("Ctrl+Return"), self, self._on_accept_clicked)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self._on_accept_clicked)
        self.show_closed.toggled.connect(lambda _on: self.refresh())
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.matches.itemSelectionChanged.connect(self._update_buttons)
        self.accept_button.clicked.connect(self._on_accept_clicked)
        self.link_button.clicked.connect(self._on_link_clicked)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        self.decline_button.clicked.connect(self._on_decline_clicked)
        self.attempt_button.clicked.connect(self._on_attempt_clicked)
        self.unable_button.clicked.connect(self._on_unable_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_clicked)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.duplicates_button.clicked.connect(self._on_duplicates_clicked)
        self._show(None)

    # --- loading ----------------------------------------------------------------------------

    def refresh(
        self, select_id: int | None = None, then: Callable[[], object] | None = None
    ) -> None:
        """Reload the queue (keeping or moving to `select_id`); `then` runs once it shows."""
        ctx, closed = self.context, self.show_closed.isChecked()
        keep = select_id if select_id is not None else self._selected_id()

        def load(_p: ProgressFn, _c: object) -> tuple[list[ReferralRow], list[ProgramInfo]]:
            rows = list_referrals(ctx.db, ctx.actor, include_closed=closed)
            return rows, list_programs(ctx.db)

        def loaded(result: tuple[list[ReferralRow], list[ProgramInfo]]) -> None:
            rows, programs = result
            self._fill_programs(programs)
            self.model.set_rows(rows)
            waiting = sum(1 for r in rows if r.status is ReferralStatus.NEW)
            self.count_label.setText(f"{waiting} new · {len(rows)} shown")
            row = self.model.row_of(keep) if keep is not None else None
            self.table.selectRow(row if row is not None else 0)
            if not rows:
                self._show(None)
            self.queue_loaded.emit(len(rows))
            if then is not None:
                then()

        self.tasks.run(load, loaded)

    def _fill_programs(self, programs: list[ProgramInfo]) -> None:
        current = self.program.currentData()
        self.program.clear()
        for p in programs:
            self.program.addItem(p.name, p.code)
        index = self.program.findData(current)
        if index >= 0:
            self.program.setCurrentIndex(index)

    def selected(self) -> ReferralRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selected_id(self) -> int | None:
        row = self.selected()
        return None if row is None else row.referral_id

    def selected_matches(self) -> list[ClientMatch]:
        return [item.data(MATCH_ROLE) for item in self.matches.selectedItems()]

    def _on_table_selection_changed(self, _s: QItemSelection, _d: QItemSelection) -> None:
        self._show(self.selected())

    def _show(self, row: ReferralRow | None) -> None:
        self.matches.clear()
        self.matches_shown = []
        if row is None:
            self.summary.setHtml("<p style='color:#777'>No referral selected.</p>")
            self._update_buttons()
            return
        self.summary.setHtml(referral_html(row, self.model))
        if row.program_code:
            index = self.program.findData(row.program_code)
            if index >= 0:
                self.program.setCurrentIndex(index)
        self._update_buttons()
        db, actor, referral_id = self.context.db, self.context.actor, row.referral_id

        def load(_p: ProgressFn, _c: object) -> list[ClientMatch]:
            return matches_for_referral(db, actor, referral_id)

        self.tasks.run(load, lambda found: self._on_matches_loaded(referral_id, found))

    def _on_matches_loaded(self, referral_id: int, found: list[ClientMatch]) -> None:
        row = self.selected()
        if row is None or row.referral_id != referral_id:
            return  # the user moved on
        self.matches_shown = found
        self.matches.clear()
        for m in found:
            linked = " — linked" if m.client_id == row.client_id else ""
            status = "" if m.status == "active" else f" [{m.status.replace('_', ' ')}]"
            item = QListWidgetItem(
                f"{m.name} ({m.external_id}), born {m.date_of_birth:%Y-%m-%d}: {m.why}"
                f"{status}{linked}"
            )
            item.setData(MATCH_ROLE, m)
            self.matches.addItem(item)
        if not found:
            placeholder = QListWidgetItem("No client on file matches: accepting makes a new one.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.matches.addItem(placeholder)
        elif len(found) == 1 and found[0].exact:
            self.matches.item(0).setSelected(True)
        self._update_buttons()
        self.matches_loaded.emit(len(found))

    def _update_buttons(self) -> None:
        row = self.selected()
        open_ = row is not None and row.status in (ReferralStatus.NEW, ReferralStatus.ACCEPTED)
        new = row is not None and row.status is ReferralStatus.NEW
        picked = self.selected_matches()
        self.accept_button.setEnabled(new and self.program.count() > 0)
        self.link_button.setEnabled(new and len(picked) == 1)
        self.merge_button.setEnabled(len(picked) == 2)
        self.decline_button.setEnabled(new)
        self.attempt_button.setEnabled(open_ and (row is None or not row.first_contact_at))
        self.unable_button.setEnabled(open_ and (row is None or not row.first_contact_at))
        closed = (ReferralStatus.DECLINED, ReferralStatus.UNABLE_TO_REACH)
        self.reopen_button.setEnabled(row is not None and row.status in closed)
        self.undo_button.setEnabled(self.undo_referral_id is not None)

    # --- triage -------------------------------------------------------------------------------

    def _act(self, work: Callable[[], object], done: str, referral_id: int | None) -> None:
        def run(_p: ProgressFn, _c: object) -> object:
            return work()

        def finished(_result: object) -> None:
            self.status_line.setText(done)
            # Said once the queue shows the change, so listeners (and tests) see it.
            self.refresh(select_id=referral_id, then=lambda: self.triaged.emit(done))

        self.tasks.run(run, finished)

    def accept_selected(self, program_code: str, client_id: int | None) -> None:
        row = self.selected()
        if row is None:
            return
        ctx = self.context
        self._act(
            lambda: accept_referral(
                ctx.db,
                ctx.actor,
                row.referral_id,
                row.version,
                program_code=program_code,
                client_id=client_id,
            ),
            f"Accepted {row.name} into {self.program.currentText() or program_code}: on the "
            "day's list as MUST until first contact.",
            row.referral_id,
        )

    def _on_accept_clicked(self) -> None:
        row = self.selected()
        if row is None or not self.accept_button.isEnabled():
            return
        picked = self.selected_matches()
        if len(picked) > 1:
            self.status_line.setText("Select one client to accept into (or none for a new one).")
            return
        client = picked[0] if picked else None
        if client is None and row.client_id is not None:
            who = f"the linked client {row.client_name}"
        elif client is None:
            who = "a new client made from this referral"
            if self.matches_shown:
                who += f" (although {len(self.matches_shown)} client(s) on file may be this person)"
        else:
            who = f"{client.name} ({client.external_id})"
        text = (
            f"Accept the referral of {row.name} into {self.program.currentText()} as {who}?\n\n"
            "The client is enrolled and the triggering event recorded; they are MUST on the "
            "day's list until the first completed contact."
        )
        if confirm(self, "Accept referral", text):
            self.accept_selected(
                str(self.program.currentData()), None if client is None else client.client_id
            )

    def _on_link_clicked(self) -> None:
        row, picked = self.selected(), self.selected_matches()
        if row is None or len(picked) != 1:
            return
        ctx, client = self.context, picked[0]
        self._act(
            lambda: link_referral(
                ctx.db, ctx.actor, row.referral_id, row.version, client.client_id
            ),
            f"Linked the referral to {client.name} ({client.external_id}).",
            row.referral_id,
        )

    def merge_selected(self) -> None:
        row, picked = self.selected(), self.selected_matches()
        if len(picked) != 2:
            return
        keep, dup = sorted(picked, key=lambda m: m.client_id)  # the older record is kept
        ctx = self.context

        def work() -> MergeResult:
            return merge_clients(ctx.db, ctx.actor, keep.client_id, dup.client_id)

        self._act(
            work,
            f"Merged {dup.external_id} into {keep.external_id}: places, programs, events, "
            "visits and referrals moved.",
            None if row is None else row.referral_id,
        )

    def _on_duplicates_clicked(self) -> None:
        db, actor = self.context.db, self.context.actor

        def load(_p: ProgressFn, _c: object) -> list[tuple[ClientMatch, ...]]:
            return duplicate_clients(db, actor)

        self.tasks.run(load, self._on_duplicates_loaded)

    def _on_duplicates_loaded(self, groups: list[tuple[ClientMatch, ...]]) -> None:
        self.matches.clear()
        self.matches_shown = [m for group in groups for m in group]
        for n, group in enumerate(groups, 1):
            for m in group:
                status = "" if m.status == "active" else f" [{m.status.replace('_', ' ')}]"
                item = QListWidgetItem(
                    f"Duplicates {n}: {m.name} ({m.external_id}), born "
                    f"{m.date_of_birth:%Y-%m-%d}{status}"
                )
                item.setData(MATCH_ROLE, m)
                self.matches.addItem(item)
        word = "group" if len(groups) == 1 else "groups"
        self.status_line.setText(
            f"{len(groups)} {word} of clients with the same name and date of birth: select two "
            "of a group and Merge."
            if groups
            else "No two clients on file share a name and date of birth."
        )
        self._update_buttons()

    def _on_merge_clicked(self) -> None:
        picked = sorted(self.selected_matches(), key=lambda m: m.client_id)
        if len(picked) != 2:
            return
        keep, dup = picked
        text = (
            f"Merge {dup.name} ({dup.external_id}) into {keep.name} ({keep.external_id})?\n\n"
            f"Everything recorded for {dup.external_id} moves to {keep.external_id}, which is "
            f"kept; {dup.external_id} stays on file as merged. This is audited and cannot be "
            "undone here."
        )
        if confirm(self, "Merge duplicate clients", text):
            self.merge_selected()

    def decline_selected(self, reason: str) -> None:
        row = self.selected()
        if row is None:
            return
        ctx = self.context
        self.undo_referral_id = row.referral_id
        self._act(
            lambda: decline_referral(ctx.db, ctx.actor, row.referral_id, row.version, reason),
            f"Declined the referral of {row.name}: {reason.strip()} (Undo reopens it).",
            row.referral_id,
        )

    def _on_decline_clicked(self) -> None:
        reason = ask_reason(self, "Decline referral", "Why is the referral declined?")
        if reason is not None:
            self.decline_selected(reason)

    def _on_attempt_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        ctx = self.context
        self._act(
            lambda: record_attempt(ctx.db, ctx.actor, row.referral_id, row.version),
            f"Counted an attempt to reach {row.name} ({row.contact_attempts + 1} so far).",
            row.referral_id,
        )

    def unable_selected(self, attempts: int) -> None:
        row = self.selected()
        if row is None:
            return
        ctx = self.context
        self.undo_referral_id = row.referral_id
        self._act(
            lambda: mark_unable_to_reach(
                ctx.db, ctx.actor, row.referral_id, row.version, attempts=attempts
            ),
            f"{row.name}: unable to reach after {attempts} attempts (Undo reopens it).",
            row.referral_id,
        )

    def _on_unable_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        attempts = ask_attempts(self, row.contact_attempts)
        if attempts is not None:
            self.unable_selected(attempts)

    def _reopen(self, referral_id: int) -> None:
        ctx = self.context
        row_index = self.model.row_of(referral_id)
        if row_index is None:
            return
        row = self.model.row_at(row_index)
        self.undo_referral_id = None
        self._act(
            lambda: reopen_referral(ctx.db, ctx.actor, referral_id, row.version),
            f"Reopened the referral of {row.name}: it is new again.",
            referral_id,
        )

    def _on_reopen_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self._reopen(row.referral_id)

    def _on_undo_clicked(self) -> None:
        if self.undo_referral_id is not None:
            self._reopen(self.undo_referral_id)
