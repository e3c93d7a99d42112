"""The `rounds` entry point: fast help, `--db` before or after the command, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from caseload.actor import local_actor
from caseload.demo.create import create_demo
from caseload.store.database import open_database
from desktop.cli import COMMANDS, main


def test_help_lists_every_command_without_loading_them() -> None:
    code = (
        "import sys, desktop.cli as c\n"
        "c.build_parser(['--help']).format_help()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('caseload.', 'routing.', 'PySide6'))"
        " and m not in ('caseload.errors',)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out.replace("'", '"')) == []
    help_text = subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--help"], check=True, capture_output=True, text=True
    ).stdout
    for name in COMMANDS:
        assert name in help_text


@pytest.mark.parametrize("before", [True, False])
def test_db_option_before_or_after_the_command(
    tmp_path: Path, before: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    db = open_database(url, create=True)
    create_demo(db, local_actor(), seed=2, clients=20)
    db.dispose()
    args = ["priorities", "--json", "--limit", "3"]
    argv = ["--db", url, *args] if before else [*args, "--db", url]
    assert main(argv) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def test_unknown_database_url_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["priorities", "--db", "nonsense://x"]) == 2
    assert "database" in capsys.readouterr().err.lower()
