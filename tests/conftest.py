"""Session-wide test set-up.

The Qt environment must be set before any QApplication exists (see ../shared/env-notes.md):
offscreen platform, QtWebEngine without sandbox (CI runs as root), caches in a temp dir.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_QT_TMP = Path(tempfile.mkdtemp(prefix="rounds-qt-"))
for _name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"):
    _dir = _QT_TMP / _name.lower()
    _dir.mkdir(mode=0o700)
    os.environ[_name] = str(_dir)
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
os.environ.setdefault(
    "QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu --disable-dev-shm-usage"
)
os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")


def pytest_configure() -> None:
    # QtWebEngine needs shared GL contexts and its module imported before the QApplication.
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    import PySide6.QtWebEngineWidgets  # noqa: F401


SHARED = Path(__file__).resolve().parents[2] / "shared"
