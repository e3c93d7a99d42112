"""The first start of a new program database: create its administrator (SETUP mode)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseload.users.accounts import create_first_administrator
from caseload.users.passwords import MIN_PASSWORD_CHARS
from desktop.access.login_dialog import failure_text
from desktop.tasks import ProgressFn, TaskRunner

if TYPE_CHECKING:
    from caseload.actor import Actor
    from caseload.store.database import Database


class FirstAdministratorDialog(QDialog):
    """User name, full name and password (twice) of the administrator, who then adds the other
    users (File > Users…) or switches on single-user local mode."""

    logged_in = Signal(object)
    demo_chosen = Signal()

    def __init__(
        self, db: Database, where: str, parent: QWidget | None = None, *, empty: bool = False
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = TaskRunner(self)
        self.setWindowTitle("Create the administrator — MIH Rounds")
        self.setModal(True)
        intro = QLabel(
            f"{where} is a new program database. Create its administrator: the account that "
            "adds the other users and their roles. Client records need a log-in from now on."
        )
        intro.setWordWrap(True)
        self.username_edit = QLineEdit("admin")
        self.full_name_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.repeat_edit = QLineEdit()
        for edit in (self.password_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(f"at least {MIN_PASSWORD_CHARS} characters")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow("&User name:", self.username_edit)
        form.addRow("&Full name:", self.full_name_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("&Repeat password:", self.repeat_edit)
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(
            "&Create administrator", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Only an empty database can become the demo (invented people, no log-in).
        self.demo_button = buttons.addButton(
            "Try the &demo instead", QDialogButtonBox.ButtonRole.ResetRole
        )
        self.demo_button.setVisible(empty)
        self.demo_button.setToolTip(
            "Fill this new database with the demo program (invented people, no log-in) to try "
            "MIH Rounds; create a program database later for real clients"
        )
        self.demo_button.clicked.connect(self._on_demo_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.create_administrator)
        buttons.rejected.connect(self.reject)
        self.full_name_edit.setFocus()

    def _on_demo_button_clicked(self) -> None:
        self.demo_chosen.emit()
        self.accept()

    def create_administrator(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            self.message.setText("The two passwords differ; type the same password twice.")
            self.repeat_edit.clear()
            self.repeat_edit.setFocus()
            return
        db = self.db
        username, full_name = self.username_edit.text(), self.full_name_edit.text()
        password = self.password_edit.text()
        self.create_button.setEnabled(False)

        def make(_p: ProgressFn, _c: object) -> Actor:
            return create_first_administrator(db, username, full_name, password)

        def done(actor: Actor) -> None:
            self.logged_in.emit(actor)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.create_button.setEnabled(True)
            self.message.setText(failure_text(self, exc))

        self.tasks.run(make, done, on_failed=failed)
