"""What an account without access to client records sees instead of the pages: the
administrator manages accounts, settings, backups and reads the audit log, but never opens a
client's record (that takes a second, ordinary account)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class AdministrationPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        note = QLabel(
            "This account manages the program: user accounts, settings, backups and the audit "
            "log. It does not open client records — for the caseload, log in with your own "
            "program manager, supervisor or crew account."
        )
        note.setWordWrap(True)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setMaximumWidth(560)
        self.users_button = QPushButton("&Users…")
        self.audit_button = QPushButton("Audit &log…")
        self.settings_button = QPushButton("&Settings…")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(note, alignment=Qt.AlignmentFlag.AlignCenter)
        for button in (self.users_button, self.audit_button, self.settings_button):
            button.setMinimumWidth(220)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)

    def show_for(self, user: str) -> None:
        self.title.setText(f"Logged in as {user} (administration)")
