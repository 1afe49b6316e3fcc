"""A tiny typed event bus. The engine emits; the CLI prints and the window re-emits as Qt signals.

Handlers run synchronously in the emitting thread (the engine emits from its event-loop
thread). A failing handler is logged and never breaks the engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from genstudio.models import SceneStatus, StepName, StepStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    project_id: str


@dataclass(frozen=True)
class StepChanged(Event):
    step: StepName
    status: StepStatus
    percent: float
    detail: str


@dataclass(frozen=True)
class SceneChanged(Event):
    scene_id: str
    status: SceneStatus
    detail: str = ""


@dataclass(frozen=True)
class TakeAdded(Event):
    scene_id: str
    take_id: str


@dataclass(frozen=True)
class JobChanged(Event):
    job_id: str
    kind: str
    provider: str
    state: str
    detail: str = ""
    progress: float = 0.0


@dataclass(frozen=True)
class ProjectChanged(Event):
    status: str


@dataclass(frozen=True)
class LogLine(Event):
    level: int
    message: str


Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._lock = threading.Lock()

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """Add a handler; returns a function that removes it."""
        with self._lock:
            self._handlers.append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._handlers:
                    self._handlers.remove(handler)

        return unsubscribe

    def emit(self, event: Event) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            try:
                handler(event)
            except Exception:  # a broken subscriber must not stop a paid run
                log.exception("event handler %r failed on %r", handler, event)
