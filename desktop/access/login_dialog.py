"""The log-in dialog (a database that needs accounts) and its "Emergency access…" dialog.

Checking a password (Argon2) takes a moment, so it runs off the UI thread. A failure says only
what the service says: one message for an unknown user and a wrong password, so the dialog
never hints which of the two was wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseload.users.accounts import (
    MIN_EMERGENCY_REASON_CHARS,
    authenticate,
    break_glass,
)
from desktop.tasks import ProgressFn, TaskRunner

if TYPE_CHECKING:
    from caseload.actor import Actor
    from caseload.store.database import Database


def failure_text(parent: QWidget, exc: BaseException) -> str:
    """The plain message of a refused log-in; a bug goes to the error dialog as well."""
    from desktop.error_dialog import show_error
    from desktop.errors import user_message

    message = user_message(exc)
    if message is None:
        show_error(parent, exc)
        return "Could not log in because of an error (see the error message)."
    return message


def _message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setAccessibleName("Log-in message")
    return label


class LoginDialog(QDialog):
    """User name and password; Enter logs in. `logged_in(actor)` on success (also after
    emergency access, with `actor.emergency`)."""

    logged_in = Signal(object)

    def __init__(self, db: Database, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Log in — MIH Rounds")
        self.setMinimumWidth(420)
        self.setModal(True)
        intro = QLabel(f"Log in to {where}.")
        intro.setWordWrap(True)
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName("User name")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.message = _message_label()
        form = QFormLayout()
        form.addRow("&User name:", self.username_edit)
        form.addRow("&Password:", self.password_edit)
        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton(
            "&Log in", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.login_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.emergency_button = QPushButton("&Emergency access…")
        self.emergency_button.setToolTip(
            "Break-glass access when you need more than your role allows; you give a reason and "
            "everything you do is audited"
        )
        self.buttons.addButton(self.emergency_button, QDialogButtonBox.ButtonRole.ResetRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.log_in)
        self.buttons.rejected.connect(self.reject)
        self.emergency_button.clicked.connect(self._on_emergency_button_clicked)
        self.username_edit.setFocus()

    def log_in(self) -> None:
        username, password = self.username_edit.text().strip(), self.password_edit.text()
        if not username or not password:
            self.message.setText("Enter your user name and password.")
            return
        db = self.db
        self._busy(True)

        def check(_p: ProgressFn, _c: object) -> Actor:
            return authenticate(db, username, password)

        self.tasks.run(check, self._on_success, on_failed=self._on_failure)

    def _on_success(self, actor: Actor) -> None:
        self._busy(False)
        self.actor = actor
        self.password_edit.clear()
        self.logged_in.emit(actor)
        self.accept()

    def _on_failure(self, exc: BaseException) -> None:
        self._busy(False)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.message.setText(failure_text(self, exc))

    def _busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)
        self.emergency_button.setEnabled(not busy)
        if busy:
            self.message.setText("Checking…")

    def _on_emergency_button_clicked(self) -> None:
        dialog = EmergencyDialog(self.db, self.username_edit.text().strip(), self)
        dialog.logged_in.connect(self._on_success)
        self.emergency_dialog: EmergencyDialog | None = dialog
        dialog.open()


class EmergencyDialog(QDialog):
    """Break-glass access: user name, password and a required reason; on success the session
    has a program manager's rights and the window shows a red banner."""

    logged_in = Signal(object)

    def __init__(self, db: Database, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Emergency access")
        self.setModal(True)
        warning = QLabel(
            "Emergency access gives you a program manager's rights for this session. The reason "
            "and everything you do are recorded in the audit log and reviewed."
        )
        warning.setWordWrap(True)
        self.username_edit = QLineEdit(username)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText(
            f"Why (at least {MIN_EMERGENCY_REASON_CHARS} characters): what happened, which "
            "client or crew"
        )
        self.reason_edit.setFixedHeight(80)
        self.message = _message_label()
        form = QFormLayout()
        form.addRow("&User name:", self.username_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("&Reason:", self.reason_edit)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            "Start emergency &access", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        (self.password_edit if username else self.username_edit).setFocus()

    def start(self) -> None:
        username, password = self.username_edit.text().strip(), self.password_edit.text()
        reason = self.reason_edit.toPlainText().strip()
        if len(reason) < MIN_EMERGENCY_REASON_CHARS:
            self.message.setText(
                f"Give a reason of at least {MIN_EMERGENCY_REASON_CHARS} characters."
            )
            self.reason_edit.setFocus()
            return
        db = self.db
        self.ok_button.setEnabled(False)
        self.message.setText("Checking…")

        def check(_p: ProgressFn, _c: object) -> Actor:
            return break_glass(db, username, password, reason)

        def failed(exc: BaseException) -> None:
            self.ok_button.setEnabled(True)
            self.password_edit.clear()
            self.message.setText(failure_text(self, exc))

        def done(actor: Actor) -> None:
            self.logged_in.emit(actor)
            self.accept()

        self.tasks.run(check, done, on_failed=failed)
