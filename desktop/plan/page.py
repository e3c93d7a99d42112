"""Plan the day: crews on shift, visits to plan, solving in the background with progress and
cancel, routes and unassigned visits with reasons, the map, manual edits with undo, versions.

The page observes a Qt-free `PlanSession` (the rules) and contains its widgets
(`PlanPageLayout`, as `self.ui`); every database and solver call runs through a `TaskRunner`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QDate, QModelIndex, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from caseload.errors import UserError
from caseload.outcomes.model import OutcomeInfo
from caseload.outcomes.service import outcomes_on
from caseload.planning.model import DayPlan, PlanVersionInfo
from caseload.planning.replan import replan_from_now
from caseload.planning.service import PlanningDay, load_day, plan_day
from caseload.planning.versions import list_versions, load_plan, save_plan
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.plan import menus
from desktop.plan.detail import HINT
from desktop.plan.layout import PlanPageLayout
from desktop.plan.map_data import crew_colors, plan_map_data
from desktop.plan.session import Change, PlanSession, PlanState, SolveRequest
from desktop.tasks import ProgressFn, TaskHandle, TaskRunner


class PlanStateCommand(QUndoCommand):
    """One undoable step: swap between the state before and after an edit or a (re-)plan."""

    def __init__(self, page: PlanPage, before: PlanState, after: PlanState, text: str) -> None:
        super().__init__(text)
        self._page, self._before, self._after = page, before, after

    def redo(self) -> None:
        self._page.apply_state(self._after)

    def undo(self) -> None:
        self._page.apply_state(self._before)


class PlanPage(QWidget):
    """The program manager's day."""

    plan_shown = Signal()
    day_loaded = Signal()
    solving_changed = Signal(bool)
    dirty_changed = Signal(bool)  # unsaved plan edits appeared or went (saved, undone, reloaded)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.ui = ui = PlanPageLayout(self, context)
        self.session = PlanSession(context.today())
        self.undo_stack = QUndoStack(self)
        self.tasks = TaskRunner(self)
        self.solve_task: TaskHandle | None = None
        self.solution_limit: int | None = None  # end searches early (same plan on any machine)
        self._best_message = ""
        # The clock a re-plan during the day starts from (tests set a fixed one).
        self.now: Callable[[], datetime] = lambda: datetime.now(context.program.zone)
        self._status_state: PlanState | None = None  # the state the status line describes
        self._shown_dirty = False

        # A date picked in the calendar arrives twice (selection, then click): decide once,
        # after the popup has closed, so a refused change asks only once.
        self._date_timer = QTimer(self, singleShot=True, interval=0)
        self._date_timer.timeout.connect(self._on_date_timer_timeout)

        self._elapsed_timer = QTimer(self, interval=200)
        self._elapsed_timer.timeout.connect(self._on_elapsed_timer_timeout)
        ui.date_edit.dateChanged.connect(self._date_timer.start)
        ui.plan_button.clicked.connect(self.plan)
        ui.replan_button.clicked.connect(self.replan)
        ui.cancel_button.clicked.connect(self.cancel)
        ui.save_button.clicked.connect(self.save_plan)
        ui.crews_button.clicked.connect(self._on_crews_button_clicked)
        ui.select_urgent.clicked.connect(self._on_select_urgent_clicked)
        ui.select_none.clicked.connect(self._on_select_none_clicked)
        ui.candidates.selection_changed.connect(self._on_candidates_selection_changed)
        ui.routes.stop_dropped.connect(self._on_routes_stop_dropped)
        ui.versions_combo.activated.connect(self._on_versions_combo_activated)
        ui.outcomes_button.clicked.connect(self.open_outcomes)
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)
        menus.connect(self)
        self._update_buttons()
        ui.map_view.show_map(plan_map_data(None, context.program))

    @property
    def day(self) -> date:
        return self.session.day

    @property
    def state(self) -> PlanState:
        return self.session.state

    # --- loading the day -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load crews, candidates and saved versions for the current day."""
        ctx, on = self.context, self.day
        self.say(f"Loading {on:%a %d %b}…")

        def load(_p: ProgressFn, _c: threading.Event) -> PlanningDay:
            return load_day(ctx.db, on, ctx.actor)

        self.tasks.run(load, self._on_day_loaded)

    def _on_day_loaded(self, day: PlanningDay) -> None:
        if day.plan_date != self.day:
            return  # the user picked another day meanwhile
        start = self.session.load(day)
        self.ui.show_crews(day.crews, self.context.program.zone)
        self.ui.candidates.set_candidates(day.candidates, set(start.selected))
        self.ui.show_versions(day.versions, self.context.program.zone)
        self.undo_stack.clear()
        self.apply_state(start, fit=True)
        self.refresh_outcomes()
        if day.versions:
            self.say(
                f"{len(day.versions)} saved version(s) for this day: open one from the list, or "
                "Plan again."
            )
        else:
            self.say(
                f"{len(start.selected)} visits suggested: every MUST, then HIGH as "
                "time allows. Adjust them, then Plan (F5)."
            )
        self.day_loaded.emit()

    def _on_date_timer_timeout(self) -> None:
        edit = self.ui.date_edit
        if edit.calendarWidget().isVisible():
            self._date_timer.start(100)  # still picking in the calendar popup
            return
        day = edit.date().toPython()
        assert isinstance(day, date)
        if day == self.day:
            return
        if not self.confirm_discard():
            edit.blockSignals(True)
            edit.setDate(QDate(self.day.year, self.day.month, self.day.day))
            edit.blockSignals(False)
            return
        self.session.day = day
        self.refresh()

    # --- the status line -------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Show `text` about the current state; it is replaced once that state is gone."""
        self.ui.status.setText(text)
        self._status_state = self.state

    def _state_summary(self) -> str:
        """What the status line says when no message about this state is due."""
        state = self.state
        plan = state.plan
        if plan is None:
            return f"{len(state.selected)} visits selected. Plan (F5) when ready."
        text = (
            f"{plan.served_count} visits planned for {len(plan.routes)} crews, "
            f"{len(plan.unassigned)} not planned."
        )
        if state.dirty:
            return f"{text} Unsaved changes: Save version (Ctrl+S) keeps them."
        if plan.version_no is not None:
            return f"{text} Version {plan.version_no}, saved."
        return text

    # --- state, undo ---------------------------------------------------------------------------
    def apply_state(self, state: PlanState, *, fit: bool | None = None) -> None:
        """Show `state` (used by undo/redo too): routes, unassigned, selection, map. The map
        zooms to the plan when one appears; after edits it keeps the user's pan and zoom."""
        if fit is None:
            fit = self.state.plan is None and state.plan is not None
        self.session.apply(state)
        plan, ui = state.plan, self.ui
        ui.routes.set_plan(plan, crew_colors(plan))
        for row in range(ui.routes.rowCount()):  # a crew's summary across the whole width
            ui.route_view.setFirstColumnSpanned(row, QModelIndex(), True)
        ui.detail.setText(HINT)  # the selection went with the old rows
        ui.route_view.expandAll()
        ui.unassigned.set_rows(plan.unassigned if plan else [])
        ui.unassigned_label.setText(
            f"<b>Not planned</b> ({len(plan.unassigned)})" if plan else "<b>Not planned</b>"
        )
        ui.candidates.set_selected(set(state.selected))
        ui.candidate_count.setText(f"{len(state.selected)} of {ui.candidates.rowCount()} selected")
        ui.map_view.update_map(plan_map_data(plan, self.context.program), fit=fit)
        self._update_buttons()
        if self._status_state is not state:  # the message described another state
            self.say(self._state_summary())
        if plan is not None:
            self.plan_shown.emit()

    def _push(self, after: PlanState, text: str) -> None:
        self.undo_stack.push(PlanStateCommand(self, self.state, after, text))

    def undo(self) -> None:
        if not self.solving:
            self.undo_stack.undo()

    def redo(self) -> None:
        if not self.solving:
            self.undo_stack.redo()

    @property
    def solving(self) -> bool:
        return self.solve_task is not None and self.solve_task.running

    def _update_buttons(self) -> None:
        self.ui.enable(
            solving=self.solving, has_plan=self.state.plan is not None, dirty=self.state.dirty
        )
        plan = self.state.plan
        self.ui.outcomes_button.setEnabled(
            not self.solving and plan is not None and plan.plan_id is not None
        )
        if self.session.unsaved != self._shown_dirty:
            self._shown_dirty = self.session.unsaved
            self.dirty_changed.emit(self._shown_dirty)

    def _on_undo_stack_clean_changed(self, _clean: bool) -> None:
        self._update_buttons()

    # --- selecting visits ------------------------------------------------------------------------
    def _on_candidates_selection_changed(self) -> None:
        selected = frozenset(self.ui.candidates.selected())
        if selected != self.state.selected:
            self._push(self.session.select(selected), "Change visits to plan")

    def _on_select_urgent_clicked(self) -> None:
        after = self.session.select(self.session.suggested(), ticked=False)
        self._push(after, "Select suggested visits")

    def _on_select_none_clicked(self) -> None:
        self._push(self.session.select(frozenset(), ticked=False), "Select none")

    # --- solving -------------------------------------------------------------------------------
    def plan(self) -> None:
        """Plan the selected visits from scratch (pins and locks of the current plan kept);
        once visits are done, only the rest of the day is planned (see `replan`)."""
        if self.session.done and self.state.plan is not None:
            self._replan_from_now()
            return
        self._solve(replan=False, text="Plan the day")

    def replan(self) -> None:
        """Re-plan keeping pins and locks, preferring every stop's current crew. Once visits
        of the day are done (outcomes recorded), the rest of the day is planned from each
        crew's last recorded stop and the time now."""
        if self.state.plan is None:
            self.plan()
        elif self.session.done:
            self._replan_from_now()
        else:
            self._solve(replan=True, text="Re-plan")

    def _solve(self, *, replan: bool, text: str) -> None:
        if self.solving:
            return
        try:
            request = self.session.solve_request(replan=replan)
        except UserError as exc:
            show_error(self, exc)
            return
        db, actor, limit = self.context.db, self.context.actor, self.ui.time_limit.value()
        stop_after = self.solution_limit

        def run(progress: ProgressFn, cancel: threading.Event) -> DayPlan:
            return plan_day(
                db,
                request.on,
                actor,
                selected=request.selected,
                edits=request.edits,
                time_limit_s=limit,
                solution_limit=stop_after,
                crews=request.crews,
                candidates=request.candidates,
                progress=progress,
                cancel=cancel,
            )

        before = self.state
        self._best_message = "Starting…"
        self.solve_task = self.tasks.run(
            run,
            lambda plan: self._on_solved(before, request, plan, text),
            on_failed=self._on_solve_failed,
            on_cancelled=self._on_solve_cancelled,
            on_progress=self._on_solve_progressed,
        )
        self.ui.progress.setValue(0)
        self._elapsed_timer.start()
        self._update_buttons()
        self.solving_changed.emit(True)

    def _on_solved(
        self, before: PlanState, request: SolveRequest, plan: DayPlan, text: str
    ) -> None:
        self._stop_solving()
        self._push(self.session.solved(before, request, plan), text)
        note = " (cancelled: best plan so far)" if plan.status == "cancelled" else ""
        self.say(
            f"{plan.served_count} visits planned for {len(plan.routes)} crews, "
            f"{len(plan.unassigned)} not planned, driving {plan.travel_s // 60} min "
            f"in total{note}. Solved in {plan.computing_time_s:.1f} s."
        )

    def _on_solve_failed(self, exc: BaseException) -> None:
        self._stop_solving()
        self.say("Planning failed.")
        show_error(self, exc)

    def _on_solve_cancelled(self) -> None:
        self._stop_solving()
        self.say("Planning cancelled; the previous plan is unchanged.")

    def _on_solve_progressed(self, done: int, total: int, message: str) -> None:
        self.ui.progress.setMaximum(max(total, 1))
        self.ui.progress.setValue(done)
        self._best_message = message

    def _on_elapsed_timer_timeout(self) -> None:
        if self.solve_task is not None:
            self.say(
                f"Planning… {self.solve_task.elapsed_s:.1f} s · "
                f"{self._best_message}  (Esc to stop with the best so far)"
            )

    def _stop_solving(self) -> None:
        self._elapsed_timer.stop()
        self.ui.progress.setValue(self.ui.progress.maximum())
        self.solve_task = None
        self._update_buttons()
        self.solving_changed.emit(False)

    def cancel(self) -> None:
        if self.solve_task is not None:
            self.solve_task.cancel()
            self.say("Stopping… keeping the best plan found so far.")

    # --- manual edits ----------------------------------------------------------------------------
    def edit(self, change: Change, text: str) -> None:
        """Apply a draft change, re-timed at once; the user sees what no longer fits."""
        self._transition(lambda: self.session.edit(change), text)

    def remove(self, key: str) -> None:
        self._transition(lambda: (self.session.remove(key), []), "Remove stop")

    def _transition(self, step: Callable[[], tuple[PlanState, list[str]]], text: str) -> None:
        if self.state.plan is None or self.solving:
            return
        try:
            after, problems = step()
        except UserError as exc:
            show_error(self, exc)
            return
        self._push(after, text)
        self.say(
            "  ".join(problems)
            or f"{text}: times updated. Re-plan (Ctrl+R) to optimise around your change."
        )

    def move_stop(self, key: str, crew: str, position: int) -> None:
        menus.move_stop(self, key, crew, position)

    def _on_routes_stop_dropped(self, key: str, crew: str, position: int) -> None:
        # Defer: the drag's event loop is still running inside dropMimeData.
        QTimer.singleShot(0, lambda: self.move_stop(key, crew, position))

    # --- versions ------------------------------------------------------------------------------
    def save_plan(self) -> None:
        plan = self.state.plan
        if plan is None or self.solving:
            return
        ctx, based_on = self.context, self.state.based_on_version

        def save(_p: ProgressFn, _c: threading.Event) -> tuple[DayPlan, list[PlanVersionInfo]]:
            saved = save_plan(ctx.db, ctx.actor, plan, based_on_version=based_on)
            return saved, list_versions(ctx.db, saved.plan_date, ctx.actor)

        self.tasks.run(save, self._on_saved)

    def _on_saved(self, result: tuple[DayPlan, list[PlanVersionInfo]]) -> None:
        stored, versions = result
        after = self.session.saved(stored, versions)
        self.ui.show_versions(self.session.versions, self.context.program.zone)
        self.ui.versions_combo.setCurrentIndex(1)
        self.session.apply(after)
        self.undo_stack.setClean()
        self._update_buttons()
        self.say(f"Saved as version {stored.version_no}.")

    def _on_versions_combo_activated(self, index: int) -> None:
        plan_id = self.ui.versions_combo.itemData(index)
        if not isinstance(plan_id, int) or not self.confirm_discard():
            return
        ctx = self.context

        def load(_p: ProgressFn, _c: threading.Event) -> DayPlan:
            return load_plan(ctx.db, plan_id, ctx.actor)

        self.tasks.run(load, self._on_version_loaded)

    def _on_version_loaded(self, plan: DayPlan) -> None:
        self.undo_stack.clear()
        self.apply_state(self.session.opened(plan), fit=True)
        self.say(f"Opened version {plan.version_no} by {plan.created_by}.")
        self.refresh_outcomes()

    def confirm_discard(self) -> bool:
        """Ask before throwing away an unsaved plan."""
        if not self.session.unsaved:
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved plan",
            "This day's plan has unsaved changes. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def confirm_close(self) -> bool:
        if self.solve_task is not None:
            self.solve_task.cancel()
        return self.confirm_discard()

    # --- crews ---------------------------------------------------------------------------------
    def _on_crews_button_clicked(self) -> None:
        from desktop.crews_dialog import CrewsDialog

        dialog = CrewsDialog(self.context, self.day, self)
        dialog.crews_changed.connect(self.refresh)
        dialog.exec()

    # --- printing (route sheets) -----------------------------------------------------------------
    def print_sheets(self) -> None:
        self._print(preview=True)

    def save_sheets_pdf(self) -> None:
        self._print(preview=False)

    def _print(self, *, preview: bool) -> None:
        from desktop.printing.actions import print_plan, save_plan_pdfs

        try:
            plan_id = self.session.printable_plan_id()
        except UserError as exc:
            show_error(self, exc)
            return
        crews = [r.crew.name for r in self.ui.routes.routes() if r.stops]
        if preview:
            print_plan(self, self.tasks, self.context, plan_id, crews)
        else:
            save_plan_pdfs(self, self.tasks, self.context, plan_id, crews)

    # --- visit outcomes (issue 12) ---------------------------------------------------------------
    outcomes_loaded = Signal()

    def refresh_outcomes(self) -> None:
        """Load the day's recorded outcomes: those stops are done and locked."""
        ctx, on = self.context, self.day

        def load(_p: ProgressFn, _c: threading.Event) -> tuple[date, dict[int, OutcomeInfo]]:
            return on, outcomes_on(ctx.db, on, ctx.actor)

        self.tasks.run(load, self._on_outcomes_loaded)

    def _on_outcomes_loaded(self, result: tuple[date, dict[int, OutcomeInfo]]) -> None:
        on, recorded = result
        if on != self.day:
            return
        self.session.done = {f"c{cid}": info.label for cid, info in recorded.items()}
        self.ui.routes.set_done(self.session.done)
        self.ui.route_view.expandAll()
        self.outcomes_loaded.emit()

    def open_outcomes(self) -> None:
        """Outcome entry for the saved version shown (saved first: outcomes follow the sheets)."""
        from desktop.outcomes_dialog import OutcomesDialog

        try:
            plan_id = self.session.printable_plan_id()
        except UserError as exc:
            show_error(self, exc)
            return
        self.outcomes_dialog = OutcomesDialog(
            self.context, plan_id, self.day, now=self.now, parent=self
        )
        self.outcomes_dialog.outcomes_changed.connect(self.refresh_outcomes)
        self.outcomes_dialog.open()

    def _replan_from_now(self) -> None:
        plan = self.state.plan
        if plan is None or self.solving:
            return
        db, actor, limit = self.context.db, self.context.actor, self.ui.time_limit.value()
        now, stop_after = self.now(), self.solution_limit
        added = tuple(self.state.selected - plan.keys)

        def run(progress: ProgressFn, cancel: threading.Event) -> DayPlan:
            return replan_from_now(
                db,
                actor,
                plan,
                now=now,
                add=added,
                time_limit_s=limit,
                solution_limit=stop_after,
                progress=progress,
                cancel=cancel,
            )

        before = self.state
        self._best_message = f"Re-planning the rest of the day from {now:%H:%M}…"

        def done(result: DayPlan) -> None:
            self._stop_solving()
            after = PlanState(result, result.keys, before.based_on_version, dirty=True)
            self._push(after, f"Re-plan from {now:%H:%M}")
            self.ui.status.setText(
                f"Re-planned from {now:%H:%M}: {len(self.session.done)} done visits kept in "
                f"place, {result.served_count} visits on the routes, "
                f"{len(result.unassigned)} not planned. Save to hand out the new sheets."
            )

        self.solve_task = self.tasks.run(
            run,
            done,
            on_failed=self._on_solve_failed,
            on_cancelled=self._on_solve_cancelled,
            on_progress=self._on_solve_progressed,
        )
        self.ui.progress.setValue(0)
        self._elapsed_timer.start()
        self._update_buttons()
        self.solving_changed.emit(True)
