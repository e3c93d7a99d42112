"""Auto-lock's clock: every key, mouse or touch input restarts a timer; when it runs out,
`idle` is said. Other events (paint, timers) do not count.

The filter sits on the application's top-level windows (`QWindow`s, which receive every input
event before their widgets do), not on the QApplication: a Python filter on the application is
also handed objects in the middle of being destroyed, which crashes PySide. Windows that appear
later (a dialog) are watched from when they first get the focus.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """`start(interval_ms)` watches for input; `idle` fires after that long without any."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self._watched: list[QWindow] = []
        self._following_focus = False
        self._running = False

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def start(self, interval_ms: int) -> None:
        self._running = True
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            for window in QGuiApplication.topLevelWindows():
                self._watch(window)
            if not self._following_focus:
                app.focusWindowChanged.connect(self._watch)
                self._following_focus = True
        self._timer.start(max(1, interval_ms))

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        for window in self._watched:
            if shiboken6.isValid(window):
                window.removeEventFilter(self)
        self._watched = []

    def input_seen(self) -> None:
        """Restart the clock (what any key or mouse input does)."""
        if self._timer.isActive():
            self._timer.start()

    def _watch(self, window: QWindow | None) -> None:
        if window is None or not self._running:
            return
        self._watched = [w for w in self._watched if shiboken6.isValid(w)]
        if window not in self._watched:
            window.installEventFilter(self)
            self._watched.append(window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self.input_seen()
        return False
