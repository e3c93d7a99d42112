"""The page shown on a database with no clients: start from the demo or import the caseload."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    """Shown on an empty database: start from the demo or import the caseload."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch()
        title = QLabel("<h2>Welcome to MIH Rounds</h2><p>This database has no clients yet.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.demo_button = QPushButton("Load &demo program")
        self.demo_button.setToolTip("Invented clients and a team around Durham, NC, to try things")
        self.import_button = QPushButton("&Import clients…")
        self.import_button.setToolTip("A CSV or Excel file of your caseload (see the README)")
        for button in (self.demo_button, self.import_button):
            button.setMinimumWidth(240)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch()
