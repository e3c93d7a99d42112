"""Screenshots of views as test artifacts (test-artifacts/ at the repository root, git-ignored)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Grab `widget` as it is drawn now and save it as test-artifacts/<name>.png."""
    QApplication.processEvents()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write the screenshot {path}")
    return path
