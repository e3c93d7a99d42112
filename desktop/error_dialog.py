"""The one place errors are shown: user-fixable ones as a plain message, bugs with a log path.

What is the user's to fix is decided in `desktop.errors`, the same rule the command line uses.

Unexpected exceptions anywhere in the UI are logged and shown here; the app keeps running.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from caseload.errors import ConflictError
from caseload.private_files import create_private_file, private_dir
from desktop.log_format import SafeFormatter

log = logging.getLogger("rounds")


def log_file() -> Path:
    return Path(platformdirs.user_log_dir("mih-rounds")) / "rounds.log"


def setup_logging() -> Path:
    path = log_file()
    private_dir(path.parent, ours=True)  # 0700, 0600: the log is as private as the data
    create_private_file(path)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # schema upgrades: not news
    return path


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "MIH Rounds") -> None:
    """Present `exc`: a user error as its message; anything else as an unexpected problem."""
    from desktop.errors import user_message  # routing and maps errors: not needed at start-up

    message = user_message(exc)
    if message is not None:
        heading = "Changed by someone else" if isinstance(exc, ConflictError) else title
        QMessageBox.warning(parent, heading, message)
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText("Something went wrong. Your data is safe: nothing half-done was saved.")
    box.setInformativeText(f"{type(exc).__name__}: {exc}\n\nDetails are in {log_file()}.")
    box.setDetailedText("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    box.exec()


def install_excepthook() -> None:
    """Route uncaught exceptions in slots to the error dialog instead of killing the app."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        app = QApplication.instance()
        parent = app.activeWindow() if isinstance(app, QApplication) else None
        show_error(parent, exc.with_traceback(tb))

    sys.excepthook = hook
