"""The main window's geometry, current tab and caseload splitter, kept in `QSettings`."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget


def restore_window(window: QMainWindow) -> None:
    state = QSettings()
    geometry = state.value("main/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    window_state = state.value("main/state")
    if isinstance(window_state, QByteArray):
        window.restoreState(window_state)


def restore_pages(tabs: QTabWidget, caseload_splitter: QSplitter | None) -> None:
    state = QSettings()
    tab = state.value("main/tab", 0)
    index = int(tab) if isinstance(tab, (int, str)) and str(tab).isdigit() else 0
    name = state.value("main/page", "")
    named = [i for i in range(tabs.count()) if name and _name_at(tabs, i) == name]
    if named:  # by identity: pages added since (or by other builds) do not shift it
        index = named[0]
    tabs.setCurrentIndex(index if 0 <= index < tabs.count() else 0)
    if caseload_splitter is not None:
        splitter = state.value("caseload/splitter")
        if isinstance(splitter, QByteArray):
            caseload_splitter.restoreState(splitter)


def save_window(window: QMainWindow, tabs: QTabWidget, caseload_splitter: QSplitter | None) -> None:
    state = QSettings()
    state.setValue("main/geometry", window.saveGeometry())
    state.setValue("main/state", window.saveState())
    state.setValue("main/tab", tabs.currentIndex())
    current = tabs.currentWidget()
    state.setValue("main/page", current.objectName() if current is not None else "")
    if caseload_splitter is not None:
        state.setValue("caseload/splitter", caseload_splitter.saveState())


def _name_at(tabs: QTabWidget, index: int) -> str:
    page = tabs.widget(index)
    return page.objectName() if page is not None else ""
