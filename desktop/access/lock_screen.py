"""What the window shows while locked: the content is hidden; the same user's password unlocks
it (work in progress, such as unsaved plan edits, stays as it was), or someone else logs in
(the window first asks about anything unsaved)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class LockScreen(QWidget):
    """`unlock_requested(password)` and `switch_user_requested()`; the window does the rest."""

    unlock_requested = Signal(str)
    switch_user_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.password_edit.setPlaceholderText("Password")
        self.password_edit.setMinimumWidth(280)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton("Log in as &someone else…")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #b00020;")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password_edit)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        note = QLabel("Locked after a time without use. Client records are hidden.")
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.switch_button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
        self.password_edit.returnPressed.connect(self._on_unlock)
        self.unlock_button.clicked.connect(self._on_unlock)
        self.switch_button.clicked.connect(self.switch_user_requested)

    def prepare(self, user: str) -> None:
        self.title.setText(f"MIH Rounds is locked ({user})")
        self.password_edit.clear()
        self.message.clear()
        self.set_busy(False)
        self.password_edit.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)
        self.password_edit.setEnabled(not busy)
        if busy:
            self.message.setText("Checking…")

    def refused(self, message: str) -> None:
        self.set_busy(False)
        self.password_edit.clear()
        self.message.setText(message)
        self.password_edit.setFocus()

    def _on_unlock(self) -> None:
        if self.password_edit.text():
            self.unlock_requested.emit(self.password_edit.text())
