"""One rule for what is the user's to fix (desktop.errors), used by both front ends: the same
exceptions are a plain warning in the app and exit code 2 with a one-line message from `rounds`;
anything else is a bug (the app's "Something went wrong" dialog; `rounds` exits 1)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from caseload.errors import ConflictError, DatabaseMissingError, UserError
from desktop import cli, error_dialog
from desktop.errors import user_message
from maps.errors import MapAssetsMissingError
from routing.errors import ProblemError, SolveError
from routing.matrix import TravelTimeError

USER_FIXABLE: list[BaseException] = [
    UserError("The file has 3 problems."),
    ConflictError("Someone else changed this record."),
    DatabaseMissingError("There is no database at /tmp/x.db."),
    ProblemError("time window ends before it starts", where="job 7"),
    TravelTimeError("cannot reach the OSRM server at http://127.0.0.1:9"),
    MapAssetsMissingError("The offline Leaflet files are not installed."),
    PermissionError(13, "Permission denied", "/read-only/out"),
]
BUGS: list[BaseException] = [
    RuntimeError("a bug"),
    KeyError("client"),
    SolveError("the solver could not run"),
    OSError("no file involved"),
]


def _failing_command(exc: BaseException) -> Callable[[argparse.Namespace], int]:
    def run(_args: argparse.Namespace) -> int:
        raise exc

    return run


def _run_rounds(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> int:
    """`rounds init` whose work raises `exc` (any command goes through the same top level)."""
    from desktop.cli import init

    monkeypatch.setattr(init, "run", _failing_command(exc))
    return cli.main(["init", "--db", "sqlite:///unused.db"])


@pytest.mark.parametrize("exc", USER_FIXABLE, ids=lambda e: type(e).__name__)
def test_user_errors_exit_2_with_the_message_and_no_traceback(
    exc: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    message = user_message(exc)
    assert message is not None
    assert _run_rounds(monkeypatch, exc) == 2
    err = capsys.readouterr().err
    assert err == f"rounds: {message}\n"
    assert "Traceback" not in err


@pytest.mark.parametrize("exc", BUGS, ids=lambda e: type(e).__name__)
def test_bugs_are_not_the_users_and_leave_the_command_line_as_a_crash(
    exc: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert user_message(exc) is None
    # Exit 1 with the traceback's stack and type; the error's own text is withheld (it may
    # quote client data). `--verbose` re-raises it whole.
    assert _run_rounds(monkeypatch, exc) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and type(exc).__name__ in err and "internal error" in err
    assert f"{type(exc).__name__}: {exc}" not in err
    from desktop.cli import init

    monkeypatch.setattr(init, "run", _failing_command(exc))
    with pytest.raises(type(exc)):
        cli.main(["--verbose", "init", "--db", "sqlite:///unused.db"])


def test_database_errors_become_plain_messages_without_the_values() -> None:
    """A driver error carrying the statement's values (as SQLAlchemy shows them without
    hide_parameters) is the user's to fix and its message names none of them."""
    import sqlite3

    from sqlalchemy.exc import DataError, IntegrityError, OperationalError

    params = ("Zelda", "Quixote", "1950-02-03", "919-555-0142")
    cases = {
        IntegrityError("INSERT INTO clients", params, sqlite3.IntegrityError("UNIQUE")): (
            "at the same time"
        ),
        OperationalError("INSERT", params, sqlite3.OperationalError("database is locked")): (
            "The database is busy (another import is running"
        ),
        DataError("INSERT", params, ValueError("NUL (0x00) byte")): "NUL character",
        OperationalError("SELECT", params, sqlite3.DatabaseError("file is not a database")): (
            "rounds restore"
        ),
    }
    for exc, expected in cases.items():
        assert "Zelda" in str(exc)  # what used to reach the terminal and the log
        message = user_message(exc)
        assert message is not None and expected in message
        assert not any(value in message for value in params)


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(kind, text) of every message box the error dialog would show."""
    shown: list[tuple[str, str]] = []

    def warning(_parent: Any, _title: str, text: str) -> None:
        shown.append(("warning", text))

    def exec_(box: QMessageBox) -> int:
        shown.append(("critical", box.informativeText()))
        return 0

    monkeypatch.setattr(QMessageBox, "warning", warning)
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


@pytest.mark.parametrize("exc", USER_FIXABLE, ids=lambda e: type(e).__name__)
def test_the_app_shows_the_same_errors_as_a_plain_warning(
    qtbot: Any, exc: BaseException, dialogs: list[tuple[str, str]]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    error_dialog.show_error(parent, exc)
    assert dialogs == [("warning", user_message(exc))]


@pytest.mark.parametrize("exc", BUGS, ids=lambda e: type(e).__name__)
def test_the_app_shows_bugs_as_unexpected(
    qtbot: Any, exc: BaseException, dialogs: list[tuple[str, str]]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    error_dialog.show_error(parent, exc)
    assert len(dialogs) == 1 and dialogs[0][0] == "critical"
    assert type(exc).__name__ in dialogs[0][1]
