"""The Plan page's right-click menus (pin, lock, move, remove, add) and the link between the
lists and the map (selecting a stop highlights its marker; clicking a marker selects its row)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint
from PySide6.QtWidgets import QMenu

from caseload.planning.edit import lock_through, move_to_crew, place_stop, set_pin
from desktop.plan.detail import HINT, stop_detail_html, unassigned_detail_html
from desktop.plan.models import KEY_ROLE

if TYPE_CHECKING:
    from desktop.plan.page import PlanPage


def connect(page: PlanPage) -> None:
    ui = page.ui
    ui.route_view.customContextMenuRequested.connect(partial(_route_menu, page))
    ui.unassigned_view.customContextMenuRequested.connect(partial(_unassigned_menu, page))
    ui.route_view.selectionModel().currentChanged.connect(partial(_highlight, page))
    ui.unassigned_view.selectionModel().currentChanged.connect(partial(_highlight, page))
    ui.map_view.marker_clicked.connect(partial(_select_key, page))


def move_stop(page: PlanPage, key: str, crew: str, position: int) -> None:
    """A drag to an explicit position (refused, with the reason, if the visit would not fit)."""
    plan = page.state.plan
    if plan is not None:
        page.edit(lambda d: place_stop(plan, d, key, crew, position), f"Move stop to {crew}")


def move_to(page: PlanPage, key: str, crew: str) -> None:
    """Into `crew`'s route at its cheapest feasible position (refused, with the reason, if none)."""
    plan = page.state.plan
    if plan is not None:
        page.edit(lambda d: move_to_crew(plan, d, key, crew), f"Move stop to {crew}")


def pin(page: PlanPage, key: str, crew: str | None) -> None:
    page.edit(lambda d: set_pin(d, key, crew), "Pin stop" if crew else "Unpin stop")


def lock(page: PlanPage, crew: str, key: str | None) -> None:
    page.edit(lambda d: lock_through(d, crew, key), "Lock route" if key else "Unlock route")


def _route_menu(page: PlanPage, pos: QPoint) -> None:
    view = page.ui.route_view
    found = page.ui.routes.stop_at(view.indexAt(pos))
    if found is None:
        return
    route, stop = found
    crew = route.crew.name
    menu = QMenu(page)
    if stop.pinned:
        menu.addAction("Unpin", partial(pin, page, stop.key, None))
    else:
        menu.addAction(f"Pin to {crew}", partial(pin, page, stop.key, crew))
    if stop.locked:
        menu.addAction("Unlock this route", partial(lock, page, crew, None))
    else:
        menu.addAction(
            "Lock the route up to here (done / fixed)", partial(lock, page, crew, stop.key)
        )
    move_menu = menu.addMenu("Move to")
    for other in page.ui.routes.routes():
        if other.crew.name != crew:
            move_menu.addAction(other.crew.name, partial(move_to, page, stop.key, other.crew.name))
    menu.addSeparator()
    menu.addAction("Remove from today's plan", partial(page.remove, stop.key))
    menu.exec(view.viewport().mapToGlobal(pos))


def _unassigned_menu(page: PlanPage, pos: QPoint) -> None:
    view = page.ui.unassigned_view
    index = view.indexAt(pos)
    if not index.isValid():
        return
    item = page.ui.unassigned.item(index.row())
    menu = QMenu(page)
    for route in page.ui.routes.routes():
        menu.addAction(
            f"Add to {route.crew.name}'s route",
            partial(move_to, page, item.candidate.key, route.crew.name),
        )
    menu.exec(view.viewport().mapToGlobal(pos))


def _highlight(page: PlanPage, current: QModelIndex, _previous: QModelIndex) -> None:
    key = current.data(KEY_ROLE)
    if isinstance(key, str):
        page.ui.map_view.highlight(key)
    show_detail(page, current)


def show_detail(page: PlanPage, current: QModelIndex) -> None:
    """The selected stop or unplanned visit in full, in the wrapping detail area."""
    ui, zone = page.ui, page.context.program.zone
    text = HINT
    if current.model() is ui.routes:
        found = ui.routes.stop_at(current)
        if found is not None:
            text = stop_detail_html(found[0], found[1], zone)
    elif current.isValid() and current.model() is ui.unassigned:
        text = unassigned_detail_html(ui.unassigned.item(current.row()))
    ui.detail.setText(text)


def _select_key(page: PlanPage, key: str) -> None:
    ui = page.ui
    index = ui.routes.index_of_key(key)
    if index.isValid():
        ui.route_view.setCurrentIndex(index)
        ui.route_view.scrollTo(index)
        return
    for row in range(ui.unassigned.rowCount()):
        if ui.unassigned.item(row).candidate.key == key:
            ui.unassigned_view.selectRow(row)
            return
