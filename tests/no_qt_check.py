"""The check that the routing tests need no Qt: collect them (import every conftest and test
module, run every pytest_configure hook) in a fresh interpreter with pytest-qt switched off, as
on a machine without Qt, and list the Qt modules loaded.

It takes about 2 s, so the root conftest starts it as soon as collection is done; it runs
alongside the other tests and `tests/test_test_setup.py` only reads its answer.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STARTED = pytest.StashKey[subprocess.Popen[str]]()
TEST_NAME = "test_routing_tests_load_without_qt"

# Without pytest-qt, pyproject's `qt_api` is an unknown option: hence the -W.
_COLLECT_WITHOUT_QT = """
import sys, pytest
code = pytest.main(["--collect-only", "-qq", "-p", "no:pytest-qt", "-p", "no:cacheprovider",
                    "-W", "ignore::pytest.PytestConfigWarning", "tests/routing"])
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "superqt"))
print("exit", int(code), "qt", qt)
"""


def start() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _COLLECT_WITHOUT_QT],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()
