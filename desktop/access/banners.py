"""Banners above every page: a demo database (never for real patients) and an emergency
(break-glass) session, which must stay impossible to miss."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

DEMO_TEXT = "Demo database — not for real patients"
_DEMO_STYLE = "background: #fff3c4; color: #4a3b00; padding: 4px; font-weight: bold;"
_EMERGENCY_STYLE = "background: #b00020; color: white; padding: 6px; font-weight: bold;"


def emergency_text(user: str) -> str:
    return f"Emergency access by {user} — every action is audited"


class Banners(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.emergency = _banner(_EMERGENCY_STYLE)
        self.demo = _banner(_DEMO_STYLE)
        self.demo.setText(DEMO_TEXT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.emergency)
        layout.addWidget(self.demo)
        self.show_for(demo=False, emergency_user=None)

    def show_for(self, *, demo: bool, emergency_user: str | None) -> None:
        self.demo.setVisible(demo)
        self.emergency.setVisible(emergency_user is not None)
        self.emergency.setText(emergency_text(emergency_user or ""))


def _banner(style: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # a user name is shown as typed
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(style)
    return label
