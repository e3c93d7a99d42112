"""Small layout pieces the editing dialogs share: widgets side by side in a form row, and a
row of buttons pushed to the left."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def side_by_side(*widgets: QWidget, stretch: bool = True) -> QWidget:
    """One widget holding `widgets` in a row (for a form row); `stretch` keeps them at their
    natural width on the left instead of sharing the row."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w)
    if stretch:
        layout.addStretch(1)
    return box


def button_row(*widgets: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout()
    for w in widgets:
        layout.addWidget(w)
    layout.addStretch(1)
    return layout
