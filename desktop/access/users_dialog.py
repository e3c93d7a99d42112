"""File > Users… (administrator): the accounts, and add / change role / disable or enable /
reset password, and single-user local mode on or off. Every change goes through
`caseload.users.accounts`, which checks the administrator's permission and audits it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseload.actor import Role
from caseload.users.accounts import (
    ACCOUNT_ROLES,
    AccessMode,
    UserInfo,
    access_mode,
    add_user,
    list_users,
    reset_password,
    set_active,
    set_local_mode,
    set_role,
)
from desktop.tasks import ProgressFn, TaskRunner

if TYPE_CHECKING:
    from desktop.context import AppContext

HEADERS = ("User name", "Full name", "Role", "Staff", "Active", "Last log-in")


class UsersDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = TaskRunner(self)
        self.users: list[UserInfo] = []
        self.setWindowTitle("Users")
        self.resize(860, 480)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("&Add user…")
        self.role_button = QPushButton("Change &role…")
        self.active_button = QPushButton("&Disable")
        self.password_button = QPushButton("Reset &password…")
        self.local_mode_check = QCheckBox(
            "Single-user &local mode (the database opens without log-in, as the local user)"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.role_button, self.active_button, self.password_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.local_mode_check)
        layout.addWidget(self.message)
        layout.addWidget(close)
        close.rejected.connect(self.reject)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.role_button.clicked.connect(self._on_role_button_clicked)
        self.active_button.clicked.connect(self._on_active_button_clicked)
        self.password_button.clicked.connect(self._on_password_button_clicked)
        self.local_mode_check.clicked.connect(self._on_local_mode_check_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    # --- list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        db, actor = self.context.db, self.context.actor

        def load(_p: ProgressFn, _c: object) -> tuple[list[UserInfo], AccessMode]:
            return list_users(db, actor), access_mode(db)

        self.tasks.run(load, self._show)

    def _show(self, result: tuple[list[UserInfo], AccessMode]) -> None:
        users, mode = result
        selected = self.selected()
        self.users = users
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            cells = (
                user.username,
                user.full_name,
                user.role.label,
                user.staff_name or "",
                "yes" if user.active else "disabled",
                ""
                if user.last_login_at is None
                else f"{user.last_login_at.astimezone():%Y-%m-%d %H:%M}",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if selected is not None and user.username == selected.username:
                self.table.selectRow(row)
        self.local_mode_check.setChecked(mode is AccessMode.LOCAL)
        self._update_buttons()

    def selected(self) -> UserInfo | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.users[min(rows)] if rows and min(rows) < len(self.users) else None

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.role_button, self.active_button, self.password_button):
            button.setEnabled(user is not None)
        self.active_button.setText(
            "&Enable" if user is not None and not user.active else "&Disable"
        )

    # --- changes ---------------------------------------------------------------------------
    def _change(self, fn: Callable[[], object], done_text: str) -> None:
        def run(_p: ProgressFn, _c: object) -> object:
            return fn()

        def done(_result: object) -> None:
            self.message.setText(done_text)
            self.refresh()

        def failed(exc: BaseException) -> None:
            from desktop.access.login_dialog import failure_text

            self.message.setText(failure_text(self, exc))
            self.refresh()

        self.tasks.run(run, done, on_failed=failed)

    def _on_add_button_clicked(self) -> None:
        form = AccountForm(self, new=True)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        db, actor = self.context.db, self.context.actor
        values = form.values()
        self._change(
            lambda: add_user(
                db,
                actor,
                values["username"],
                values["full_name"],
                values["role"],
                values["password"],
                values["staff_id"],
            ),
            f"Added {values['username']}.",
        )

    def _on_role_button_clicked(self) -> None:
        user = self.selected()
        if user is None:
            return
        form = AccountForm(self, new=False, user=user)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        db, actor = self.context.db, self.context.actor
        values = form.values()
        self._change(
            lambda: set_role(db, actor, user.username, values["role"], values["staff_id"]),
            f"{user.username} is now {Role(values['role']).label}.",
        )

    def _on_active_button_clicked(self) -> None:
        user = self.selected()
        if user is None:
            return
        db, actor = self.context.db, self.context.actor
        active = not user.active
        self._change(
            lambda: set_active(db, actor, user.username, active),
            f"{user.username} {'enabled' if active else 'disabled'}.",
        )

    def _on_password_button_clicked(self) -> None:
        user = self.selected()
        if user is None:
            return
        form = PasswordForm(self, user.username)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        db, actor, password = self.context.db, self.context.actor, form.password()
        self._change(
            lambda: reset_password(db, actor, user.username, password),
            f"New password set for {user.username}; tell them in person.",
        )

    def _on_local_mode_check_clicked(self, on: bool) -> None:
        if on:
            answer = QMessageBox.question(
                self,
                "Single-user local mode",
                "Anyone who can open this database file will see every client record without "
                "logging in. Use it only on a computer one person uses. Switch it on?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.local_mode_check.setChecked(False)
                return
        db, actor = self.context.db, self.context.actor
        self._change(
            lambda: set_local_mode(db, actor, on),
            "Local mode is on from the next start." if on else "Log-in is required again.",
        )


class AccountForm(QDialog):
    """A new account (name, full name, role, staff id, password) or a role change."""

    def __init__(self, parent: QWidget, *, new: bool, user: UserInfo | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add user" if new else f"Role of {user.username if user else ''}")
        self.username_edit = QLineEdit()
        self.full_name_edit = QLineEdit()
        self.role_box = QComboBox()
        for role in ACCOUNT_ROLES:
            self.role_box.addItem(role.label, role.value)
        self.staff_spin = QSpinBox()
        self.staff_spin.setRange(0, 10_000_000)
        self.staff_spin.setSpecialValueText("none")
        self.staff_spin.setToolTip(
            "The staff member this person is (needed for paramedics and peer-support "
            "specialists: their crew's routes and clients follow from it)"
        )
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        if new:
            form.addRow("&User name:", self.username_edit)
            form.addRow("&Full name:", self.full_name_edit)
        form.addRow("&Role:", self.role_box)
        form.addRow("&Staff id:", self.staff_spin)
        if new:
            form.addRow("&Password:", self.password_edit)
        if user is not None:
            self.role_box.setCurrentIndex(max(0, self.role_box.findData(user.role.value)))
            self.staff_spin.setValue(user.staff_id or 0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def values(self) -> dict[str, Any]:
        role = Role(self.role_box.currentData())
        staff = self.staff_spin.value() or None
        return {
            "username": self.username_edit.text().strip(),
            "full_name": self.full_name_edit.text().strip(),
            "role": role,
            "staff_id": staff,  # a crew role without one is refused with a plain message
            "password": self.password_edit.text(),
        }


class PasswordForm(QDialog):
    def __init__(self, parent: QWidget, username: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"New password for {username}")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow("&New password:", self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def password(self) -> str:
        return self.password_edit.text()
