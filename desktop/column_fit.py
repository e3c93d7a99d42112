"""Keep a table's or tree's columns inside its width at any window size: short columns keep
their width, the text columns share what is left by weight. Long text elides at the cell's
edge (the full text is in the cell's tooltip and the page's detail area), never behind a
sideways scroll bar. The user may still drag a column wider; the next resize fits again."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView


class ColumnFitter(QObject):
    """Installed on `view`'s viewport: refits on every resize (and once at once)."""

    def __init__(
        self,
        view: QTableView | QTreeView,
        fixed: Mapping[int, int],
        weights: Mapping[int, float],
        *,
        minimum: int = 48,
    ) -> None:
        super().__init__(view)
        self._view, self._fixed, self._weights, self._minimum = view, fixed, weights, minimum
        header = self._header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.viewport().installEventFilter(self)
        self.fit()

    def _header(self) -> QHeaderView:
        view = self._view
        return view.horizontalHeader() if isinstance(view, QTableView) else view.header()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        header = self._header()
        for column, size in self._fixed.items():
            header.resizeSection(column, size)
        rest = max(0, self._view.viewport().width() - sum(self._fixed.values()))
        for column, size in share_widths(rest, self._weights, self._minimum).items():
            header.resizeSection(column, size)


def share_widths(width: int, weights: Mapping[int, float], minimum: int) -> dict[int, int]:
    """Split `width` pixels by weight; a column below `minimum` gets the minimum and the others
    share what remains. The sizes add up to `width` unless the minimums alone exceed it."""
    sizes: dict[int, int] = {}
    free = dict(weights)
    while free:
        room = width - sum(sizes.values())
        total = sum(free.values()) or 1.0
        small = [c for c, w in free.items() if room * w / total < minimum]
        if not small:
            break
        for column in small:
            sizes[column] = minimum
            del free[column]
    room = max(0, width - sum(sizes.values()))
    total = sum(free.values()) or 1.0
    columns = list(free.items())
    used = 0
    for i, (column, weight) in enumerate(columns):
        size = room - used if i == len(columns) - 1 else int(room * weight / total)
        sizes[column] = size
        used += size
    return dict(sorted(sizes.items()))
