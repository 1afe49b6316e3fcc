"""Engine events → Qt signals on the GUI thread.

The engine's `EventBus` calls handlers in the emitting thread. That is normally the loop
thread (which, with qasync, is the GUI thread), but nothing guarantees it: a provider callback
or an FFmpeg progress reader may emit from a worker. So every event crosses into Qt through
one signal connected with `Qt.QueuedConnection` to a bound method of this QObject, which
lives in the GUI thread: the slot always runs there, whatever thread emitted (STYLE.md §4.4:
lambdas would run in the emitter's thread).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from genstudio.events import (
    Event,
    EventBus,
    JobChanged,
    LogLine,
    ProjectChanged,
    SceneChanged,
    StepChanged,
    TakeAdded,
)


class EventBridge(QObject):
    # Typed re-emissions, always on the GUI thread.
    stepChanged = Signal(object)  # StepChanged
    sceneChanged = Signal(object)  # SceneChanged
    takeAdded = Signal(object)  # TakeAdded
    jobChanged = Signal(object)  # JobChanged
    projectChanged = Signal(object)  # ProjectChanged
    logLine = Signal(object)  # LogLine

    # Internal: carries an event from any thread to `_dispatch` on the GUI thread.
    _posted = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        # Runs in the emitter's thread: only hand the (immutable) event to Qt's queue.
        self._posted.emit(event)

    @Slot(object)
    def _dispatch(self, event: Event) -> None:
        if isinstance(event, StepChanged):
            self.stepChanged.emit(event)
        elif isinstance(event, SceneChanged):
            self.sceneChanged.emit(event)
        elif isinstance(event, TakeAdded):
            self.takeAdded.emit(event)
        elif isinstance(event, JobChanged):
            self.jobChanged.emit(event)
        elif isinstance(event, ProjectChanged):
            self.projectChanged.emit(event)
        elif isinstance(event, LogLine):
            self.logLine.emit(event)

    def close(self) -> None:
        """Stop listening; events already queued are still delivered (harmlessly)."""
        self._unsubscribe()
