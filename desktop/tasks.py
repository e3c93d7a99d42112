"""Long work off the UI thread: a plain function runs on the global QThreadPool and reports
through Qt signals (queued onto the UI thread). A user's cancel is not an error.

The function receives `progress(done, total, message)` and a `threading.Event` cancel token,
the same shape every long `caseload`/`routing` function takes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from desktop.error_dialog import show_error

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
TaskFn = Callable[[ProgressFn, threading.Event], Any]
T = TypeVar("T")


class TaskSignals(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _TaskRunnable(QRunnable):
    def __init__(self, fn: TaskFn, signals: TaskSignals, cancel: threading.Event) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals
        self._cancel = cancel
        self.setAutoDelete(True)

    def run(self) -> None:
        signals = self._signals
        try:
            result = self._fn(self._progress, self._cancel)
        except Exception as exc:  # handed to the UI thread's one error presenter
            if self._cancel.is_set():
                _emit(signals.cancelled)
            else:
                log.debug("task failed", exc_info=exc)
                _emit(signals.failed, exc)
            return
        if self._cancel.is_set() and result is None:
            _emit(signals.cancelled)
        else:
            _emit(signals.finished, result)

    def _progress(self, done: int, total: int, message: str) -> None:
        _emit(self._signals.progressed, done, total, message)


def _emit(signal: Any, *args: object) -> None:
    """Emit, unless the receiving side is gone (the window closed while the task ran)."""
    try:
        signal.emit(*args)
    except RuntimeError:
        log.debug("a background task finished after its window was closed; result dropped")


class TaskHandle(QObject):
    """A running task: `cancel()` asks it to stop; `running` until a final signal arrives."""

    def __init__(self, signals: TaskSignals, cancel: threading.Event) -> None:
        super().__init__(signals)
        self.signals = signals
        self._cancel = cancel
        self.started_at = time.monotonic()
        self.running = True
        for signal in (signals.finished, signals.failed, signals.cancelled):
            signal.connect(self._on_done)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started_at

    def _on_done(self, *_args: object) -> None:
        self.running = False


def start_task(
    fn: TaskFn,
    *,
    on_finished: Callable[[Any], object] | None = None,
    on_failed: Callable[[BaseException], object] | None = None,
    on_progress: Callable[[int, int, str], object] | None = None,
    on_cancelled: Callable[[], object] | None = None,
    pool: QThreadPool | None = None,
) -> TaskHandle:
    """Run `fn(progress, cancel)` in the thread pool; callbacks run on the UI thread."""
    signals = TaskSignals()
    cancel = threading.Event()
    handle = TaskHandle(signals, cancel)
    if on_finished is not None:
        signals.finished.connect(on_finished)
    if on_failed is not None:
        signals.failed.connect(on_failed)
    if on_progress is not None:
        signals.progressed.connect(on_progress)
    if on_cancelled is not None:
        signals.cancelled.connect(on_cancelled)
    (pool or QThreadPool.globalInstance()).start(_TaskRunnable(fn, signals, cancel))
    return handle


class TaskRunner:
    """A widget's background work: starts typed tasks, keeps their handles alive while they
    run, and shows a failure in the app's one error dialog unless the caller handles it.

    Every widget that does long work owns one (`self.tasks = TaskRunner(self)`)."""

    def __init__(self, owner: QWidget, *, pool: QThreadPool | None = None) -> None:
        self._owner = owner
        self._pool = pool
        self._handles: list[TaskHandle] = []

    def run(
        self,
        fn: Callable[[ProgressFn, threading.Event], T],
        on_finished: Callable[[T], object],
        *,
        on_failed: Callable[[BaseException], object] | None = None,
        on_progress: Callable[[int, int, str], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
    ) -> TaskHandle:
        """Run `fn(progress, cancel)` off the UI thread; the callbacks run on the UI thread."""
        if on_failed is None:

            def on_failed(exc: BaseException) -> None:
                show_error(self._owner, exc)

        handle = start_task(
            fn,
            on_finished=self._while_alive(on_finished),
            on_failed=self._while_alive(on_failed),
            on_progress=self._while_alive(on_progress),
            on_cancelled=self._while_alive(on_cancelled),
            pool=self._pool,
        )
        self._handles = [*self.running, handle]
        return handle

    def _while_alive(self, callback: Callable[..., object] | None) -> Any:
        """The callback, dropped once its widget is gone: work that ends after its page was
        closed (a plan finishing after the window changed databases) must not touch it."""
        if callback is None:
            return None
        owner = self._owner

        def call(*args: Any) -> None:
            if shiboken6.isValid(owner):
                callback(*args)

        return call

    @property
    def running(self) -> list[TaskHandle]:
        return [h for h in self._handles if h.running]

    @property
    def busy(self) -> bool:
        return bool(self.running)

    def cancel_all(self) -> None:
        for handle in self.running:
            handle.cancel()
