"""Plan the day: crews on shift, visits to plan, solving in the background with progress and
cancel, routes and unassigned visits with reasons, the map, manual edits with undo, versions."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QMenu,
    QMessageBox,
    QWidget,
)

from caseload.errors import UserError
from caseload.planning.build import PlanEdits
from caseload.planning.candidates import day_candidates, preselect
from caseload.planning.crews import CrewInfo, crews_on_shift
from caseload.planning.edit import (
    Draft,
    keep_current,
    lock_through,
    move_stop,
    remove_stop,
    retime,
    set_pin,
)
from caseload.planning.plans import (
    DayPlan,
    PlanVersionInfo,
    list_versions,
    load_plan,
    plan_day,
    save_plan,
)
from desktop.context import AppContext
from desktop.error_dialog import show_error
from desktop.plan_map_data import crew_colors, plan_map_data
from desktop.plan_models import (
    KEY_ROLE,
)
from desktop.plan_page_layout import PlanPageLayout
from desktop.tasks import ProgressFn, TaskHandle, start_task


@dataclass(frozen=True, slots=True)
class PlanState:
    """Everything an undo step restores."""

    plan: DayPlan | None
    selected: frozenset[str]
    based_on_version: int | None
    dirty: bool


class PlanStateCommand(QUndoCommand):
    """One undoable step: swap between the state before and after an edit or a (re-)plan."""

    def __init__(self, page: PlanPage, before: PlanState, after: PlanState, text: str) -> None:
        super().__init__(text)
        self._page, self._before, self._after = page, before, after

    def redo(self) -> None:
        self._page.apply_state(self._after)

    def undo(self) -> None:
        self._page.apply_state(self._before)


class PlanPage(PlanPageLayout):
    """The program manager's day. Every DB and solver call runs in a worker thread."""

    plan_shown = Signal()
    day_loaded = Signal()
    solving_changed = Signal(bool)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.context = context
        self.day = context.today()
        self.crews: list[CrewInfo] = []
        self.state = PlanState(None, frozenset(), None, dirty=False)
        self.versions: list[PlanVersionInfo] = []
        self.undo_stack = QUndoStack(self)
        self.solve_task: TaskHandle | None = None
        self._tasks: list[TaskHandle] = []
        self._best_message = ""

        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(200)
        self._elapsed_timer.timeout.connect(self._on_elapsed_timer_timeout)

        self.date_edit.dateChanged.connect(self._on_date_edit_changed)
        self.plan_button.clicked.connect(self.plan)
        self.replan_button.clicked.connect(self.replan)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.save_plan)
        self.crews_button.clicked.connect(self._on_crews_button_clicked)
        self.select_urgent.clicked.connect(self._on_select_urgent_clicked)
        self.select_none.clicked.connect(self._on_select_none_clicked)
        self.candidates.selection_changed.connect(self._on_candidates_selection_changed)
        self.routes.stop_dropped.connect(self._on_routes_stop_dropped)
        self.route_view.customContextMenuRequested.connect(self._on_route_view_context_menu)
        self.unassigned_view.customContextMenuRequested.connect(
            self._on_unassigned_view_context_menu
        )
        self.route_view.selectionModel().currentChanged.connect(self._on_route_current_changed)
        self.unassigned_view.selectionModel().currentChanged.connect(
            self._on_unassigned_current_changed
        )
        self.map_view.marker_clicked.connect(self._on_map_view_marker_clicked)
        self.versions_combo.activated.connect(self._on_versions_combo_activated)
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)
        self._update_buttons()
        self.map_view.show_map(plan_map_data(None, context.program))

    # --- loading the day -------------------------------------------------------------------------
    def _run(self, fn: Any, on_finished: Any, **kwargs: Any) -> TaskHandle:
        handle = start_task(
            fn,
            on_finished=on_finished,
            on_failed=kwargs.pop("on_failed", lambda e: show_error(self, e)),
            **kwargs,
        )
        self._tasks = [t for t in self._tasks if t.running] + [handle]
        return handle

    def refresh(self) -> None:
        """Load crews, candidates and saved versions for the current day."""
        ctx, on = self.context, self.day
        self.status.setText(f"Loading {on:%a %d %b}…")

        def load(_p: ProgressFn, _c: threading.Event) -> tuple[Any, ...]:
            crews = crews_on_shift(ctx.db, on, ctx.actor)
            candidates = day_candidates(ctx.db, on, ctx.actor)
            versions = list_versions(ctx.db, on, ctx.actor)
            return on, crews, candidates, versions

        self._run(load, self._on_day_loaded)

    def _on_day_loaded(self, result: tuple[Any, ...]) -> None:
        on, crews, candidates, versions = result
        if on != self.day:
            return  # the user picked another day meanwhile
        self.crews = crews
        self.crew_summary.setText(self._crew_text(crews))
        selected = preselect(candidates, crews)
        self.candidates.set_candidates(candidates, selected)
        self._set_versions(versions)
        self.undo_stack.clear()
        self.apply_state(
            PlanState(None, frozenset(selected), self._latest_version(), False), fit=True
        )
        if versions:
            self.status.setText(
                f"{len(versions)} saved version(s) for this day: open one from the list, or "
                "Plan again."
            )
        else:
            self.status.setText(
                f"{len(selected)} visits suggested: every MUST, then HIGH as "
                "time allows. Adjust them, then Plan (F5)."
            )
        self.day_loaded.emit()

    def _crew_text(self, crews: list[CrewInfo]) -> str:
        if not crews:
            return "<i>Nobody is on shift: use Crews… to add people.</i>"
        zone = self.context.program.zone
        return "<br>".join(
            f"<b>{c.name}</b>: {c.member_names} · {c.starts_at.astimezone(zone):%H:%M}–"
            f"{c.ends_at.astimezone(zone):%H:%M} · {c.base_name}"
            for c in crews
        )

    def _set_versions(self, versions: list[PlanVersionInfo]) -> None:
        self.versions = versions
        self.versions_combo.clear()
        self.versions_combo.addItem("Unsaved plan" if versions else "No saved versions", None)
        zone = self.context.program.zone
        for v in versions:
            self.versions_combo.addItem(
                f"v{v.version_no} · {v.created_by} · {v.created_at.astimezone(zone):%d %b %H:%M}"
                f" · {v.served} stops",
                v.plan_id,
            )

    def _latest_version(self) -> int | None:
        return self.versions[0].version_no if self.versions else None

    def _on_date_edit_changed(self, qdate: QDate) -> None:
        day = qdate.toPython()
        assert isinstance(day, date)
        if day == self.day:
            return
        if not self.confirm_discard():
            self.date_edit.blockSignals(True)
            self.date_edit.setDate(QDate(self.day.year, self.day.month, self.day.day))
            self.date_edit.blockSignals(False)
            return
        self.day = day
        self.refresh()

    # --- state, undo ---------------------------------------------------------------------------
    def apply_state(self, state: PlanState, *, fit: bool | None = None) -> None:
        """Show `state` (used by undo/redo too): routes, unassigned, selection, map. The map
        zooms to the plan when one appears; after edits it keeps the user's pan and zoom."""
        if fit is None:
            fit = self.state.plan is None and state.plan is not None
        self.state = state
        plan = state.plan
        self.routes.set_plan(plan, crew_colors(plan))
        self.route_view.expandAll()
        self.unassigned.set_rows(plan.unassigned if plan else [])
        self.unassigned_label.setText(
            f"<b>Not planned</b> ({len(plan.unassigned)})" if plan else "<b>Not planned</b>"
        )
        self.candidates.set_selected(set(state.selected))
        self._update_candidate_count()
        self.map_view.update_map(plan_map_data(plan, self.context.program), fit=fit)
        self._update_buttons()
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
        solving = self.solving
        has_plan = self.state.plan is not None
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
        self.save_button.setEnabled(not solving and has_plan and self.state.dirty)
        self.cancel_button.setEnabled(solving)
        self.route_view.setEnabled(not solving)

    def _on_undo_stack_clean_changed(self, _clean: bool) -> None:
        self._update_buttons()

    def _update_candidate_count(self) -> None:
        self.candidate_count.setText(
            f"{len(self.state.selected)} of {self.candidates.rowCount()} selected"
        )

    # --- selecting visits ------------------------------------------------------------------------
    def _on_candidates_selection_changed(self) -> None:
        selected = frozenset(self.candidates.selected())
        if selected != self.state.selected:
            plan = self.state.plan
            self._push(
                dataclasses.replace(self.state, selected=selected, dirty=plan is not None),
                "Change visits to plan",
            )

    def _on_select_urgent_clicked(self) -> None:
        urgent = frozenset(preselect(self.candidates.candidates(), self.crews))
        self._push(dataclasses.replace(self.state, selected=urgent), "Select suggested visits")

    def _on_select_none_clicked(self) -> None:
        self._push(dataclasses.replace(self.state, selected=frozenset()), "Select none")

    # --- solving -------------------------------------------------------------------------------
    def plan(self) -> None:
        """Plan the selected visits from scratch (pins and locks of the current plan kept)."""
        edits = self.state.plan.edits if self.state.plan else PlanEdits()
        self._solve(edits, "Plan the day")

    def replan(self) -> None:
        """Re-plan keeping pins and locks, preferring every stop's current crew."""
        if self.state.plan is None:
            self.plan()
            return
        edits = keep_current(Draft.of(self.state.plan))
        self._solve(edits, "Re-plan")

    def _solve(self, edits: PlanEdits, text: str) -> None:
        if self.solving:
            return
        if not self.crews:
            show_error(self, UserError("Nobody is on shift on this day: use Crews… first."))
            return
        selected = set(self.state.selected)
        if not selected:
            show_error(self, UserError("No visits are selected: tick at least one."))
            return
        ctx, on = self.context, self.day
        crews = list(self.crews)
        candidates = self.candidates.candidates()
        limit = self.time_limit.value()

        def run(progress: ProgressFn, cancel: threading.Event) -> DayPlan:
            return plan_day(
                ctx.db,
                on,
                ctx.actor,
                selected=sorted(selected),
                edits=edits,
                time_limit_s=limit,
                crews=crews,
                candidates=candidates,
                progress=progress,
                cancel=cancel,
            )

        before = self.state
        self._best_message = "Starting…"

        def finished(plan: DayPlan) -> None:
            self._stop_solving()
            after = PlanState(plan, frozenset(selected), before.based_on_version, dirty=True)
            self._push(after, text)
            note = " (cancelled: best plan so far)" if plan.status == "cancelled" else ""
            self.status.setText(
                f"{plan.served_count} visits planned for {len(plan.routes)} crews, "
                f"{len(plan.unassigned)} not planned, driving {plan.travel_s // 60} min "
                f"in total{note}. Solved in {plan.computing_time_s:.1f} s."
            )

        def failed(exc: BaseException) -> None:
            self._stop_solving()
            self.status.setText("Planning failed.")
            show_error(self, exc)

        def cancelled() -> None:
            self._stop_solving()
            self.status.setText("Planning cancelled; the previous plan is unchanged.")

        self.solve_task = self._run(
            run,
            finished,
            on_failed=failed,
            on_cancelled=cancelled,
            on_progress=self._on_solve_progressed,
        )
        self.progress.setValue(0)
        self._elapsed_timer.start()
        self._update_buttons()
        self.solving_changed.emit(True)

    def _on_solve_progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self._best_message = message

    def _on_elapsed_timer_timeout(self) -> None:
        if self.solve_task is not None:
            self.status.setText(
                f"Planning… {self.solve_task.elapsed_s:.1f} s · "
                f"{self._best_message}  (Esc to stop with the best so far)"
            )

    def _stop_solving(self) -> None:
        self._elapsed_timer.stop()
        self.progress.setValue(self.progress.maximum())
        self.solve_task = None
        self._update_buttons()
        self.solving_changed.emit(False)

    def cancel(self) -> None:
        if self.solve_task is not None:
            self.solve_task.cancel()
            self.status.setText("Stopping… keeping the best plan found so far.")

    # --- manual edits ----------------------------------------------------------------------------
    def _edit(self, change: Any, text: str) -> None:
        plan = self.state.plan
        if plan is None or self.solving:
            return
        try:
            draft = change(Draft.of(plan))
            edited, problems = retime(plan, draft)
        except UserError as exc:
            show_error(self, exc)
            return
        self._push(dataclasses.replace(self.state, plan=edited, dirty=True), text)
        if problems:
            self.status.setText("  ".join(problems))
        else:
            self.status.setText(
                f"{text}: times updated. Re-plan (Ctrl+R) to optimise around your change."
            )

    def move_stop(self, key: str, crew: str, position: int) -> None:
        self._edit(lambda d: move_stop(d, key, crew, position), f"Move stop to {crew}")

    def _on_routes_stop_dropped(self, key: str, crew: str, position: int) -> None:
        # Defer: the drag's event loop is still running inside dropMimeData.
        QTimer.singleShot(0, lambda: self.move_stop(key, crew, position))

    def pin(self, key: str, crew: str | None) -> None:
        self._edit(lambda d: set_pin(d, key, crew), "Pin stop" if crew else "Unpin stop")

    def lock(self, crew: str, key: str | None) -> None:
        self._edit(lambda d: lock_through(d, crew, key), "Lock route" if key else "Unlock route")

    def remove(self, key: str) -> None:
        plan = self.state.plan
        if plan is None:
            return
        try:
            edited, _ = retime(plan, remove_stop(Draft.of(plan), key))
        except UserError as exc:
            show_error(self, exc)
            return
        selected = self.state.selected - {key}
        self._push(
            dataclasses.replace(self.state, plan=edited, selected=selected, dirty=True),
            "Remove stop",
        )

    def _on_route_view_context_menu(self, pos: Any) -> None:
        index = self.route_view.indexAt(pos)
        found = self.routes.stop_at(index)
        if found is None:
            return
        route, stop = found
        menu = QMenu(self)
        if stop.pinned:
            menu.addAction("Unpin", lambda: self.pin(stop.key, None))
        else:
            menu.addAction(f"Pin to {route.crew.name}", lambda: self.pin(stop.key, route.crew.name))
        if stop.locked:
            menu.addAction("Unlock this route", lambda: self.lock(route.crew.name, None))
        else:
            menu.addAction(
                "Lock the route up to here (done / fixed)",
                lambda: self.lock(route.crew.name, stop.key),
            )
        move_menu = menu.addMenu("Move to")
        for other in self.routes.routes():
            if other.crew.name != route.crew.name:
                move_menu.addAction(
                    other.crew.name, partial(self.move_stop, stop.key, other.crew.name, 10**6)
                )
        menu.addSeparator()
        menu.addAction("Remove from today's plan", lambda: self.remove(stop.key))
        menu.exec(self.route_view.viewport().mapToGlobal(pos))

    def _on_unassigned_view_context_menu(self, pos: Any) -> None:
        index = self.unassigned_view.indexAt(pos)
        if not index.isValid():
            return
        item = self.unassigned.item(index.row())
        menu = QMenu(self)
        for route in self.routes.routes():
            menu.addAction(
                f"Add to {route.crew.name}'s route",
                partial(self.move_stop, item.candidate.key, route.crew.name, 10**6),
            )
        menu.exec(self.unassigned_view.viewport().mapToGlobal(pos))

    # --- selection <-> map -----------------------------------------------------------------------
    def _on_route_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(KEY_ROLE)
        if isinstance(key, str):
            self.map_view.highlight(key)

    def _on_unassigned_current_changed(self, current: QModelIndex, _prev: QModelIndex) -> None:
        key = current.data(KEY_ROLE)
        if isinstance(key, str):
            self.map_view.highlight(key)

    def _on_map_view_marker_clicked(self, key: str) -> None:
        index = self.routes.index_of_key(key)
        if index.isValid():
            self.route_view.setCurrentIndex(index)
            self.route_view.scrollTo(index)
            return
        for row in range(self.unassigned.rowCount()):
            if self.unassigned.item(row).candidate.key == key:
                self.unassigned_view.selectRow(row)
                return

    def selected_stop_key(self) -> str | None:
        key = self.route_view.currentIndex().data(KEY_ROLE)
        return key if isinstance(key, str) else None

    # --- versions ------------------------------------------------------------------------------
    def save_plan(self) -> None:
        plan = self.state.plan
        if plan is None or self.solving:
            return
        ctx, based_on = self.context, self.state.based_on_version

        def save(_p: ProgressFn, _c: threading.Event) -> tuple[DayPlan, list[PlanVersionInfo]]:
            saved = save_plan(ctx.db, ctx.actor, plan, based_on_version=based_on)
            return saved, list_versions(ctx.db, saved.plan_date, ctx.actor)

        def saved(result: tuple[DayPlan, list[PlanVersionInfo]]) -> None:
            stored, versions = result
            self._set_versions(versions)
            self.versions_combo.setCurrentIndex(1)
            self.state = PlanState(
                dataclasses.replace(
                    plan,
                    plan_id=stored.plan_id,
                    version_no=stored.version_no,
                    created_by=stored.created_by,
                    created_at=stored.created_at,
                ),
                self.state.selected,
                stored.version_no,
                dirty=False,
            )
            self.undo_stack.setClean()
            self._update_buttons()
            self.status.setText(f"Saved as version {stored.version_no}.")

        self._run(save, saved)

    def _on_versions_combo_activated(self, index: int) -> None:
        plan_id = self.versions_combo.itemData(index)
        if not isinstance(plan_id, int) or not self.confirm_discard():
            return
        ctx = self.context

        def load(_p: ProgressFn, _c: threading.Event) -> DayPlan:
            return load_plan(ctx.db, plan_id, ctx.actor)

        def loaded(plan: DayPlan) -> None:
            self.undo_stack.clear()
            selected = frozenset(s.key for r in plan.routes for s in r.stops) | frozenset(
                u.candidate.key for u in plan.unassigned
            )
            self.apply_state(
                PlanState(plan, selected, self._latest_version(), dirty=False), fit=True
            )
            self.status.setText(f"Opened version {plan.version_no} by {plan.created_by}.")

        self._run(load, loaded)

    def confirm_discard(self) -> bool:
        """Ask before throwing away an unsaved plan."""
        if not self.state.dirty or self.state.plan is None:
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
        self._with_saved_plan(lambda plan_id: self._print(plan_id, preview=True))

    def save_sheets_pdf(self) -> None:
        self._with_saved_plan(lambda plan_id: self._print(plan_id, preview=False))

    def _with_saved_plan(self, then: Any) -> None:
        plan = self.state.plan
        if plan is None:
            show_error(self, UserError("Plan the day first."))
            return
        if plan.plan_id is None or self.state.dirty:
            show_error(
                self,
                UserError(
                    "Save this plan as a version first (Ctrl+S), so the "
                    "sheets show which version the crews carry."
                ),
            )
            return
        then(plan.plan_id)

    def _print(self, plan_id: int, *, preview: bool) -> None:
        from desktop.printing.actions import print_plan, save_plan_pdfs

        crews = [r.crew.name for r in self.routes.routes() if r.stops]
        if preview:
            print_plan(self, self.context, plan_id, crews)
        else:
            save_plan_pdfs(self, self.context, plan_id, crews)
