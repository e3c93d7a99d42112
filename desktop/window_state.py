"""The main window's geometry, current tab and caseload splitter, kept in `QSettings`."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget


def restore_window(window: QMainWindow) -> None:
    """The saved geometry; the first time, most of the screen (a fixed size would be too big
    for a 1366x768 laptop and waste a 1920x1080 monitor)."""
    state = QSettings()
    geometry = state.value("main/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        fit_to_screen(window)
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


def fit_to_screen(window: QMainWindow, share: float = 0.94) -> None:
    """`share` of the screen's free area (without task bars), centred."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    size = QSize(int(free.width() * share), int(free.height() * share))
    window.resize(size)
    window.move(free.center() - QPoint(size.width() // 2, size.height() // 2))
