"""Remote tasks and how they progress: by poll count (default) or by the fake clock.

A TaskPlan lays out a task's life as consecutive spans, measured either in status polls
(`by="polls"`: the Nth poll of the task sees the state at elapsed = N) or in fake-clock
seconds since creation (`by="clock"`):

    [pending) -> [throttled) -> [running, progress 0..1) -> outcome
    (succeeded | failed | cancelled)

A span of None (or inf) never ends: `TaskPlan(running=None)` is a task stuck in RUNNING,
`TaskPlan(pending=None)` one stuck in the queue. The default plan is one PENDING poll, two
RUNNING polls, then SUCCEEDED. `forget_after` makes the provider forget the task (404) that
many fake-clock seconds after creation, like a provider purging old tasks.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from tests.fakes.media import MediaSpec

OUTCOMES = ("succeeded", "failed", "cancelled")
TERMINAL = frozenset(OUTCOMES)
PROVIDERS = ("runway", "fal", "elevenlabs")


def _span(value: float | None) -> float:
    return math.inf if value is None else float(value)


@dataclass
class TaskPlan:
    pending: float | None = 1.0
    throttled: float | None = 0.0
    running: float | None = 2.0
    by: str = "polls"  # polls | clock
    outcome: str = "succeeded"
    failure: str = "The generation failed."
    failure_code: str | None = None  # None: the provider's usual code
    url_ttl: float | None = None  # None: the server setting for the provider
    forget_after: float | None = None  # clock s after creation when the task 404s (T14, T17)

    def __post_init__(self) -> None:
        if self.by not in ("polls", "clock"):
            raise ValueError("TaskPlan.by must be 'polls' or 'clock'")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"TaskPlan.outcome must be one of {OUTCOMES}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskPlan:
        known = {f.name for f in fields(cls)}
        if set(data) - known:
            raise ValueError(f"unknown plan fields {sorted(set(data) - known)}")
        return cls(**data)


@dataclass(frozen=True)
class TaskView:
    phase: str  # queued | throttled | running | succeeded | failed | cancelled
    progress: float | None = None
    queue_position: int | None = None

    @property
    def terminal(self) -> bool:
        return self.phase in TERMINAL


@dataclass
class Task:
    id: str
    provider: str
    endpoint: str
    model: str
    created_at: float
    plan: TaskPlan
    media: list[MediaSpec] = field(default_factory=list)
    app: str = ""  # FAL owner/alias used in its queue URLs
    info: dict[str, Any] = field(default_factory=dict)  # provider-specific echo (seed, prompt)
    polls: int = 0
    cancelled: bool = False
    deleted: bool = False

    def view(self, now: float) -> TaskView:
        if self.cancelled:
            return TaskView("cancelled")
        plan = self.plan
        elapsed = float(self.polls) if plan.by == "polls" else max(0.0, now - self.created_at)
        queued_end = _span(plan.pending)
        throttled_end = queued_end + _span(plan.throttled)
        running = _span(plan.running)
        if elapsed < queued_end:
            left = queued_end - elapsed
            return TaskView("queued", queue_position=9 if math.isinf(left) else math.ceil(left) - 1)
        if elapsed < throttled_end:
            return TaskView("throttled", queue_position=0)
        if elapsed < throttled_end + running:
            progress = 0.0 if math.isinf(running) else (elapsed - throttled_end) / running
            return TaskView("running", progress=round(min(progress, 0.99), 4))
        return TaskView(plan.outcome, progress=1.0 if plan.outcome == "succeeded" else None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["media"] = [m.to_json() for m in self.media]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Task:
        data = dict(data)
        data["plan"] = TaskPlan.from_json(data["plan"])
        data["media"] = [MediaSpec.from_json(m) for m in data.get("media", [])]
        return cls(**data)


class PlanBook:
    """Default plan per provider, plus plans queued for the next creates of a provider."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._defaults: dict[str, TaskPlan] = {p: TaskPlan() for p in PROVIDERS}
        self._next: dict[str, list[TaskPlan]] = {p: [] for p in PROVIDERS}
        self._on_change = on_change or (lambda: None)

    def _providers(self, provider: str) -> tuple[str, ...]:
        if provider == "any":
            return PROVIDERS
        if provider not in PROVIDERS:
            raise ValueError(f"unknown provider {provider!r}")
        return (provider,)

    def set_default(self, provider: str = "any", **plan: Any) -> None:
        """Plan for every later create of `provider` (fields as in TaskPlan)."""
        with self._lock:
            for p in self._providers(provider):
                self._defaults[p] = TaskPlan.from_json(plan)
        self._on_change()

    def push(self, provider: str = "any", **plan: Any) -> None:
        """Plan for the next single create of `provider` (queued in order)."""
        with self._lock:
            for p in self._providers(provider):
                self._next[p].append(TaskPlan.from_json(plan))
        self._on_change()

    def take(self, provider: str) -> TaskPlan:
        with self._lock:
            queued = self._next[provider]
            plan = queued.pop(0) if queued else TaskPlan(**asdict(self._defaults[provider]))
        self._on_change()
        return plan

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "defaults": {p: asdict(v) for p, v in self._defaults.items()},
                "next": {p: [asdict(v) for v in q] for p, q in self._next.items()},
            }

    def load_json(self, data: dict[str, Any]) -> None:
        with self._lock:
            for p, v in data.get("defaults", {}).items():
                self._defaults[p] = TaskPlan.from_json(v)
            for p, q in data.get("next", {}).items():
                self._next[p] = [TaskPlan.from_json(v) for v in q]
